package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.loadtest.http.Loopback;
import dev.phaseflow.models.ImageClassifier;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * {@code phaseflow loadtest --soak DURATION}: a bounded soak. Starts {@code phaseflow serve} on
 * the zoo in this process, bound to 127.0.0.1 on a free port, drives it with mixed traffic from
 * loopback clients (see {@link SoakTraffic}) until the duration is over, and every interval
 * records the process's RSS, heap, native memory, threads and open files ({@link ProcessSample})
 * to {@code soak.csv}. Prints the growth from minute 5 (or a sixth of a shorter run) to the end.
 */
final class Soak {
    static final String USAGE = String.join("\n",
            "usage: phaseflow loadtest --soak DURATION [options]   (bounded soak on loopback; stops by itself)",
            "  --soak D        how long, e.g. 90s, 10m, 1h (at most 24h)",
            "  --clients N     concurrent loopback clients (default 4)",
            "  --every D       sampling interval (default 30s)",
            "  --workers N     workers per model of the server (default: one per core)",
            "  --out DIR       where soak.csv and summary.txt go (default phaseflow-out/soak)",
            "  --seed N        traffic seed (default 1)");

    record Options(Duration duration, int clients, Duration every, int workers, Path out, long seed) {
        static Options parse(List<String> args) {
            Duration duration = null;
            int clients = 4;
            Duration every = Duration.ofSeconds(30);
            int workers = 0;
            Path out = Path.of("phaseflow-out", "soak");
            long seed = 1;
            for (int i = 0; i < args.size(); i++) {
                String name = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
                }
                String value = args.get(++i);
                switch (name) {
                    case "--soak" -> duration = duration(value, "--soak");
                    case "--clients" -> clients = Integer.parseInt(value);
                    case "--every" -> every = duration(value, "--every");
                    case "--workers" -> workers = Integer.parseInt(value);
                    case "--out" -> out = Path.of(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown soak option " + name + "\n" + USAGE);
                }
            }
            if (duration == null || duration.compareTo(Duration.ofHours(24)) > 0 || clients < 1 || clients > 256) {
                throw new IllegalArgumentException("--soak needs a duration up to 24h and 1..256 clients\n" + USAGE);
            }
            return new Options(duration, clients, every, workers, out, seed);
        }

        /** "90s", "10m", "1h", or plain seconds. */
        static Duration duration(String s, String option) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            try {
                double n = Double.parseDouble(v.replaceAll("[smh]$", ""));
                double unit = v.endsWith("h") ? 3600 : v.endsWith("m") ? 60 : 1;
                if (!(n > 0)) {
                    throw new NumberFormatException();
                }
                return Duration.ofMillis(Math.round(n * unit * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a positive duration like 90s, 10m or 1h, got '" + s + "'");
            }
        }
    }

    static boolean wanted(List<String> args) {
        return args.contains("--soak");
    }

    static int run(Options o, PrintWriter out) throws IOException, InterruptedException {
        Files.createDirectories(o.out());
        ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder());
        ModelSet models = ModelSet.fromZoo(zoo, 0);
        Optional<ImageClassifier> classifier = zoo.byRole(ModelRole.CLASSIFIER).isEmpty() ? Optional.empty()
                : Optional.of(zoo.classifier());
        EngineConfig config = o.workers() > 0 ? EngineConfig.defaults().withWorkers(o.workers()) : EngineConfig.defaults();
        Serving serving = Serving.start(models, zoo.manifests(), config, SampleRequest.Limits.defaults(),
                b -> b.host("127.0.0.1").port(0), zoo, new LiveMonitoring(models.plan(), classifier, 0.02));
        URI base = Loopback.check(serving.server().url());
        out.printf("soak: %s of mixed traffic from %d clients against %s; a sample every %s to %s%n", o.duration(),
                o.clients(), base, o.every(), o.out().resolve("soak.csv"));
        out.flush();

        SoakTraffic traffic = new SoakTraffic(base);
        long start = System.nanoTime();
        long end = start + o.duration().toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < o.clients(); i++) {
            SplittableRandom random = new SplittableRandom(o.seed() * 1000 + i);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                    traffic.once(random);
                }
            }, "soak-client-" + i);
            t.setDaemon(true);
            t.start();
            clients.add(t);
        }
        List<ProcessSample> samples = new ArrayList<>();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(o.out().resolve("soak.csv")))) {
            csv.println(ProcessSample.CSV_HEADER);
            for (long next = start; ; next += o.every().toNanos()) {
                long now = System.nanoTime();
                if (next > now) {
                    Thread.sleep(Math.min((next - now) / 1_000_000, Math.max(0, (end - now) / 1_000_000)));
                }
                boolean last = System.nanoTime() >= end;
                ProcessSample s = ProcessSample.now((System.nanoTime() - start) / 1e9);
                samples.add(s);
                csv.println(s.csv());
                csv.flush();
                out.printf(Locale.ROOT, "  %5.0f s  rss %.0f MB  heap %.0f/%.0f MB  native~ %.0f MB  threads %d  files %d  %s%n",
                        s.seconds(), s.rssMb(), s.heapUsedMb(), s.heapCommittedMb(), s.nativeMb(), s.threads(), s.openFiles(),
                        new TreeMap<>(snapshot(traffic.outcomes)));
                out.flush();
                if (last) {
                    break;
                }
            }
        }
        for (Thread t : clients) {
            t.join(Duration.ofMinutes(2).toMillis());
        }
        String summary = summary(samples, o.duration(), new TreeMap<>(snapshot(traffic.outcomes)));
        Files.writeString(o.out().resolve("summary.txt"), summary);
        out.print(summary);
        out.flush();
        serving.shutdown();
        return 0;
    }

    private static Map<String, Long> snapshot(Map<String, java.util.concurrent.atomic.LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Growth from the sample at minute 5 (a sixth of a run shorter than 30 min) to the last one. */
    static String summary(List<ProcessSample> samples, Duration duration, Map<String, Long> outcomes) {
        double from = Math.min(300, duration.toSeconds() / 6.0);
        ProcessSample a = samples.stream().filter(s -> s.seconds() >= from).findFirst().orElse(samples.get(0));
        ProcessSample b = samples.get(samples.size() - 1);
        return String.format(Locale.ROOT, String.join("\n",
                "soak summary: %.0f s to %.0f s (from minute %.1f to the end)",
                "  rss       %.1f -> %.1f MB  (%+.1f%%)",
                "  heap used %.1f -> %.1f MB   committed %.1f -> %.1f MB",
                "  native~   %.1f -> %.1f MB  (%+.1f%%)",
                "  direct    %.1f -> %.1f MB",
                "  threads   %d -> %d   open files %d -> %d",
                "  requests  %s", ""),
                a.seconds(), b.seconds(), a.seconds() / 60, a.rssMb(), b.rssMb(), 100 * (b.rssMb() / a.rssMb() - 1),
                a.heapUsedMb(), b.heapUsedMb(), a.heapCommittedMb(), b.heapCommittedMb(),
                a.nativeMb(), b.nativeMb(), 100 * (b.nativeMb() / a.nativeMb() - 1), a.directMb(), b.directMb(),
                a.threads(), b.threads(), a.openFiles(), b.openFiles(), outcomes);
    }
}
