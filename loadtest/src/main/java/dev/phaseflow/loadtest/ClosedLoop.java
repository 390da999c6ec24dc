package dev.phaseflow.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import reactor.core.publisher.Flux;

/**
 * Closed-loop load: {@code concurrency} clients, each sending its next request as soon as its
 * previous one ends, until {@code requests} were sent or the deadline passed.
 */
public final class ClosedLoop {
    private ClosedLoop() {}

    /** The outcomes, ordered by request index. */
    public static List<RequestOutcome> run(RequestRunner runner, RequestPlan plan, int concurrency, int requests,
                                           long deadline, IntFunction<RequestRunner.Keep> keep) {
        if (concurrency < 1 || requests < 0) {
            throw new IllegalArgumentException("closed loop needs concurrency >= 1 and requests >= 0, got " + concurrency
                    + " and " + requests);
        }
        Ticker ticker = runner.ticker();
        // flatMap with a concurrency bound starts a new request exactly when one of the c in flight ends
        List<RequestOutcome> out = Flux.range(0, requests)
                .takeWhile(i -> ticker.nanoTime() < deadline)
                .flatMap(i -> runner.run(plan.request(i), i, RequestRunner.NOW, deadline, keep.apply(i)), concurrency)
                .collectList()
                .block();
        List<RequestOutcome> sorted = new ArrayList<>(out == null ? List.of() : out);
        sorted.sort(Comparator.comparingInt(RequestOutcome::index));
        return sorted;
    }
}
