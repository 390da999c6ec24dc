package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.loadtest.LoadTestConfig;
import dev.phaseflow.pipeline.routing.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of {@code phaseflow loadtest} (without {@code --soak}) onto a {@link LoadTestConfig}.
 * An option not given keeps the builder's default, so the defaults live in one place; the
 * descriptions repeat them for the usage text. Bad input fails with a message naming the option.
 */
@Command(name = "phaseflow loadtest", sortOptions = false, usageHelpWidth = 130,
        customSynopsis = "phaseflow loadtest [options]   (hybrid versus global-only sampling: speed and quality side by side)")
final class LoadTestOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Option(names = "--modes", paramLabel = "LIST", converter = ModeList.class,
            description = "modes, comma-separated (default hybrid,global,local,swapped)")
    CommaList<Mode> modes;

    @Option(names = "--levels", paramLabel = "LIST", converter = IntList.class,
            description = "closed-loop client counts (default 1,4,16,64)")
    CommaList<Integer> levels;

    @Option(names = "--requests", paramLabel = "N", description = "requests per mode and level (default 128)")
    Integer requests;

    @Option(names = "--count", paramLabel = "N", description = "images per request (default 1)")
    Integer count;

    @Option(names = "--steps", paramLabel = "N", description = "solver steps (default 32)")
    Integer steps;

    @Option(names = "--solver", paramLabel = "ID", description = "euler, heun, dpmpp-2m, euler-ancestral (default euler)")
    String solver;

    @Option(names = "--schedule", paramLabel = "ID", description = "karras, exponential, vp-cosine, linear-beta (default karras)")
    String schedule;

    @Option(names = "--seed", paramLabel = "N", description = "base seed; request i uses seed + i in every mode (default 0)")
    Long seed;

    @Option(names = "--rate", paramLabel = "auto|off|R", converter = Rate.class,
            description = "open-loop arrivals per second (default auto: 70%% of global's peak closed-loop rate)")
    Double rate;

    @Option(names = "--duration", paramLabel = "D", description = "open-loop schedule length per mode, e.g. 20s, 2m (default 20s)")
    Duration duration;

    @Option(names = "--open-max", paramLabel = "N", description = "most open-loop requests per mode (default 1000)")
    Integer openMax;

    @Option(names = "--quality-images", paramLabel = "N",
            description = "images per mode for FD, classes and nearest-train distances; 0: off (default 1000)")
    Integer qualityImages;

    @Option(names = "--quality-batch", paramLabel = "N", description = "images per request of the quality run (default 25)")
    Integer qualityBatch;

    @Option(names = "--near-copy", paramLabel = "L2", description = "near-copy threshold, L2 pixel distance in [-1,1] units (default 2.0)")
    Double nearCopy;

    @Option(names = "--url", paramLabel = "URL",
            description = "target a running phaseflow server (loopback only) instead of the in-process engine")
    String url;

    @Option(names = "--zoo", paramLabel = "PATH",
            description = "model zoo (default: -Dphaseflow.zoo, $PHASEFLOW_ZOO or models/zoo/fashion-mnist)")
    Path zoo;

    @Option(names = "--tile", paramLabel = "N", description = "tile size of local models in process, 0 for whole images (default 0)")
    Integer tile;

    @Option(names = "--workers", paramLabel = "N", description = "engine workers per model (default: cores)")
    Integer workers;

    @Option(names = "--inference-threads", paramLabel = "N", description = "engine inference threads (default: cores)")
    Integer inferenceThreads;

    @Option(names = "--max-batch", paramLabel = "N", description = "engine max batch (default 64)")
    Integer maxBatch;

    @Option(names = "--max-wait-ms", paramLabel = "N",
            description = "engine batching delay in ms, spent only while answered jobs are on their way back (default 2)")
    Integer maxWaitMs;

    @Option(names = "--out", paramLabel = "PATH", description = "report folder (default loadtest-report)")
    Path out;

    @Option(names = "--baseline", paramLabel = "on|off", arity = "1", converter = OnOff.class,
            description = "PyTorch baseline of the global model (default on; skipped without torch)")
    Boolean baseline;

    @Option(names = "--baseline-threads", paramLabel = "N", description = "its torch threads (default: cores)")
    Integer baselineThreads;

    @Option(names = "--baseline-images", paramLabel = "N", description = "images it times (default 256)")
    Integer baselineImages;

    @Option(names = "--baseline-batch", paramLabel = "N", description = "its batch size (default 64)")
    Integer baselineBatch;

    @Option(names = "--python", paramLabel = "PATH", description = "Python with torch and onnx (default /usr/bin/python3)")
    Path python;

    @Option(names = "--time-bound", paramLabel = "D", description = "wall-time bound of the whole run (default 30m)")
    Duration timeBound;

    @Option(names = "--request-timeout", paramLabel = "D", description = "per-request timeout (default 5m)")
    Duration requestTimeout;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;

    /** The config the arguments describe; throws IllegalArgumentException naming the bad option. */
    static LoadTestConfig parse(String... args) {
        LoadTestOptions options = new LoadTestOptions();
        try {
            commandLine(options).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(message(e), e);
        }
        return options.config();
    }

    /** The options' usage text. */
    static String usage() {
        return commandLine(new LoadTestOptions()).getUsageMessage();
    }

    /** Whether any argument asks for help; checked before anything is parsed, --soak's options included. */
    static boolean wantsHelp(String... args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    private static CommandLine commandLine(LoadTestOptions options) {
        CommandLine cli = new CommandLine(options);
        // as before picocli: a repeated option's last value wins (lists too, see CommaList)
        cli.setOverwrittenOptionsAllowed(true);
        cli.registerConverter(Integer.class, LoadTestOptions::integer);
        cli.registerConverter(Long.class, v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + v + "' is not an integer");
            }
        });
        cli.registerConverter(Double.class, LoadTestOptions::number);
        cli.registerConverter(Duration.class, LoadTestOptions::duration);
        return cli;
    }

    /** picocli's message for what it rejected, in the words of the options' own errors. */
    private static String message(ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String argument = u.getUnmatched().get(0);
            return argument.startsWith("--") ? "unknown option '" + argument + "' (see --help)"
                    : "unexpected argument '" + argument + "' (options start with --; see --help)";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec option) {
            return "option " + option.longestName() + " needs a value";
        }
        ArgSpec spec = e.getArgSpec();
        if (e.getCause() instanceof TypeConversionException t && spec instanceof OptionSpec option) {
            return "option " + option.longestName() + ": " + t.getMessage();
        }
        return e.getMessage();
    }

    private LoadTestConfig config() {
        LoadTestConfig.Builder b = LoadTestConfig.builder();
        given(modes, m -> b.modes(m.items()));
        given(levels, l -> b.levels(l.items()));
        given(requests, b::requestsPerLevel);
        given(count, b::imagesPerRequest);
        given(steps, b::steps);
        given(solver, b::solver);
        given(schedule, b::schedule);
        given(seed, b::seed);
        given(rate, b::openLoopRate);
        given(duration, b::openLoopDuration);
        given(openMax, b::openLoopMaxRequests);
        given(qualityImages, b::qualityImages);
        given(qualityBatch, b::qualityBatch);
        given(nearCopy, b::nearCopyThreshold);
        given(url, b::url);
        given(zoo, b::zoo);
        given(tile, b::tileSize);
        given(out, b::output);
        given(baseline, b::baseline);
        given(baselineThreads, b::baselineThreads);
        given(baselineImages, b::baselineImages);
        given(baselineBatch, b::baselineBatch);
        given(python, b::python);
        given(timeBound, b::timeBound);
        given(requestTimeout, b::requestTimeout);
        EngineConfig engine = LoadTestConfig.measuringEngine();
        if (workers != null) {
            engine = engine.withWorkers(workers);
        }
        if (inferenceThreads != null) {
            engine = engine.withInferenceThreads(inferenceThreads);
        }
        if (maxBatch != null) {
            engine = engine.withMaxBatch(maxBatch);
        }
        if (maxWaitMs != null) {
            engine = engine.withMaxWait(Duration.ofMillis(maxWaitMs));
        }
        return b.engine(engine).build();
    }

    /** Sets what was given; what was not keeps the builder's default. */
    private static <T> void given(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** 20s, 1.5m, 500ms, 2h, or ISO-8601 (PT20S). */
    private static Duration duration(String v) {
        Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double x = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> x;
                case "s" -> x * 1e3;
                case "m" -> x * 60e3;
                default -> x * 3600e3;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new TypeConversionException("'" + v + "' is not a duration (e.g. 500ms, 20s, 5m, 1h)");
        }
    }

    private static int integer(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + v + "' is not an integer");
        }
    }

    private static double number(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + v + "' is not a number");
        }
    }

    /**
     * A comma-separated list as one value (not picocli's multi-value option), so that a repeated
     * option's last list wins, as every other option's last value does.
     */
    record CommaList<T>(List<T> items) {
        static <T> CommaList<T> of(String v, Function<String, T> item) {
            return new CommaList<>(Arrays.stream(v.split(",")).map(s -> item.apply(s.trim())).toList());
        }
    }

    static final class ModeList implements ITypeConverter<CommaList<Mode>> {
        @Override
        public CommaList<Mode> convert(String v) {
            return CommaList.of(v, s -> {
                try {
                    return Mode.parse(s.toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException(e.getMessage());
                }
            });
        }
    }

    static final class IntList implements ITypeConverter<CommaList<Integer>> {
        @Override
        public CommaList<Integer> convert(String v) {
            return CommaList.of(v, LoadTestOptions::integer);
        }
    }

    /** auto (NaN: a share of global's peak closed-loop rate), off (0) or a positive rate. */
    static final class Rate implements ITypeConverter<Double> {
        @Override
        public Double convert(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "auto" -> Double.NaN;
                case "off", "0" -> 0.0;
                default -> {
                    double r = number(v);
                    if (!(r > 0) || Double.isInfinite(r)) {
                        throw new TypeConversionException("must be auto, off or a positive number, got '" + v + "'");
                    }
                    yield r;
                }
            };
        }
    }

    static final class OnOff implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes" -> true;
                case "off", "false", "no" -> false;
                default -> throw new TypeConversionException("expected on or off, got '" + v + "'");
            };
        }
    }
}
