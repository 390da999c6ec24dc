package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phaseflow models import}: the fixture diffusers-style UNet into an empty zoo, and bad options. */
class ModelsImportCommandTest {
    private static final Path FIXTURE = Path.of("../models/src/test/resources/fixtures/diffusers-eps-linear/model.onnx");

    @Test
    void importsValidatesAndListsTheModel(@TempDir Path zoo) {
        ServeCommandTest.Run r = ServeCommandTest.run("models", "import", "--onnx", FIXTURE.toString(), "--role", "global",
                "--parameterisation", "eps", "--noise", "vp-linear", "--input-names", "sample,timestep", "--name", "unet",
                "--zoo", zoo.toString(), "--threads", "1");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("golden noise_pred: max abs diff") && r.out().contains("OK"), r.out());
        assertTrue(Files.isRegularFile(zoo.resolve("unet/model.json")));
        ServeCommandTest.Run list = ServeCommandTest.run("models", "--zoo", zoo.toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("unet") && list.out().contains("vp-linear/eps"), list.out());
    }

    @Test
    void badOptionsGetOneLineNamingTheOption(@TempDir Path zoo) {
        ServeCommandTest.Run r = ServeCommandTest.run("models", "import", "--onnx", FIXTURE.toString(), "--role", "global",
                "--parameterisation", "epsilon", "--noise", "vp-linear", "--input-names", "sample,timestep", "--zoo", zoo.toString());
        assertEquals(Phaseflow.USAGE, r.exit(), r.err());
        assertTrue(r.err().startsWith("phaseflow: --parameterisation: unknown parameterisation 'epsilon'"), r.err());
        ServeCommandTest.Run names = ServeCommandTest.run("models", "import", "--onnx", FIXTURE.toString(), "--role", "global",
                "--parameterisation", "eps", "--noise", "vp-linear", "--input-names", "x,t", "--zoo", zoo.toString());
        assertEquals(Phaseflow.USAGE, names.exit(), names.err());
        assertTrue(names.err().contains("--input-names: the graph has no input 'x' (its inputs are [sample, timestep])"), names.err());
        assertEquals(1, names.err().strip().lines().count(), names.err());
    }
}
