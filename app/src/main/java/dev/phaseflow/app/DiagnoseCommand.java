package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.actors.PhaseflowEngine;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.monitoring.SigmaBucketMean;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import reactor.core.publisher.Flux;

/** {@code phaseflow diagnose}: the live phase diagnostics on a workload, without a server. */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Run a workload through the engine with live phase diagnostics (shadow evaluation, class "
                + "commitment) and print Delta by sigma bucket, the window drift and the median class-commitment sigma "
                + "next to the calibrated window.")
final class DiagnoseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--requests", defaultValue = "32", description = "Requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--count", defaultValue = "4", description = "Images per request (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--steps", defaultValue = "32", description = "Steps per request (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--mode", defaultValue = "hybrid", description = "Mode of the workload (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--shadow-fraction", defaultValue = "0.25", description = "Share of steps shadowed (default ${DEFAULT-VALUE}).")
    double shadowFraction;

    @Option(names = "--commitment-fraction", defaultValue = "1.0",
            description = "Share of requests whose class commitment is tracked (default ${DEFAULT-VALUE}).")
    double commitmentFraction;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Mode m = Mode.parse(mode);
        try (ModelZoo zoo = common.openZoo()) {
            ModelSet models = ModelSet.fromZoo(zoo, 0);
            LiveMonitoring monitoring = new LiveMonitoring(models.plan(), Optional.of(zoo.classifier()), shadowFraction,
                    commitmentFraction);
            try (PhaseflowEngine engine = PhaseflowEngine.builder(models).config(EngineConfig.defaults())
                    .observer(monitoring.engineObserver(models)).diagnostics(monitoring.engineDiagnostics()).build()) {
                Flux.range(0, requests).flatMap(i -> engine.sample(SampleRequest.defaults().withMode(m).withSteps(steps)
                        .withCount(count).withSeed(i)).then(), 8).blockLast(Duration.ofHours(1));
            }
            var d = monitoring.diagnostics();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (d.commitment().trackedRequests() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the classifier finishes the last steps' estimates
            }
            out.printf(Locale.ROOT, "%d requests x %d images, %d %s steps; shadow fraction %.2f%n%n", requests, count, steps,
                    m.id(), shadowFraction);
            out.println("| sigma bucket | shadowed steps | mean Delta |");
            out.println("|---|---:|---:|");
            for (SigmaBucketMean b : d.meanDeltaBySigma()) {
                out.printf(Locale.ROOT, "| (%.3g, %.3g] | %d | %.4f |%n", b.lowerEdge(), b.upperEdge(), b.count(), b.meanDelta());
            }
            out.printf(Locale.ROOT, "%ncalibrated window [%.3g, %.3g], sigma_s %.3g; window drift %.3f%n",
                    d.calibration().windowLo(), d.calibration().windowHi(), d.calibration().spectralSpeciation(),
                    d.windowDrift());
            d.commitment().medianCommitmentSigma().ifPresentOrElse(
                    s -> out.printf(Locale.ROOT, "median class-commitment sigma %.3g (the class stops changing there)%n", s),
                    () -> out.println("no class commitment recorded"));
        }
        return 0;
    }
}
