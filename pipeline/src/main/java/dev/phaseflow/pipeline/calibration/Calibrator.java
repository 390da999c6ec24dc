package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.data.LabelledImages;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Phase calibration: measures the data (spectral and class-pair speciation, the Gaussian CMI
 * profile) and the models (x0 error per model, global/local disagreement, cost per image) over a
 * sigma grid, chooses the hybrid plan and writes router.json and calibration.json (calibration.png
 * is drawn from the returned report by the reports module).
 */
public final class Calibrator {
    private final CalibrationConfig config;

    public Calibrator(CalibrationConfig config) {
        this.config = config;
    }

    /** Measures, then writes the two files into the configured output folder. */
    public CalibrationReport calibrate(Consumer<String> progress) throws IOException {
        CalibrationReport report = measure(progress);
        report.write(config.outputFolder());
        progress.accept("wrote " + CalibrationReport.FILES + " to " + config.outputFolder());
        return report;
    }

    public CalibrationReport calibrate() throws IOException {
        return calibrate(message -> {});
    }

    /** Measures everything and chooses the plan, writing nothing. */
    public CalibrationReport measure(Consumer<String> progress) {
        LabelledImages data = config.data();
        double[] sigmas = config.grid().sigmas();

        LabelledImages statsData = data.head(config.statisticsImages());
        progress.accept("data statistics over " + statsData.count() + " images of " + data.source());
        DataStatistics stats = DataStatistics.of(statsData.images());
        List<ClassPairSpeciation> pairs = ClassPairSpeciation.all(statsData);
        progress.accept(String.format(Locale.ROOT, "top eigenvalue %.4g, sigma_s %.4g; %d class pairs",
                stats.topEigenvalue(), stats.spectralSigma(), pairs.size()));

        progress.accept("Gaussian CMI at " + sigmas.length + " sigmas, r = 1.." + GaussianCmi.MAX_RADIUS);
        GaussianCmi.Profile cmi = GaussianCmi.profile(stats, sigmas);

        ImageBatch held = data.images().slice(0, Math.min(config.images(), data.count()));
        progress.accept("x0 errors of " + config.models().keySet() + " on " + held.count() + " images at "
                + sigmas.length + " sigmas");
        X0Errors errors = X0Errors.measure(config.models(), held, sigmas, config.globalModel(), config.localModel(),
                config.seed(), config.batchSize());

        ModelCosts costs;
        if (config.costs().isEmpty()) {
            progress.accept("timing every model at batch " + ModelCosts.BATCH);
            costs = ModelCosts.measure(config.models(), held);
        } else {
            costs = ModelCosts.given(config.costs());
        }

        double dataVariance = stats.totalVariance() / stats.dimension();
        HybridPlan plan = HybridPlan.select(sigmas, errors.mse(), costs, config.tolerance(), config.globalModel(),
                CalibrationReport.delta(errors, dataVariance), config.deltaThreshold());
        ScheduleEstimate schedule = ScheduleEstimate.of(ScheduleEstimate.REFERENCE_NAME,
                ScheduleEstimate.referenceSchedule(), plan.intervals(), config.globalModel(), costs);
        return new CalibrationReport(data.source(), held.count(), statsData.count(), config.seed(), config.tolerance(),
                config.deltaThreshold(), config.globalModel(), config.localModel(), stats.topEigenvalue(),
                stats.spectralSigma(), dataVariance, pairs, cmi, errors, costs, plan, schedule);
    }
}
