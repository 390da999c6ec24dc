package dev.phaseflow.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.actors.OverloadedException;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Closed and open loops on fake targets; the open loop on a manual clock, so no timing is real. */
class LoadScenariosTest {
    static final long MS = 1_000_000;
    static final SampleRequest TEMPLATE = SampleRequest.defaults().withSteps(3).withCount(2);

    @Test
    void openLoopScheduleIsEvenlySpacedAtTheRate() {
        assertArrayEquals(new long[] {1000, 1000 + 250 * MS, 1000 + 500 * MS, 1000 + 750 * MS},
                OpenLoop.schedule(1000, 4.0, 4));
        long[] third = OpenLoop.schedule(0, 3.0, 4); // 333.33 ms: rounded per slot, no drift
        assertArrayEquals(new long[] {0, 333_333_333, 666_666_667, 1_000_000_000}, third);
        assertThrows(IllegalArgumentException.class, () -> OpenLoop.schedule(0, 0, 1));
    }

    @Test
    void aFastTargetIsSentExactlyOnSchedule() throws Exception {
        ManualTicker ticker = new ManualTicker(5 * MS);
        RequestRunner runner = new RequestRunner(FakeTargets.service(r -> Flux.fromIterable(FakeTargets.events(r))), ticker,
                Duration.ofMinutes(1));
        List<RequestOutcome> out = OpenLoop.run(runner, new RequestPlan(TEMPLATE, 0), 20.0, 6, Long.MAX_VALUE,
                i -> RequestRunner.Keep.NOTHING);
        assertEquals(6, out.size());
        for (RequestOutcome o : out) {
            assertEquals(5 * MS + o.index() * 50 * MS, o.intendedStart(), "slot of request " + o.index());
            assertEquals(o.intendedStart(), o.start(), "sent on time");
            assertEquals(0, o.latencyNanos());
        }
    }

    @Test
    void latencyCountsFromTheScheduledTimeWhenSendingStalls() throws Exception {
        // 100 requests/s, but each send blocks the dispatcher for 50 ms: request i is due at 10 i ms,
        // goes out at 50 i ms and ends at 50 (i + 1) ms
        ManualTicker ticker = new ManualTicker(0);
        RequestRunner runner = new RequestRunner(FakeTargets.blocking(ticker, 50 * MS), ticker, Duration.ofMinutes(1));
        List<RequestOutcome> out = OpenLoop.run(runner, new RequestPlan(TEMPLATE, 0), 100.0, 10, Long.MAX_VALUE,
                i -> RequestRunner.Keep.NOTHING);
        assertEquals(10, out.size());
        for (RequestOutcome o : out) {
            int i = o.index();
            assertEquals(10 * MS * i, o.intendedStart());
            assertEquals(50 * MS * i, o.start());
            assertEquals((50 + 40L * i) * MS, o.latencyNanos(), "corrected latency of request " + i);
            assertEquals(50 * MS, o.serviceNanos(), "what an uncorrected generator would report");
        }
        LevelResult r = LevelResult.of(Scenario.OPEN, Mode.GLOBAL, 100, 10, out, Map.of());
        assertEquals(410, r.latency().maxMs(), 0.5, "the last request waited 360 ms to be sent, then 50 ms");
        assertEquals(50, r.serviceLatency().maxMs(), 0.1);
        assertTrue(r.latency().p50Ms() > r.serviceLatency().p50Ms() * 3, "the correction dominates the median");
        assertEquals(360, r.maxDispatchLagMs(), 1e-9);
        assertEquals(20, r.images());
        assertEquals(0.5, r.wallSeconds(), 1e-12, "first slot at 0, last end at 500 ms");
    }

    @Test
    void theOpenLoopStopsSendingAtTheDeadline() throws Exception {
        ManualTicker ticker = new ManualTicker(0);
        RequestRunner runner = new RequestRunner(FakeTargets.blocking(ticker, 0), ticker, Duration.ofMinutes(1));
        List<RequestOutcome> out = OpenLoop.run(runner, new RequestPlan(TEMPLATE, 0), 10.0, 100, 450 * MS,
                i -> RequestRunner.Keep.NOTHING);
        assertEquals(5, out.size(), "slots 0, 100, ..., 400 ms fall before the 450 ms deadline");
    }

