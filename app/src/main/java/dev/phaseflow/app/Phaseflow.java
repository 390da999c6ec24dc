package dev.phaseflow.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code phaseflow} command line. */
@Command(name = "phaseflow", mixinStandardHelpOptions = true, version = "phaseflow 0.1.0",
        description = "Phase-aware hybrid diffusion sampling: local-patch models outside the transition window, "
                + "the global model inside it.",
        subcommands = {GenerateCommand.class, CompareCommand.class, CalibrateCommand.class, ModelsCommand.class,
                BenchCommand.class, ServeCommand.class, LoadTestCommand.class, NodeCommand.class, DiagnoseCommand.class,
                PlansCommand.class,
                CommandLine.HelpCommand.class})
public final class Phaseflow {

    /** Exit codes: 0 success, 1 the work failed, 2 bad usage or input. */
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int code = cli.execute(args);
        // picocli's writers flush on println only: a command whose last write is print() would lose it at exit
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(code);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Phaseflow());
        // one writer pair shared by every subcommand, so that main can flush what they printed
        cli.setOut(new java.io.PrintWriter(System.out, true));
        cli.setErr(new java.io.PrintWriter(System.err, true));
        cli.setExecutionExceptionHandler(Phaseflow::handle);
        return cli;
    }

    /** One clear line on stderr; the stack trace only with --verbose. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                || parsed.hasMatchedOption("--verbose");
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        cli.getErr().println("phaseflow: " + (root.getMessage() != null ? root.getMessage() : root.toString()));
        if (verbose) {
            e.printStackTrace(cli.getErr());
        }
        return e instanceof IllegalArgumentException || e.getCause() instanceof IllegalArgumentException ? USAGE : FAILED;
    }
}
