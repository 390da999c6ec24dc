package dev.phaseflow.app;

import dev.phaseflow.loadtest.plans.PlanConfigs;
import dev.phaseflow.loadtest.plans.QualityScorer;
import dev.phaseflow.loadtest.quality.ClassifierFeatures;
import dev.phaseflow.loadtest.quality.FeatureExtractor;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.data.Datasets;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.calibration.ModelCosts;
import dev.phaseflow.pipeline.routing.Mode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow plans}: the zoo's router plan on several solvers and step counts, scored by sample quality. */
@Command(name = "plans", mixinStandardHelpOptions = true,
        description = "Score the zoo's hybrid plan (router.json) on several solvers and step counts: FD of its samples "
                + "against the held-out images relative to global-only on the same seeds, and its speed-up from the "
                + "per-model costs calibration measured.")
final class PlansCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--configs", split = ",", defaultValue = "euler:32,heun:16,dpmpp-2m:16,dpmpp-2m:10,euler:64",
            description = "SOLVER:STEPS list (default ${DEFAULT-VALUE}).")
    List<String> configs;

    @Option(names = "--images", defaultValue = "1000", description = "Samples per plan and configuration (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--seed", defaultValue = "1000003", description = "Seed of the samples (default ${DEFAULT-VALUE}, the plan search's).")
    long seed;

    @Override
    public Integer call() throws Exception {
        List<PlanConfigs.Config> parsed = configs.stream().map(PlanConfigs.Config::parse).toList();
        try (ModelZoo zoo = common.openZoo()) {
            ModelSet set = ModelSet.fromZoo(zoo, 0);
            Map<String, Double> measured = set.plan().measuredCosts();
            Map<String, Double> costs = new LinkedHashMap<>();
            // only the plan's models and global-only need a cost: a zoo may hold models no plan uses
            java.util.Set<String> used = new java.util.LinkedHashSet<>(set.plan().models(Mode.HYBRID));
            used.add(set.plan().globalModel());
            used.forEach(m -> {
                if (!measured.containsKey(m)) {
                    throw new IllegalArgumentException("router.json has no measured cost for model '" + m
                            + "' (field 'calibration.seconds_per_image'): run 'phaseflow calibrate'");
                }
                costs.put(m, measured.get(m));
            });
            FeatureExtractor features = new ClassifierFeatures(zoo.classifier());
            QualityScorer quality = new QualityScorer(features,
                    features.extract(Datasets.fashionMnistTest(zoo.folder()).images()).stats());
            ModelManifest global = zoo.manifest(set.plan().globalModel());
            List<PlanConfigs.Row> rows = PlanConfigs.evaluate(set.denoisers(), set.plan().globalModel(),
                    set.plan().intervals(Mode.HYBRID), ModelCosts.given(costs), quality, parsed, images, seed, set.sigmaMin(),
                    set.sigmaMax(), global.image().channels(), global.image().height(), global.image().width(),
                    message -> spec.commandLine().getErr().println("  " + message));
            spec.commandLine().getOut().print(PlanConfigs.table(rows, images));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
