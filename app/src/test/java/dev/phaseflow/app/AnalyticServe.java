package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code phaseflow serve} runs, on slowed-down analytic models instead of a zoo: the process
 * {@link ServeSignalTest} starts and stops with SIGTERM.
 */
public final class AnalyticServe {

    /** The exact Gaussian denoiser, slowed down so a request is still running when the signal comes. */
    record Slow(Denoiser inner) implements Denoiser {
        public String name() { return inner.name(); }
        public ModelRole role() { return inner.role(); }
        public ImageBatch denoise(ImageBatch x, double[] sigma) {
            try {
                Thread.sleep(15);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.denoise(x, sigma);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        GaussianData data = new GaussianData(1, 8, 8);
        RouterPlan plan = new RouterPlan("g", "l", 0.5, 5.0, List.of(new RouterPlan.Interval(0, 0.5, "l"),
                new RouterPlan.Interval(0.5, 5.0, "g"), new RouterPlan.Interval(5.0, Double.POSITIVE_INFINITY, "l")),
                null);
        ModelSet models = new ModelSet(Map.of("g", new Slow(data.denoiser("g", ModelRole.GLOBAL)),
                "l", new Slow(data.denoiser("l", ModelRole.LOCAL))), plan, 0.01, 20, 1, 8, 8);
        EngineConfig config = EngineConfig.defaults().withWorkers(1).withInferenceThreads(2).withDrainTimeout(Duration.ofSeconds(60));
        Serving serving = Serving.start(models, List.of(), config, SampleRequest.Limits.defaults(), b -> b.port(0), null);
        serving.runUntilSignalled(new PrintWriter(System.out, true), "analytic models");
    }
}
