package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A job's routing: which batcher gets each evaluation, and which batchers are told the job is not coming back. */
class StepRoutesTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(200);

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private final TestProbe<Batcher.Command> global = kit.createTestProbe();
    private final TestProbe<Batcher.Command> local = kit.createTestProbe();
    private final TestProbe<JobActor.Command> job = kit.createTestProbe();
    private final List<String> routed = new CopyOnWriteArrayList<>();
    private final EngineObserver observer = new EngineObserver() {
        public void stepRouted(Route route, String model) {
            routed.add(route + " " + model);
        }
    };
    private final ImageBatch x = new ImageBatch(1, 1, 6, 6, new float[36]);

    private StepRoutes routes(Mode mode) {
        return new StepRoutes("job-1", mode, EngineTest.exact(), Map.of("g", global.ref(), "l", local.ref()), observer);
    }

    private void expectEnqueue(TestProbe<Batcher.Command> batcher, int seq, double sigma) {
        Batcher.Enqueue e = batcher.expectMessageClass(Batcher.Enqueue.class);
        assertEquals("job-1", e.jobId());
        assertEquals(seq, e.seq());
        assertEquals(sigma, e.sigma());
        assertEquals(job.ref(), e.replyTo());
    }

    @Test
    void eachStepGoesToThePlansModelAndALeftBatcherIsToldFirst() {
        StepRoutes r = routes(Mode.HYBRID); // the plan: local below 0.5 and from 5, global between
        ActorRef<JobActor.Command> replyTo = job.ref();
        r.step(0, x, 10.0, replyTo);
        expectEnqueue(local, 0, 10.0);
        r.step(1, x, 6.0, replyTo);
        expectEnqueue(local, 1, 6.0); // same model: nothing to forget
        r.step(2, x, 2.0, replyTo);
        assertEquals(new Batcher.Forget("job-1"), local.expectMessageClass(Batcher.Forget.class));
        expectEnqueue(global, 2, 2.0);
        r.step(3, x, 0.1, replyTo);
        assertEquals(new Batcher.Forget("job-1"), global.expectMessageClass(Batcher.Forget.class));
        expectEnqueue(local, 3, 0.1);
        r.finished();
        assertEquals(new Batcher.Forget("job-1"), local.expectMessageClass(Batcher.Forget.class));
        global.expectNoMessage(QUIET);
        assertEquals(List.of("LOCAL l", "LOCAL l", "GLOBAL g", "LOCAL l"), routed);
    }

    @Test
    void aShadowGoesToTheNamedModelAndLeavesTheRoutingAsItWas() {
        StepRoutes r = routes(Mode.GLOBAL);
        r.step(0, x, 10.0, job.ref());
        expectEnqueue(global, 0, 10.0);
        r.shadow(0, "l", x, 10.0, job.ref());
        Batcher.EnqueueShadow s = local.expectMessageClass(Batcher.EnqueueShadow.class);
        assertEquals(0, s.seq());
        r.step(1, x, 2.0, job.ref());
        expectEnqueue(global, 1, 2.0); // no Forget: the job's steps stayed on the global model
        local.expectNoMessage(QUIET);
        assertEquals(List.of("GLOBAL g", "GLOBAL g"), routed); // shadows are not steps
    }

    @Test
    void aDroppedJobIsForgottenByEveryBatcherAndFinishesWithNothingMore() {
        StepRoutes r = routes(Mode.HYBRID);
        r.step(0, x, 2.0, job.ref());
        expectEnqueue(global, 0, 2.0);
        r.dropped();
        assertEquals(new Batcher.DropJob("job-1"), global.expectMessageClass(Batcher.DropJob.class));
        assertEquals(new Batcher.DropJob("job-1"), local.expectMessageClass(Batcher.DropJob.class));
        r.finished();
        global.expectNoMessage(QUIET);
        local.expectNoMessage(QUIET);
    }

    @Test
    void aModelWithoutABatcherIsNamed() {
        StepRoutes r = new StepRoutes("job-1", Mode.HYBRID, EngineTest.exact(), Map.of("g", global.ref()), observer);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.step(0, x, 0.1, job.ref()));
        assertTrue(e.getMessage().contains("'l'"), e.getMessage());
    }
}
