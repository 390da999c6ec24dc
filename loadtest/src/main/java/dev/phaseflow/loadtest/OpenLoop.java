package dev.phaseflow.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Open-loop load: request i is due at {@code start + i / rate}, whether or not earlier ones have
 * finished. The dispatcher sleeps until each slot and sends without waiting for the response. If
 * sending itself stalls (a blocking client, a saturated machine), later requests go out late;
 * their latency still counts from the slot they were due in, so a stall shows in the latency
 * figures instead of silently thinning the load (the coordinated-omission correction).
 */
public final class OpenLoop {
    /** How long to wait for requests still in flight once the schedule is over, beyond the deadline. */
    private static final long DRAIN_GRACE_SECONDS = 30;

    private OpenLoop() {}

    /** The intended send times: {@code first + round(i * 1e9 / rate)} for i below {@code requests}. */
    public static long[] schedule(long first, double ratePerSecond, int requests) {
        if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) {
            throw new IllegalArgumentException("open-loop rate must be a positive number of requests per second, got "
                    + ratePerSecond);
        }
        long[] out = new long[requests];
        double period = 1e9 / ratePerSecond;
        for (int i = 0; i < requests; i++) {
            out[i] = first + Math.round(i * period);
        }
        return out;
    }

    /** The outcomes of the requests sent before the deadline, ordered by index. */
    public static List<RequestOutcome> run(RequestRunner runner, RequestPlan plan, double ratePerSecond, int requests,
                                           long deadline, IntFunction<RequestRunner.Keep> keep) throws InterruptedException {
        Ticker ticker = runner.ticker();
        long[] due = schedule(ticker.nanoTime(), ratePerSecond, requests);
        ConcurrentLinkedQueue<RequestOutcome> done = new ConcurrentLinkedQueue<>();
        Semaphore finished = new Semaphore(0);
        int sent = 0;
        for (int i = 0; i < due.length && due[i] < deadline; i++) {
            ticker.sleepUntil(due[i]);
            runner.run(plan.request(i), i, due[i], deadline, keep.apply(i)).subscribe(o -> {
                done.add(o);
                finished.release();
            });
            sent++;
        }
        // each request times out at the deadline at the latest, so this wait is bounded
        long waitNanos = Math.max(0, deadline - ticker.nanoTime()) + TimeUnit.SECONDS.toNanos(DRAIN_GRACE_SECONDS);
        if (!finished.tryAcquire(sent, waitNanos, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("open loop: " + (sent - finished.availablePermits())
                    + " requests neither completed nor timed out after the deadline");
        }
        List<RequestOutcome> out = new ArrayList<>(done);
        out.sort(Comparator.comparingInt(RequestOutcome::index));
        return out;
    }
}
