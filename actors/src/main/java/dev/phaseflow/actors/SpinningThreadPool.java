package dev.phaseflow.actors;

import com.typesafe.config.Config;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * The inference dispatcher's executor: a fixed pool whose idle threads poll for new work for a
 * short while ({@code spin}) before they park. A single request's next model call arrives a few
 * hundred microseconds after the last one ended (the job's solver step and three actor hops);
 * a parked thread on a virtual machine takes 50-150 us to wake (measured on the 2-core CI kind),
 * per step. Spinning only happens when a thread has just finished a call and the queue is empty,
 * so under load (queue never empty) it costs nothing. Configured in the dispatcher's
 * {@code spinning-thread-pool} section: {@code pool-size}, {@code spin}.
 */
public final class SpinningThreadPool extends ExecutorServiceConfigurator {
    private final int poolSize;
    private final long spinNanos;

    public SpinningThreadPool(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        Config c = config.getConfig("spinning-thread-pool");
        this.poolSize = c.getInt("pool-size");
        this.spinNanos = c.getDuration("spin", TimeUnit.NANOSECONDS);
        if (poolSize < 1 || spinNanos < 0) {
            throw new IllegalArgumentException("spinning-thread-pool: pool-size must be at least 1 and spin not negative, got "
                    + poolSize + " and " + spinNanos + " ns");
        }
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> create(poolSize, spinNanos, threadFactory);
    }

    static ExecutorService create(int threads, long spinNanos, ThreadFactory threadFactory) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new SpinningQueue(spinNanos), threadFactory);
    }

    /** The pool's work queue: {@code take} polls for up to {@code spinNanos} before it blocks. */
    static final class SpinningQueue extends LinkedBlockingQueue<Runnable> {
        private final long spinNanos;

        SpinningQueue(long spinNanos) {
            this.spinNanos = spinNanos;
        }

        @Override
        public Runnable take() throws InterruptedException {
            if (spinNanos > 0) {
                long end = System.nanoTime() + spinNanos;
                do {
                    Runnable r = poll();
                    if (r != null) {
                        return r;
                    }
                    Thread.onSpinWait();
                } while (System.nanoTime() - end < 0);
            }
            return super.take();
        }
    }
}
