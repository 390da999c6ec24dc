package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The serve subcommand's wiring: registered, documented, and failing with one clear line without a usable zoo. */
class ServeCommandTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Phaseflow.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void serveIsASubcommandBesideTheOthers() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        for (String command : new String[] {"generate", "models", "bench", "serve"}) {
            assertTrue(help.out().contains(command), command + " is listed:\n" + help.out());
        }
        Run serve = run("serve", "--help");
        assertEquals(0, serve.exit());
        for (String option : new String[] {"--port", "--host", "--token", "--zoo", "--tile", "--workers", "PHASEFLOW_TOKEN"}) {
            assertTrue(serve.out().contains(option), option + " is documented:\n" + serve.out());
        }
    }

    @Test
    void aFolderWithoutModelsFailsNamingIt(@TempDir Path empty) {
        Run r = run("serve", "--zoo", empty.toString(), "--port", "0");
        assertEquals(Phaseflow.FAILED, r.exit(), r.err());
        assertTrue(r.err().startsWith("phaseflow: ") && r.err().contains(empty.toString()), r.err());
        assertTrue(r.err().contains("no model folders"), r.err());
    }

    @Test
    void aZooWithoutRouterPlanSaysHowToMakeOne(@TempDir Path zoo) throws Exception {
        Path real = Path.of(System.getProperty("phaseflow.zoo", "../models/zoo/fashion-mnist"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(real.resolve("gaussian/model.json")),
                "the zoo's gaussian model is not there");
        Path copy = Files.createDirectories(zoo.resolve("gaussian"));
        try (var files = Files.list(real.resolve("gaussian"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Run r = run("serve", "--zoo", zoo.toString(), "--port", "0");
        assertEquals(Phaseflow.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("router.json") && r.err().contains("calibrate"), r.err());
    }
}
