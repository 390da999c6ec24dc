package dev.phaseflow.loadtest;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a load test run needs; build with {@link #builder()} (every field has a default).
 *
 * @param modes               routing modes compared, each with the same seeds
 * @param levels              closed-loop concurrency levels (clients)
 * @param requestsPerLevel    requests per mode and level
 * @param imagesPerRequest    images per request (the request's count)
 * @param steps               solver steps per request
 * @param solver              euler, heun, dpmpp-2m or euler-ancestral
 * @param schedule            karras, exponential, vp-cosine or linear-beta
 * @param seed                base seed: request i of every run uses seed + i
 * @param openLoopRate        open-loop arrivals per second; NaN for auto (70% of the global mode's peak
 *                            closed-loop request rate, else of the first mode's); 0 for no open loop
 * @param openLoopDuration    how long the arrival schedule runs per mode
 * @param openLoopMaxRequests most requests per mode in the open loop
 * @param qualityImages       images per mode for the quality metrics; 0 for none
 * @param qualityBatch        images per request of the quality run
 * @param nearCopyThreshold   L2 pixel distance under which a generated image counts as a copy of a training image
 * @param url                 a phaseflow server to target (loopback only); empty for the in-process engine
 * @param zoo                 the model zoo (in-process models, the classifier, the baseline's global model)
 * @param tileSize            tile size of local models in process (0: whole images)
 * @param engine              the in-process engine's configuration
 * @param output              the report folder (created; files in it are overwritten)
 * @param baseline            whether to run the PyTorch baseline of the global model
 * @param baselineThreads     torch.set_num_threads of the baseline
 * @param baselineImages      images the baseline generates (timed)
 * @param baselineBatch       images per batch of the baseline
 * @param python              the Python that has torch and onnx
 * @param timeBound           wall-time bound of the whole run (phases that do not fit are cut and reported)
 * @param requestTimeout      longest a single request may take before it counts as a timeout
 */
public record LoadTestConfig(List<Mode> modes, List<Integer> levels, int requestsPerLevel, int imagesPerRequest, int steps,
                             String solver, String schedule, long seed, double openLoopRate, Duration openLoopDuration,
                             int openLoopMaxRequests, int qualityImages, int qualityBatch, double nearCopyThreshold,
                             Optional<String> url, Path zoo, int tileSize, EngineConfig engine, Path output,
                             boolean baseline, int baselineThreads, int baselineImages, int baselineBatch, Path python,
                             Duration timeBound, Duration requestTimeout) {

    public LoadTestConfig {
        modes = List.copyOf(modes);
        levels = List.copyOf(levels);
        require(!modes.isEmpty(), "modes", "need at least one mode");
        require(modes.stream().distinct().count() == modes.size(), "modes", "list a mode once, got " + modes);
        require(!levels.isEmpty() && levels.stream().allMatch(l -> l >= 1), "levels",
                "need at least one concurrency level, each >= 1, got " + levels);
        require(requestsPerLevel >= 1, "requests", "must be >= 1, got " + requestsPerLevel);
        require(imagesPerRequest >= 1, "count", "must be >= 1, got " + imagesPerRequest);
        require(steps >= 1, "steps", "must be >= 1, got " + steps);
        require(openLoopRate >= 0 || Double.isNaN(openLoopRate), "rate", "must be auto, off or a positive number, got "
                + openLoopRate);
        require(!openLoopDuration.isNegative() && !openLoopDuration.isZero(), "duration", "must be positive, got "
                + openLoopDuration);
        require(openLoopMaxRequests >= 1, "open-max", "must be >= 1, got " + openLoopMaxRequests);
        require(qualityImages == 0 || qualityImages >= 2, "quality-images", "must be 0 (off) or >= 2 (a covariance needs two), got "
                + qualityImages);
        require(qualityBatch >= 1, "quality-batch", "must be >= 1, got " + qualityBatch);
        require(nearCopyThreshold >= 0, "near-copy", "must be >= 0, got " + nearCopyThreshold);
        require(baselineThreads >= 1 && baselineImages >= 1 && baselineBatch >= 1, "baseline",
                "threads, images and batch must be >= 1");
        require(timeBound.toMillis() > 0, "time-bound", "must be positive, got " + timeBound);
        require(requestTimeout.toMillis() > 0, "request-timeout", "must be positive, got " + requestTimeout);
        // the request fields as a server would check them (solver, schedule, sizes)
        SampleRequest.defaults().withSteps(steps).withSolver(solver).withSchedule(schedule).withCount(imagesPerRequest)
                .validate(SampleRequest.Limits.defaults());
        SampleRequest.defaults().withCount(qualityBatch).validate(SampleRequest.Limits.defaults());
    }

    private static void require(boolean ok, String option, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("option --" + option + ": " + problem);
        }
    }

    /** The highest concurrency level: the quality run uses it. */
    public int maxLevel() {
        return levels.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /**
     * The in-process engine a load test measures: the server's defaults, but no admission by expected queue wait
     * and no server-side deadline, since a closed loop at 64 clients queues deep on purpose (the test's own
     * --request-timeout bounds each request).
     */
    public static EngineConfig measuringEngine() {
        return EngineConfig.defaults().withMaxQueueWait(java.time.Duration.ofDays(1))
                .withRequestTimeout(java.time.Duration.ofDays(1));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.modes = modes;
        b.levels = levels;
        b.requestsPerLevel = requestsPerLevel;
        b.imagesPerRequest = imagesPerRequest;
        b.steps = steps;
        b.solver = solver;
        b.schedule = schedule;
        b.seed = seed;
        b.openLoopRate = openLoopRate;
        b.openLoopDuration = openLoopDuration;
        b.openLoopMaxRequests = openLoopMaxRequests;
        b.qualityImages = qualityImages;
        b.qualityBatch = qualityBatch;
        b.nearCopyThreshold = nearCopyThreshold;
        b.url = url;
        b.zoo = zoo;
        b.tileSize = tileSize;
        b.engine = engine;
        b.output = output;
        b.baseline = baseline;
        b.baselineThreads = baselineThreads;
        b.baselineImages = baselineImages;
        b.baselineBatch = baselineBatch;
        b.python = python;
        b.timeBound = timeBound;
        b.requestTimeout = requestTimeout;
        return b;
    }

    /** Defaults: every mode; 1, 4, 16, 64 clients; 128 requests of 1 image, 32 Euler steps (Karras); 1000 quality images. */
    public static final class Builder {
        private List<Mode> modes = List.of(Mode.HYBRID, Mode.GLOBAL, Mode.LOCAL, Mode.SWAPPED);
        private List<Integer> levels = List.of(1, 4, 16, 64);
        private int requestsPerLevel = 128;
        private int imagesPerRequest = 1;
        private int steps = 32;
        private String solver = "euler";
        private String schedule = "karras";
        private long seed = 0;
        private double openLoopRate = Double.NaN;
        private Duration openLoopDuration = Duration.ofSeconds(20);
        private int openLoopMaxRequests = 1000;
        private int qualityImages = 1000;
        private int qualityBatch = 25;
        private double nearCopyThreshold = 2.0;
        private Optional<String> url = Optional.empty();
        private Path zoo = ModelZoo.defaultFolder();
        private int tileSize = 0;
        private EngineConfig engine = measuringEngine();
        private Path output = Paths.get("loadtest-report");
        private boolean baseline = true;
        private int baselineThreads = Runtime.getRuntime().availableProcessors();
        private int baselineImages = 256;
        private int baselineBatch = 64;
        private Path python = Paths.get("/usr/bin/python3");
        private Duration timeBound = Duration.ofMinutes(30);
        private Duration requestTimeout = Duration.ofMinutes(5);

        public Builder modes(List<Mode> v) { modes = v; return this; }
        public Builder levels(List<Integer> v) { levels = v; return this; }
        public Builder requestsPerLevel(int v) { requestsPerLevel = v; return this; }
        public Builder imagesPerRequest(int v) { imagesPerRequest = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder solver(String v) { solver = v; return this; }
        public Builder schedule(String v) { schedule = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder openLoopRate(double v) { openLoopRate = v; return this; }
        public Builder openLoopDuration(Duration v) { openLoopDuration = v; return this; }
        public Builder openLoopMaxRequests(int v) { openLoopMaxRequests = v; return this; }
        public Builder qualityImages(int v) { qualityImages = v; return this; }
        public Builder qualityBatch(int v) { qualityBatch = v; return this; }
        public Builder nearCopyThreshold(double v) { nearCopyThreshold = v; return this; }
        public Builder url(String v) { url = Optional.ofNullable(v); return this; }
        public Builder zoo(Path v) { zoo = v; return this; }
        public Builder tileSize(int v) { tileSize = v; return this; }
        public Builder engine(EngineConfig v) { engine = v; return this; }
        public Builder output(Path v) { output = v; return this; }
        public Builder baseline(boolean v) { baseline = v; return this; }
        public Builder baselineThreads(int v) { baselineThreads = v; return this; }
        public Builder baselineImages(int v) { baselineImages = v; return this; }
        public Builder baselineBatch(int v) { baselineBatch = v; return this; }
        public Builder python(Path v) { python = v; return this; }
        public Builder timeBound(Duration v) { timeBound = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }

        public LoadTestConfig build() {
            return new LoadTestConfig(modes, levels, requestsPerLevel, imagesPerRequest, steps, solver, schedule, seed,
                    openLoopRate, openLoopDuration, openLoopMaxRequests, qualityImages, qualityBatch, nearCopyThreshold, url,
                    zoo, tileSize, engine, output, baseline, baselineThreads, baselineImages, baselineBatch, python,
                    timeBound, requestTimeout);
        }
    }
}
