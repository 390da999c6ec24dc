package dev.phaseflow.loadtest;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to (or when someone sleeps until a later time). */
final class ManualTicker implements Ticker {
    private final AtomicLong now;

    ManualTicker(long start) {
        now = new AtomicLong(start);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleepUntil(long deadline) {
        now.accumulateAndGet(deadline, Math::max);
    }

    void advance(long nanos) {
        now.addAndGet(nanos);
    }
}
