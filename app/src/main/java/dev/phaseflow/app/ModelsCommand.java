package dev.phaseflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.models.ManifestReader;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.ZooValidation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow models}: list the zoo, inspect a model, validate a model folder, import a model ({@code models import}). */
@Command(name = "models", mixinStandardHelpOptions = true, subcommands = ModelsImportCommand.class,
        description = "List the zoo's models, inspect one, or validate a model folder (manifest, digest, ONNX graph, golden tensors).")
final class ModelsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "A model of the zoo to show in full.")
    String name;

    @Option(names = "--validate", paramLabel = "DIR", description = "Validate a model folder (yours or the zoo's).")
    Path validate;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (validate != null) {
            ModelManifest m = ManifestReader.read(validate);
            ZooValidation.Report report = ZooValidation.validate(m, common.sessionConfig());
            out.println(report.describe());
            return report.ok() ? 0 : Phaseflow.FAILED;
        }
        try (ModelZoo zoo = common.openZoo()) {
            if (name != null) {
                ModelManifest m = zoo.manifest(name);
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(m.raw()));
                return 0;
            }
            out.printf(Locale.ROOT, "zoo %s%n%n", zoo.folder());
            out.printf(Locale.ROOT, "%-12s %-10s %10s  %-18s %-7s %s%n", "model", "role", "parameters", "noise", "radius", "trained");
            for (ModelManifest m : zoo.manifests()) {
                JsonNode training = m.raw().path("training");
                out.printf(Locale.ROOT, "%-12s %-10s %10s  %-18s %-7s %s%n", m.name(), m.role().id(),
                        m.raw().path("parameters").asText("?"),
                        m.noise().map(n -> n.id() + "/" + m.parameterisation().orElseThrow().name().toLowerCase(Locale.ROOT)).orElse("-"),
                        m.receptiveRadius() >= 0 ? String.valueOf(m.receptiveRadius()) : "-",
                        training.path("steps").asInt() + " steps, " + training.path("seconds").asText("?") + " s");
            }
        }
        return 0;
    }
}
