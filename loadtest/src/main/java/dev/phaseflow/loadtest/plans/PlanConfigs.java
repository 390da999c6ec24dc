package dev.phaseflow.loadtest.plans;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.pipeline.calibration.ModelCosts;
import dev.phaseflow.pipeline.routing.RouterPlan.Interval;
import dev.phaseflow.pipeline.sampling.Solver;
import dev.phaseflow.pipeline.sampling.Solvers;
import dev.phaseflow.pipeline.schedule.Schedules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A sigma-keyed plan on other solvers and step counts: for each configuration, its FD ratio to
 * global-only (the same seeds) and its speed-up from the measured per-model costs.
 */
public final class PlanConfigs {

    /** A solver and a number of Karras steps, written "euler:32". */
    public record Config(String solver, int steps) {
        public static Config parse(String text) {
            String[] parts = text.split(":");
            try {
                if (parts.length == 2) {
                    Solvers.of(parts[0], 0);
                    int steps = Integer.parseInt(parts[1]);
                    if (steps >= 2) {
                        return new Config(parts[0], steps);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("configuration '" + text + "': " + e.getMessage());
            }
            throw new IllegalArgumentException("configuration '" + text + "' must be SOLVER:STEPS with at least 2 steps, "
                    + "e.g. euler:32 or dpmpp-2m:10");
        }

        @Override
        public String toString() {
            return solver + ":" + steps;
        }
    }

    /** One configuration's figures. */
    public record Row(Config config, int evaluations, double speedUp, double fd, double referenceFd, double fdRatio,
                      String plan) {}

    private PlanConfigs() {}

    public static List<Row> evaluate(Map<String, Denoiser> models, String referenceModel, List<Interval> plan,
                                     ModelCosts costs, QualityScorer quality, List<Config> configs, int images, long seed,
                                     double sigmaMin, double sigmaMax, int channels, int height, int width,
                                     Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        for (Config c : configs) {
            Solver solver = Solvers.of(c.solver(), 0);
            double[] sigmas = Schedules.of(Schedules.Kind.KARRAS, c.steps(), sigmaMin, sigmaMax);
            int[] perStep = new int[c.steps()];
            for (int i = 0; i < perStep.length; i++) {
                perStep[i] = solver.evaluations(sigmas, i);
            }
            PlanSampler sampler = new PlanSampler(models, solver, sigmas, seed, images, channels, height, width, 64, 0);
            StepPlan reference = StepPlan.uniform(sigmas, referenceModel);
            StepPlan p = StepPlan.of(sigmas, plan);
            progress.accept(c + ": global-only");
            double referenceFd = quality.fd(sampler.sample(reference));
            progress.accept(c + ": " + p.describe());
            double fd = quality.fd(sampler.sample(p));
            rows.add(new Row(c, java.util.Arrays.stream(perStep).sum(), reference.cost(costs, perStep) / p.cost(costs, perStep),
                    fd, referenceFd, fd / referenceFd, p.describe()));
        }
        return rows;
    }

    public static String table(List<Row> rows, int images) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "| solver:steps | evaluations | speed-up | FD | FD global-only | FD ratio | plan on this schedule |%n"
                        + "|---|---:|---:|---:|---:|---:|---|%n"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.2fx | %.2f | %.2f | %.3f | %s |%n", r.config(), r.evaluations(),
                    r.speedUp(), r.fd(), r.referenceFd(), r.fdRatio(), r.plan()));
        }
        b.append(String.format(Locale.ROOT, "(%d images per row, the same seeds for the plan and global-only)%n", images));
        return b.toString();
    }
}
