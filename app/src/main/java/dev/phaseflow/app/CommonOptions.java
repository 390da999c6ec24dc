package dev.phaseflow.app;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares: the zoo, ONNX Runtime settings, verbosity. */
public final class CommonOptions {
    @Option(names = "--zoo", paramLabel = "DIR", description = "Model zoo folder (default: $PHASEFLOW_ZOO or models/zoo/fashion-mnist).")
    Path zoo;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads per model call (0: all cores; default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--cuda", description = "Run models on CUDA when available (falls back to CPU with a logged reason).")
    boolean cuda;

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    public Path zooFolder() {
        return zoo != null ? zoo : ModelZoo.defaultFolder();
    }

    public SessionConfig sessionConfig() {
        SessionConfig c = SessionConfig.defaults().withIntraOpThreads(threads);
        return cuda ? c.withDevice(SessionConfig.Device.CUDA) : c;
    }

    public ModelZoo openZoo() {
        return ModelZoo.open(zooFolder(), sessionConfig());
    }
}
