package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The Batcher actor's wiring around its queue: messages in, Work to workers, answers to jobs, watches, timers. */
class BatcherTest {
    private static final ActorTestKit kit = ActorTestKit.create();

    /** Never called: the test probes play the workers. */
    private static final Denoiser MODEL = new Denoiser() {
        public String name() {
            return "g";
        }

        public ModelRole role() {
            return ModelRole.GLOBAL;
        }

        public ImageBatch denoise(ImageBatch x, double[] sigma) {
            // the workers here are test probes that answer batches themselves: a real evaluation would be a test bug
            throw new AssertionError("BatcherTest's model is never evaluated: its workers are probes");
        }
    };

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final EngineObserver observer = new EngineObserver() {
        public void modelExecuted(String model, Route route, int units, int images, long wait, long compute) {
            events.add("executed " + model + " " + route + " " + units + "/" + images + "/" + compute);
        }

        public void modelFailed(String model, String kind) {
            events.add("failed " + model + " " + kind);
        }
    };
    private final WorkerCensus census = new WorkerCensus(List.of("g"));

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private ActorRef<Batcher.Command> batcher(Duration maxWait) {
        return batcher(EngineConfig.defaults().withMaxBatch(4).withMaxWait(maxWait));
    }

    private ActorRef<Batcher.Command> batcher(EngineConfig config) {
        return kit.spawn(Batcher.create("g", MODEL, config, observer, census));
    }

    private static ImageBatch images(int count, float base) {
        float[] data = new float[count * 2 * 2];
        for (int i = 0; i < data.length; i++) {
            data[i] = base + i;
        }
        return new ImageBatch(count, 1, 2, 2, data);
    }

    private static float[] negated(ImageBatch x) {
        float[] v = x.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return v;
    }

    @Test
    void aBatchGoesToAPullingWorkerAndItsResultBackToTheJob() {
        ActorRef<Batcher.Command> batcher = batcher(Duration.ofMillis(2));
        TestProbe<Worker.Command> worker = kit.createTestProbe();
        TestProbe<JobActor.Command> job = kit.createTestProbe();
        batcher.tell(new Batcher.Ready(worker.getRef()));
        batcher.tell(new Batcher.Enqueue("a", 7, images(2, 0), 0.25, job.getRef()));

        Worker.Work work = worker.expectMessageClass(Worker.Work.class);
        assertArrayEquals(images(2, 0).data(), work.images().data());
        assertArrayEquals(new double[] {0.25, 0.25}, work.sigma());
        assertTrue(work.tiles().isEmpty());
        assertEquals(batcher, work.replyTo());
        assertEquals(1, census.workers("g"));

        batcher.tell(new Batcher.WorkDone(work.batchId(), worker.getRef(), negated(work.images()), 5));
        JobActor.Evaluated answer = job.expectMessageClass(JobActor.Evaluated.class);
        assertEquals(7, answer.seq());
        assertEquals("g", answer.model());
        assertEquals(2, answer.x0().count());
        assertArrayEquals(negated(images(2, 0)), answer.x0().data());
        assertEquals(List.of("executed g GLOBAL 2/2/5"), events);
    }

    @Test
    void aStoppedWorkersBatchGoesToAnotherWorker() {
        ActorRef<Batcher.Command> batcher = batcher(Duration.ofMillis(2));
        TestProbe<Worker.Command> first = kit.createTestProbe();
        TestProbe<Worker.Command> second = kit.createTestProbe();
        TestProbe<JobActor.Command> job = kit.createTestProbe();
        batcher.tell(new Batcher.Ready(first.getRef()));
        batcher.tell(new Batcher.Ready(second.getRef()));
        batcher.tell(new Batcher.Enqueue("a", 0, images(3, 10), 0.5, job.getRef()));
        Worker.Work lost = first.expectMessageClass(Worker.Work.class);
        assertEquals(2, census.workers("g"));

        first.stop(); // the batcher watches its workers
        Worker.Work retried = second.expectMessageClass(Worker.Work.class);
        assertArrayEquals(lost.images().data(), retried.images().data());
        batcher.tell(new Batcher.WorkDone(retried.batchId(), second.getRef(), negated(retried.images()), 1));
        assertArrayEquals(negated(images(3, 10)), job.expectMessageClass(JobActor.Evaluated.class).x0().data());
        assertEquals(1, census.workers("g"));
        assertEquals(List.of("failed g worker_lost", "executed g GLOBAL 3/3/1"), events);
    }

    @Test
    void aPartialBatchWaitsForAnAnsweredJobUntilTheFlushTimer() {
        ActorRef<Batcher.Command> batcher = batcher(Duration.ofMillis(800));
        TestProbe<Worker.Command> worker = kit.createTestProbe();
        TestProbe<JobActor.Command> jobA = kit.createTestProbe();
        TestProbe<JobActor.Command> jobB = kit.createTestProbe();
        batcher.tell(new Batcher.Ready(worker.getRef()));
        batcher.tell(new Batcher.Enqueue("a", 0, images(1, 0), 0.5, jobA.getRef()));
        Worker.Work first = worker.expectMessageClass(Worker.Work.class);
        batcher.tell(new Batcher.WorkDone(first.batchId(), worker.getRef(), negated(first.images()), 1));
        jobA.expectMessageClass(JobActor.Evaluated.class); // a is now expected back

        batcher.tell(new Batcher.Enqueue("b", 0, images(1, 100), 0.5, jobB.getRef()));
        worker.expectNoMessage(Duration.ofMillis(300)); // the flush is due 800 ms after b arrived
        Worker.Work flushed = worker.expectMessageClass(Worker.Work.class, Duration.ofSeconds(10));
        assertArrayEquals(images(1, 100).data(), flushed.images().data(), "b alone: a never came back");
    }

    @Test
    void shadowWorkIsAnsweredAndFailsAsShadowWork() {
        ActorRef<Batcher.Command> batcher = batcher(EngineConfig.defaults().withMaxBatch(4).withMaxRetries(0));
        TestProbe<Worker.Command> worker = kit.createTestProbe();
        TestProbe<JobActor.Command> job = kit.createTestProbe();
        batcher.tell(new Batcher.Ready(worker.getRef()));
        batcher.tell(new Batcher.EnqueueShadow("a", 3, images(1, 0), 0.5, job.getRef()));
        Worker.Work failing = worker.expectMessageClass(Worker.Work.class);
        batcher.tell(new Batcher.WorkFailed(failing.batchId(), worker.getRef(), "model_failure", "boom"));
        JobActor.ShadowFailed failed = job.expectMessageClass(JobActor.ShadowFailed.class);
        assertEquals(3, failed.seq());
        assertEquals("model 'g' failed 1 times at sigma 0.5: boom", failed.message());

        batcher.tell(new Batcher.Ready(worker.getRef())); // restarted
        batcher.tell(new Batcher.EnqueueShadow("a", 4, images(1, 20), 0.5, job.getRef()));
        Worker.Work work = worker.expectMessageClass(Worker.Work.class);
        batcher.tell(new Batcher.WorkDone(work.batchId(), worker.getRef(), negated(work.images()), 1));
        JobActor.ShadowEvaluated answer = job.expectMessageClass(JobActor.ShadowEvaluated.class);
        assertEquals(4, answer.seq());
        assertArrayEquals(negated(images(1, 20)), answer.x0().data());
    }
}
