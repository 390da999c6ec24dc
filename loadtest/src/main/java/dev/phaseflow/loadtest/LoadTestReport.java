package dev.phaseflow.loadtest;

import dev.phaseflow.loadtest.baseline.BaselineResult;
import dev.phaseflow.loadtest.quality.QualityResult;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.Mode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything a load test measured; {@link dev.phaseflow.loadtest.report.ReportWriter} turns it into
 * report.md, report.json and figures.
 *
 * @param config      what was asked for
 * @param target      what was driven
 * @param started     wall-clock start
 * @param seconds     how long the whole run took
 * @param closed      closed-loop figures per mode and concurrency
 * @param open        open-loop figures per mode (at one arrival rate)
 * @param qualityRuns the quality runs' own load figures
 * @param quality     quality figures per mode (modes whose images could be generated)
 * @param realData    the same figures for real data, to read them against
 * @param qualitySetup where features, reference and training images came from; empty without quality
 * @param timelines   the steps of one request per mode: route and model against sigma
 * @param window      the router plan's transition window [lo, hi], when known (in-process)
 * @param samples     the first images of each mode's quality set (same seeds in every mode)
 * @param closestPairs per mode, its generated images closest to a training image (first half) above
 *                    those training images (second half)
 * @param baseline    the PyTorch baseline of the global model
 * @param notes       what was skipped, cut or substituted, and why
 */
public record LoadTestReport(LoadTestConfig config, String target, Instant started, double seconds,
                             List<LevelResult> closed, List<LevelResult> open, List<LevelResult> qualityRuns,
                             Map<Mode, QualityResult> quality, Optional<QualityResult> realData,
                             Optional<QualitySetup> qualitySetup, Map<Mode, List<RequestOutcome.StepRecord>> timelines,
                             Optional<double[]> window, Map<Mode, ImageBatch> samples,
                             Map<Mode, ImageBatch> closestPairs, BaselineResult baseline,
                             List<String> notes) {

    /** Where the quality figures' inputs came from. */
    public record QualitySetup(String features, String reference, int referenceImages, String neighbours,
                               int neighbourImages, double nearCopyThreshold) {}

    /** The closed-loop figures of a mode at a concurrency level, if that run happened. */
    public Optional<LevelResult> closed(Mode mode, int level) {
        return closed.stream().filter(r -> r.mode() == mode && r.level() == level).findFirst();
    }

    /** A mode's best closed-loop images/s over the levels. */
    public OptionalDouble peakImagesPerSecond(Mode mode) {
        return closed.stream().filter(r -> r.mode() == mode && r.completed() > 0)
                .mapToDouble(LevelResult::imagesPerSecond).max();
    }

    /** images/s of {@code mode} over those of global at one level; NaN when either is missing. */
    public double speedUp(Mode mode, int level) {
        Optional<LevelResult> m = closed(mode, level).filter(r -> r.completed() > 0);
        Optional<LevelResult> g = closed(Mode.GLOBAL, level).filter(r -> r.completed() > 0);
        return m.isPresent() && g.isPresent() ? m.get().imagesPerSecond() / g.get().imagesPerSecond() : Double.NaN;
    }

    /** Peak images/s of {@code mode} over global's peak; NaN when either is missing. */
    public double peakSpeedUp(Mode mode) {
        OptionalDouble m = peakImagesPerSecond(mode);
        OptionalDouble g = peakImagesPerSecond(Mode.GLOBAL);
        return m.isPresent() && g.isPresent() ? m.getAsDouble() / g.getAsDouble() : Double.NaN;
    }

    /** FD of {@code mode} over FD of global; NaN when either is missing. */
    public double fdRatio(Mode mode) {
        QualityResult m = quality.get(mode);
        QualityResult g = quality.get(Mode.GLOBAL);
        return m != null && g != null ? m.frechet().value() / g.frechet().value() : Double.NaN;
    }
}
