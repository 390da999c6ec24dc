package dev.phaseflow.loadtest;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.pipeline.routing.Mode;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line options of {@link LoadTest#main}: {@code --name value} pairs onto a
 * {@link LoadTestConfig.Builder}. Deliberately plain (no picocli): a CLI command can build the
 * config itself with the builder.
 */
public final class LoadTestOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private LoadTestOptions() {}

    public static final String USAGE = String.join("\n",
            "usage: LoadTest [options]   (hybrid versus global-only sampling: speed and quality side by side)",
            "  --modes LIST             modes, comma-separated (default hybrid,global,local,swapped)",
            "  --levels LIST            closed-loop client counts (default 1,4,16,64)",
            "  --requests N             requests per mode and level (default 128)",
            "  --count N                images per request (default 1)",
            "  --steps N                solver steps (default 32)",
            "  --solver ID              euler, heun, dpmpp-2m, euler-ancestral (default euler)",
            "  --schedule ID            karras, exponential, vp-cosine, linear-beta (default karras)",
            "  --seed N                 base seed; request i uses seed + i in every mode (default 0)",
            "  --rate auto|off|R        open-loop arrivals per second (default auto: 70% of global's peak closed-loop rate)",
            "  --duration D             open-loop schedule length per mode, e.g. 20s, 2m (default 20s)",
            "  --open-max N             most open-loop requests per mode (default 1000)",
            "  --quality-images N       images per mode for FD, classes and nearest-train distances; 0: off (default 1000)",
            "  --quality-batch N        images per request of the quality run (default 25)",
            "  --near-copy L2           near-copy threshold, L2 pixel distance in [-1,1] units (default 2.0)",
            "  --url URL                target a running phaseflow server (loopback only) instead of the in-process engine",
            "  --zoo PATH               model zoo (default: -Dphaseflow.zoo, $PHASEFLOW_ZOO or models/zoo/fashion-mnist)",
            "  --tile N                 tile size of local models in process, 0 for whole images (default 0)",
            "  --workers N              engine workers per model (default: cores)",
            "  --inference-threads N    engine inference threads (default: cores)",
            "  --max-batch N            engine max batch (default 64)",
            "  --max-wait-ms N          engine batching delay in ms, spent only while answered jobs are on their way back (default 2)",
            "  --out PATH               report folder (default loadtest-report)",
            "  --baseline on|off        PyTorch baseline of the global model (default on; skipped without torch)",
            "  --baseline-threads N     its torch threads (default: cores)",
            "  --baseline-images N      images it times (default 256)",
            "  --baseline-batch N       its batch size (default 64)",
            "  --python PATH            Python with torch and onnx (default /usr/bin/python3)",
            "  --time-bound D           wall-time bound of the whole run (default 30m)",
            "  --request-timeout D      per-request timeout (default 5m)",
            "  --help                   this text");

    /** The config the arguments describe; throws IllegalArgumentException naming the bad option. */
    public static LoadTestConfig parse(String... args) {
        LoadTestConfig.Builder b = LoadTestConfig.builder();
        EngineConfig engine = LoadTestConfig.measuringEngine();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + name + "' (options start with --; see --help)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String v = args[++i];
            switch (name) {
                case "--modes" -> b.modes(modes(v));
                case "--levels" -> b.levels(ints(name, v));
                case "--requests" -> b.requestsPerLevel(integer(name, v));
                case "--count" -> b.imagesPerRequest(integer(name, v));
                case "--steps" -> b.steps(integer(name, v));
                case "--solver" -> b.solver(v);
                case "--schedule" -> b.schedule(v);
                case "--seed" -> b.seed(longValue(name, v));
                case "--rate" -> b.openLoopRate(rate(v));
                case "--duration" -> b.openLoopDuration(duration(name, v));
                case "--open-max" -> b.openLoopMaxRequests(integer(name, v));
                case "--quality-images" -> b.qualityImages(integer(name, v));
                case "--quality-batch" -> b.qualityBatch(integer(name, v));
                case "--near-copy" -> b.nearCopyThreshold(number(name, v));
                case "--url" -> b.url(v);
                case "--zoo" -> b.zoo(Paths.get(v));
                case "--tile" -> b.tileSize(integer(name, v));
                case "--workers" -> engine = engine.withWorkers(integer(name, v));
                case "--inference-threads" -> engine = engine.withInferenceThreads(integer(name, v));
                case "--max-batch" -> engine = engine.withMaxBatch(integer(name, v));
                case "--max-wait-ms" -> engine = engine.withMaxWait(Duration.ofMillis(integer(name, v)));
                case "--out" -> b.output(Paths.get(v));
                case "--baseline" -> b.baseline(onOff(name, v));
                case "--baseline-threads" -> b.baselineThreads(integer(name, v));
                case "--baseline-images" -> b.baselineImages(integer(name, v));
                case "--baseline-batch" -> b.baselineBatch(integer(name, v));
                case "--python" -> b.python(Paths.get(v));
                case "--time-bound" -> b.timeBound(duration(name, v));
                case "--request-timeout" -> b.requestTimeout(duration(name, v));
                default -> throw new IllegalArgumentException("unknown option '" + name + "' (see --help)");
            }
        }
        return b.engine(engine).build();
    }

    public static boolean wantsHelp(String... args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** 20s, 1.5m, 500ms, 2h, or ISO-8601 (PT20S). */
    static Duration duration(String option, String v) {
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
            throw new IllegalArgumentException("option " + option + ": '" + v + "' is not a duration (e.g. 500ms, 20s, 5m, 1h)");
        }
    }

    private static double rate(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "auto" -> Double.NaN;
            case "off", "0" -> 0;
            default -> {
                double r = number("--rate", v);
                if (!(r > 0) || Double.isInfinite(r)) {
                    throw new IllegalArgumentException("option --rate: must be auto, off or a positive number, got '" + v + "'");
                }
                yield r;
            }
        };
    }

    private static List<Mode> modes(String v) {
        List<Mode> out = new ArrayList<>();
        for (String s : v.split(",")) {
            try {
                out.add(Mode.parse(s.trim().toLowerCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option --modes: " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Integer> ints(String option, String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(integer(option, s.trim()));
        }
        return out;
    }

    private static boolean onOff(String option, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("option " + option + ": expected on or off, got '" + v + "'");
        };
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + ": '" + v + "' is not an integer");
        }
    }

    private static long longValue(String option, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + ": '" + v + "' is not an integer");
        }
    }

    private static double number(String option, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + ": '" + v + "' is not a number");
        }
    }
}
