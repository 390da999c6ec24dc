package dev.phaseflow.app;

import dev.phaseflow.loadtest.LoadTest;
import dev.phaseflow.loadtest.LoadTestConfig;
import dev.phaseflow.loadtest.LoadTestReport;
import dev.phaseflow.loadtest.report.ReportWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow loadtest}: hybrid against global-only, speed and quality, with a report. */
@Command(name = "loadtest", description = "Load test: closed-loop concurrency sweep and open-loop fixed rate, per "
        + "mode with the same seeds; quality (Frechet distance on classifier features, class coverage, nearest training "
        + "image); a PyTorch baseline; report.md, report.json and plots in one folder. With --soak DURATION: a bounded "
        + "soak of a loopback server under mixed traffic, recording its memory, threads and open files. --help lists "
        + "the options.")
final class LoadTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> options = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (LoadTestOptions.wantsHelp(options.toArray(String[]::new))) {
            spec.commandLine().getOut().println(spec.commandLine().getCommandSpec().usageMessage().description()[0]);
            spec.commandLine().getOut().println();
            spec.commandLine().getOut().print(LoadTestOptions.usage());
            spec.commandLine().getOut().println();
            spec.commandLine().getOut().println(Soak.USAGE);
            return 0;
        }
        if (Soak.wanted(options)) {
            return Soak.run(Soak.Options.parse(options), spec.commandLine().getOut());
        }
        LoadTestConfig config = LoadTestOptions.parse(options.toArray(String[]::new));
        LoadTestReport report = LoadTest.run(config);
        spec.commandLine().getOut().printf(Locale.ROOT, "report: %s (%.0f s)%n",
                config.output().toAbsolutePath().resolve(ReportWriter.MARKDOWN), report.seconds());
        return 0;
    }
}
