package dev.phaseflow.loadtest;

import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's clock. Every timestamp of a run comes from one ticker, so tests can drive
 * the open-loop schedule and a slow target with a manual clock instead of real time.
 */
public interface Ticker {

    /** Monotonic nanoseconds. */
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code deadline} (at once when it already has). */
    void sleepUntil(long deadline) throws InterruptedException;

    /** System.nanoTime; sleeps by parking, spinning the last 50 microseconds for an accurate schedule. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (left > 50_000) {
                    LockSupport.parkNanos(left - 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    };
}
