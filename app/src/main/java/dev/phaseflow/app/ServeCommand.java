package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.models.ImageClassifier;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import java.util.Optional;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code phaseflow serve}: the HTTP API and web viewer on the actor engine. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the HTTP API (POST /v1/samples as Server-Sent Events, GET /v1/models, /healthz, /readyz, "
                + "/metrics) and the live web viewer at /, on the zoo's models and router.json.",
                "SIGTERM or Ctrl-C drains: readiness fails, running requests finish (those still running after "
                + "--drain-timeout end with an error event), then the server exits with 0."})
final class ServeCommand implements Callable<Integer> {
    static final String TOKEN_ENV = "PHASEFLOW_TOKEN";

    @Mixin
    CommonOptions common;

    @Mixin
    ReliabilityOptions reliability;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (0: any free port; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token", paramLabel = "T",
            description = "Require 'Authorization: Bearer T' on every endpoint but /healthz and the viewer's files "
                    + "(default: $" + TOKEN_ENV + "; none when unset).")
    String token;

    @Option(names = "--tile", paramLabel = "N", defaultValue = "0",
            description = "Tile size for local models, 0 for whole images (default ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "Workers per model (0: one per core; default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "65536",
            description = "Largest request body accepted (default ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--shadow-fraction", paramLabel = "F", defaultValue = "0.02",
            description = "Share of steps also run on the other route's model to measure Delta live (default ${DEFAULT-VALUE}).")
    double shadowFraction;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        String bearer = token != null ? token : System.getenv(TOKEN_ENV);
        SampleRequest.Limits limits = SampleRequest.Limits.defaults();
        EngineConfig config = reliability.apply(workers > 0 ? EngineConfig.defaults().withWorkers(workers) : EngineConfig.defaults());

        // the zoo is opened here rather than by the engine so that --threads and --cuda apply
        ModelZoo zoo = common.openZoo();
        Serving serving;
        try {
            ModelSet models = ModelSet.fromZoo(zoo, tile);
            Optional<ImageClassifier> classifier = zoo.byRole(ModelRole.CLASSIFIER).isEmpty() ? Optional.empty()
                    : Optional.of(zoo.classifier());
            LiveMonitoring monitoring = new LiveMonitoring(models.plan(), classifier, shadowFraction);
            serving = Serving.start(models, zoo.manifests(), config, limits,
                    b -> b.host(host).port(port).token(bearer).maxBodyBytes(maxBody).connections(reliability.connections()), zoo, monitoring);
        } catch (RuntimeException e) {
            zoo.close();
            throw e;
        }
        String models = String.join(", ", serving.engine().models().denoisers().keySet())
                + (bearer != null ? " (bearer token required)" : "");
        serving.runUntilSignalled(out, models);
        return 0;
    }
}
