package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The inference pool's queue spins, then blocks; the pool runs everything it is given on its threads. */
class SpinningThreadPoolTest {

    @Test
    void takeReturnsWorkThatArrivesWhileItSpins() throws Exception {
        SpinningThreadPool.SpinningQueue q = new SpinningThreadPool.SpinningQueue(TimeUnit.SECONDS.toNanos(5));
        Runnable work = () -> {};
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            q.add(work);
        });
        producer.start();
        assertSame(work, q.take());
        producer.join();
    }

    @Test
    void takeBlocksAfterTheSpinUntilWorkArrives() throws Exception {
        SpinningThreadPool.SpinningQueue q = new SpinningThreadPool.SpinningQueue(TimeUnit.MICROSECONDS.toNanos(10));
        Runnable work = () -> {};
        CountDownLatch taken = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try {
                assertSame(work, q.take());
                taken.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.start();
        Thread.sleep(50); // far past the spin: the consumer is blocked in the queue's own take
        assertEquals(1, taken.getCount());
        q.add(work);
        assertTrue(taken.await(5, TimeUnit.SECONDS));
        assertNull(q.poll());
    }

    @Test
    void thePoolRunsEveryTaskOnItsFixedThreads() throws Exception {
        ExecutorService pool = SpinningThreadPool.create(2, TimeUnit.MICROSECONDS.toNanos(200), Executors.defaultThreadFactory());
        try {
            AtomicInteger done = new AtomicInteger();
            java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 1000; i++) {
                pool.execute(() -> {
                    threads.add(Thread.currentThread());
                    done.incrementAndGet();
                });
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(1000, done.get());
            assertTrue(threads.size() <= 2, threads.size() + " threads");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBadSectionIsRefusedNamingIt() {
        var config = ConfigFactory.parseString("spinning-thread-pool { pool-size = 0, spin = 1ms }");
        var e = assertThrows(IllegalArgumentException.class, () -> new SpinningThreadPool(config, null));
        assertTrue(e.getMessage().contains("spinning-thread-pool"), e.getMessage());
    }
}
