package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingException;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/** The job's phases, driven message by message: a probe plays the batchers, a subscriber sets the demand. */
class JobActorTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration QUIET = Duration.ofMillis(300);

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    /** Records everything the job tells its observer and its stream, in one order. */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final BlockingQueue<SampleEvent> events = new LinkedBlockingQueue<>();
    /** What the job sent to which model's batcher. */
    private record Sent(String model, Batcher.Command command) {}

    private final TestProbe<Sent> batchers = kit.createTestProbe();

    private final EngineObserver observer = new EngineObserver() {
        public void requestFinished(String requestId, Outcome outcome, int images, long nanos) {
            log.add("finished " + outcome);
        }
    };

    /** A subscriber that asks for nothing until told. */
    private final class Reader extends BaseSubscriber<SampleEvent> {
        protected void hookOnSubscribe(Subscription s) {}

        protected void hookOnNext(SampleEvent e) {
            events.add(e);
        }

        protected void hookOnComplete() {
            log.add("complete");
        }

        protected void hookOnError(Throwable t) {
            log.add("error " + t.getClass().getSimpleName());
        }
    }

    /** Shadows every evaluation and records what the job hands back. */
    private static final class ShadowAll implements JobDiagnostics {
        final List<String> recorded = new CopyOnWriteArrayList<>();

        public boolean shadows(int seq) {
            return true;
        }

        public void shadowed(double sigma, Route served, ImageBatch global, ImageBatch local) {
            recorded.add(served + " at " + sigma);
        }
    }

    private ActorRef<JobActor.Command> start(SampleRequest request, JobDiagnostics diagnostics, Reader reader) {
        RunReporter reporter = new RunReporter("job", request, EngineTest.exact());
        StepRoutes routes = new StepRoutes("job", request.mode(), EngineTest.exact(),
                Map.of("g", batcher("g"), "l", batcher("l")), EngineObserver.NONE);
        AtomicReference<ActorRef<JobActor.Command>> job = new AtomicReference<>();
        Flux.<SampleEvent>create(sink -> job.set(kit.spawn(JobActor.create(reporter, EngineTest.exact(), sink,
                routes, observer, diagnostics, Duration.ofMinutes(1)))), FluxSink.OverflowStrategy.BUFFER)
                .subscribe(reader);
        return job.get();
    }

    /** A batcher stand-in that hands what it gets to the probe, with its model's name. */
    private ActorRef<Batcher.Command> batcher(String model) {
        return kit.spawn(Behaviors.receive(Batcher.Command.class).onAnyMessage(c -> {
            batchers.ref().tell(new Sent(model, c));
            return Behaviors.same();
        }).build());
    }

    /**
     * Forget messages passed over while waiting for another type. The stand-ins of different models
     * pass messages on independently, so a Forget the job sent after a message can overtake it here.
     */
    private final Deque<Sent> forgets = new ArrayDeque<>();

    /**
     * The next message to a batcher, of the given type; Forget messages on the way are set aside unless
     * asked for (where the job's steps change model; StepRoutesTest covers their order).
     */
    private <T extends Batcher.Command> T next(Class<T> type) {
        return type.cast(nextSent(type).command());
    }

    /**
     * Nothing but Forget messages reaches a batcher for a while (a Forget to the model a job left and the
     * Enqueue to its next one come through different stand-ins, so their order here is not the job's).
     */
    private void expectQuiet() {
        while (true) {
            Sent sent;
            try {
                sent = batchers.receiveMessage(QUIET);
            } catch (AssertionError timeout) {
                return;
            }
            assertInstanceOf(Batcher.Forget.class, sent.command(), "unexpected " + sent);
            forgets.add(sent);
        }
    }

    private Sent nextSent(Class<? extends Batcher.Command> type) {
        if (type == Batcher.Forget.class && !forgets.isEmpty()) {
            return forgets.poll();
        }
        while (true) {
            Sent sent = batchers.receiveMessage(Duration.ofSeconds(5));
            if (sent.command() instanceof Batcher.Forget && type != Batcher.Forget.class) {
                forgets.add(sent);
                continue;
            }
            assertInstanceOf(type, sent.command());
            return sent;
        }
    }

    /** A probe that hears when {@code job} stops. */
    private static TestProbe<String> stopWatch(ActorRef<JobActor.Command> job) {
        TestProbe<String> stopped = kit.createTestProbe();
        kit.spawn(Behaviors.<Void>setup(ctx -> {
            ctx.watch(job);
            return Behaviors.receive(Void.class).onSignal(Terminated.class, t -> {
                stopped.ref().tell("stopped");
                return Behaviors.stopped();
            }).build();
        }));
        return stopped;
    }

    private SampleEvent nextEvent() throws InterruptedException {
        SampleEvent e = events.poll(5, TimeUnit.SECONDS);
        assertTrue(e != null, "no event within 5 s");
        return e;
    }

    private static JobActor.Evaluated answer(Batcher.Enqueue step, String model) {
        return new JobActor.Evaluated(step.seq(), step.x(), model);
    }

    @Test
    void waitsForDemandBeforeTheNextEvaluationAndResumesWhenAsked() throws InterruptedException {
        Reader reader = new Reader();
        ActorRef<JobActor.Command> job = start(SampleRequest.defaults().withSteps(3), JobDiagnostics.NONE, reader);

        expectQuiet(); // nothing asked for: the Started event waits, and so does the run
        reader.request(1);
        assertInstanceOf(SampleEvent.Started.class, nextEvent());
        Batcher.Enqueue first = next(Batcher.Enqueue.class);
        assertEquals(0, first.seq());

        job.tell(answer(first, "g"));
        expectQuiet(); // the step's event has no demand: no second evaluation yet
        assertTrue(events.isEmpty());

        reader.request(1);
        assertInstanceOf(SampleEvent.Step.class, nextEvent());
        Batcher.Enqueue second = next(Batcher.Enqueue.class);
        assertEquals(1, second.seq());
    }

    @Test
    void ignoresLateAnswersOfAnotherSeq() throws InterruptedException {
        Reader reader = new Reader();
        ActorRef<JobActor.Command> job = start(SampleRequest.defaults().withSteps(3), JobDiagnostics.NONE, reader);
        reader.request(Long.MAX_VALUE);
        Batcher.Enqueue first = next(Batcher.Enqueue.class);
        job.tell(answer(first, "g"));
        Batcher.Enqueue second = next(Batcher.Enqueue.class);

        job.tell(new JobActor.Evaluated(0, first.x(), "g")); // a retried evaluation's duplicate
        job.tell(new JobActor.EvaluationFailed(0, "late failure"));
        expectQuiet();
        job.tell(answer(second, "g"));
        assertEquals(2, next(Batcher.Enqueue.class).seq());
        assertTrue(log.isEmpty(), "the job is still running: " + log);
    }

    @Test
    void aFinishedJobWithShadowWorkOutstandingStopsOnlyAfterTheShadowAnswers() throws InterruptedException {
        Reader reader = new Reader();
        ShadowAll diagnostics = new ShadowAll();
        ActorRef<JobActor.Command> job = start(SampleRequest.defaults().withSteps(1), diagnostics, reader);
        TestProbe<String> stopped = stopWatch(job);
        reader.request(Long.MAX_VALUE);

        Batcher.Enqueue step = next(Batcher.Enqueue.class);
        job.tell(answer(step, "g"));
        Sent sent = nextSent(Batcher.EnqueueShadow.class);
        assertEquals("l", sent.model()); // served by the global model: the local one shadows it
        Batcher.EnqueueShadow shadow = (Batcher.EnqueueShadow) sent.command();
        next(Batcher.Forget.class); // finished: its last batcher stops expecting it
        awaitLog(2); // the job tells its batcher before it ends the stream, on its own thread
        assertEquals(List.of("finished COMPLETED", "complete"), log);

        stopped.expectNoMessage(QUIET); // the stream is over, the job is not
        job.tell(new JobActor.Demand()); // the finished job takes no more part in its stream
        job.tell(new JobActor.Abort("too late"));
        stopped.expectNoMessage(QUIET);
        assertEquals(List.of("finished COMPLETED", "complete"), log);

        job.tell(new JobActor.ShadowEvaluated(shadow.seq(), shadow.x()));
        stopped.expectMessage("stopped");
        assertEquals(List.of("GLOBAL at " + step.sigma()), diagnostics.recorded);
    }

    @Test
    void aShadowAnsweredDuringTheRunLeavesNothingToWaitFor() throws InterruptedException {
        Reader reader = new Reader();
        ShadowAll diagnostics = new ShadowAll();
        ActorRef<JobActor.Command> job = start(SampleRequest.defaults().withSteps(2), diagnostics, reader);
        TestProbe<String> stopped = stopWatch(job);
        reader.request(Long.MAX_VALUE);

        Batcher.Enqueue first = next(Batcher.Enqueue.class);
        job.tell(answer(first, "g"));
        Batcher.EnqueueShadow shadow0 = next(Batcher.EnqueueShadow.class);
        Batcher.Enqueue second = next(Batcher.Enqueue.class);
        job.tell(new JobActor.ShadowFailed(shadow0.seq(), "shadow model failed"));
        job.tell(answer(second, "l"));
        Sent sent1 = nextSent(Batcher.EnqueueShadow.class);
        assertEquals("g", sent1.model());
        Batcher.EnqueueShadow shadow1 = (Batcher.EnqueueShadow) sent1.command();
        job.tell(new JobActor.ShadowEvaluated(shadow1.seq(), shadow1.x()));
        next(Batcher.Forget.class);
        stopped.expectMessage("stopped");
        assertEquals(List.of("LOCAL at " + second.sigma()), diagnostics.recorded);
    }

    @Test
    void anAbortWhileWaitingForDemandCountsTheFailureBeforeTheStreamErrors() throws InterruptedException {
        Reader reader = new Reader();
        ActorRef<JobActor.Command> job = start(SampleRequest.defaults().withSteps(3), JobDiagnostics.NONE, reader);
        TestProbe<String> stopped = stopWatch(job);
        reader.request(1);
        job.tell(answer(next(Batcher.Enqueue.class), "g"));
        expectQuiet();

        job.tell(new JobActor.Abort("deadline"));
        assertEquals(new Batcher.DropJob("job"), next(Batcher.DropJob.class)); // to every model's batcher
        stopped.expectMessage("stopped");
        assertEquals(List.of("finished FAILED", "error " + SamplingException.class.getSimpleName()), log);
    }

    @Test
    void aCancelWhileEvaluatingDropsTheJob() {
        Reader reader = new Reader();
        ActorRef<JobActor.Command> job = start(SampleRequest.defaults().withSteps(3), JobDiagnostics.NONE, reader);
        TestProbe<String> stopped = stopWatch(job);
        reader.request(Long.MAX_VALUE);
        next(Batcher.Enqueue.class);

        reader.cancel();
        next(Batcher.DropJob.class);
        stopped.expectMessage("stopped");
        assertEquals(List.of("finished CANCELLED"), log);
    }

    private void awaitLog(int entries) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (log.size() < entries && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