    @Test
    void aClosedLoopKeepsExactlyItsClientsBusy() throws Exception {
        // requests stay pending until the test completes them: at most 3 may be pending at once,
        // and a new one starts as soon as one ends
        ConcurrentLinkedQueue<Sinks.One<Boolean>> pending = new ConcurrentLinkedQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Long> seeds = new CopyOnWriteArrayList<>();
        var service = FakeTargets.service(r -> Flux.defer(() -> {
            Sinks.One<Boolean> done = Sinks.one();
            seeds.add(r.seed());
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            pending.add(done);
            return done.asMono().thenMany(Flux.fromIterable(FakeTargets.events(r))).doOnTerminate(inFlight::decrementAndGet);
        }));
        RequestRunner runner = new RequestRunner(service, Ticker.SYSTEM, Duration.ofMinutes(1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<RequestOutcome>> result = pool.submit(() -> ClosedLoop.run(runner, new RequestPlan(TEMPLATE, 100), 3,
                    7, Long.MAX_VALUE, i -> RequestRunner.Keep.NOTHING));
            for (int finished = 0; finished < 7; finished++) {
                int expected = Math.min(3, 7 - finished);
                awaitPending(pending, expected);
                assertEquals(100 + finished + expected, 100 + seeds.size(), "no request beyond the clients' next");
                pending.poll().tryEmitValue(true);
            }
            List<RequestOutcome> out = result.get(30, TimeUnit.SECONDS);
            assertEquals(7, out.size());
            assertTrue(out.stream().allMatch(RequestOutcome::ok));
            assertEquals(3, peak.get(), "three clients, never more");
            assertEquals(List.of(100L, 101L, 102L, 103L, 104L, 105L, 106L), out.stream().map(RequestOutcome::seed).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyModeSendsTheSameSeeds() {
        Map<Mode, List<Long>> seen = new ConcurrentHashMap<>();
        var service = FakeTargets.service(r -> {
            seen.computeIfAbsent(r.mode(), m -> new CopyOnWriteArrayList<>()).add(r.seed());
            return Flux.fromIterable(FakeTargets.events(r));
        });
        RequestRunner runner = new RequestRunner(service, Ticker.SYSTEM, Duration.ofMinutes(1));
        for (Mode m : Mode.values()) {
            ClosedLoop.run(runner, new RequestPlan(TEMPLATE.withMode(m), 7), 2, 5, Long.MAX_VALUE,
                    i -> RequestRunner.Keep.NOTHING);
        }
        for (Mode m : Mode.values()) {
            assertEquals(List.of(7L, 8L, 9L, 10L, 11L), seen.get(m).stream().sorted().toList(), m.id());
        }
    }

    @Test
    void failuresBecomeOutcomesByKind() {
        var overloaded = FakeTargets.service(r -> Flux.error(new OverloadedException("overloaded: 256 requests in flight")));
        var truncated = FakeTargets.service(r -> Flux.fromIterable(FakeTargets.events(r)).take(2));
        var missingImage = FakeTargets.service(r -> Flux.fromIterable(FakeTargets.events(r))
                .filter(e -> !(e instanceof SampleEvent.Image img && img.index() == 1)));
        RequestOutcome a = once(overloaded);
        assertEquals(ErrorKinds.OVERLOADED, a.errorKind());
        assertEquals("overloaded: 256 requests in flight", a.errorMessage());
        assertEquals(-1, a.firstEventNanos(), "no event arrived");
        assertEquals(ErrorKinds.INCOMPLETE, once(truncated).errorKind());
        RequestOutcome c = once(missingImage);
        assertEquals(ErrorKinds.INCOMPLETE, c.errorKind());
        assertEquals("received 1 images of 2", c.errorMessage());

        List<RequestOutcome> mixed = new ArrayList<>(List.of(a, c, once(FakeTargets.service(r -> Flux.fromIterable(
                FakeTargets.events(r))))));
        LevelResult r = LevelResult.of(Scenario.CLOSED, Mode.HYBRID, 1, 3, mixed, Map.of());
        assertEquals(Map.of("overloaded", 1, "incomplete", 1), r.errors());
        assertEquals(1, r.completed());
        assertEquals(2, r.images(), "only completed requests' images count");
        assertEquals(1, r.latency().count());
    }

    @Test
    void nothingIsSentAfterTheDeadline() {
        ManualTicker ticker = new ManualTicker(10 * MS);
        AtomicInteger sent = new AtomicInteger();
        RequestRunner runner = new RequestRunner(FakeTargets.service(r -> {
            sent.incrementAndGet();
            return Flux.fromIterable(FakeTargets.events(r));
        }), ticker, Duration.ofMinutes(1));
        assertEquals(List.of(), ClosedLoop.run(runner, new RequestPlan(TEMPLATE, 0), 4, 10, 10 * MS,
                i -> RequestRunner.Keep.NOTHING));
        assertEquals(0, sent.get());
    }

    @Test
    void latencyPercentilesAreOrderedAndEmptySetsAreNaN() {
        List<Long> nanos = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            nanos.add((long) i * i * 1000);
        }
        LatencySummary s = LatencySummary.of(nanos, Long::longValue);
        assertEquals(1000, s.count());
        assertTrue(s.p50Ms() <= s.p90Ms() && s.p90Ms() <= s.p99Ms() && s.p99Ms() <= s.maxMs());
        assertEquals(250, s.p50Ms(), 0.5);
        assertEquals(1000, s.maxMs(), 1.0);
        assertTrue(Double.isNaN(LatencySummary.of(List.<Long>of(), Long::longValue).p50Ms()));
    }

    private static RequestOutcome once(dev.phaseflow.pipeline.SamplingService s) {
        return new RequestRunner(s, Ticker.SYSTEM, Duration.ofMinutes(1)).run(TEMPLATE, 0, RequestRunner.NOW, Long.MAX_VALUE,
                RequestRunner.Keep.NOTHING).block();
    }

    private static void awaitPending(ConcurrentLinkedQueue<?> pending, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pending.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(n, pending.size(), "pending requests");
    }
}
