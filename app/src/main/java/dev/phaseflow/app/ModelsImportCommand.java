package dev.phaseflow.app;

import dev.phaseflow.models.ModelImport;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.Parameterisation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code phaseflow models import}: bring an ONNX model trained elsewhere into a zoo. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an ONNX model into the zoo: writes <zoo>/<name>/ with model.json, the sha256 and golden "
                + "tensors from one ONNX Runtime run, then validates it.")
final class ModelsImportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The .onnx file.")
    Path onnx;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "global, local or classifier.")
    String role;

    @Option(names = "--parameterisation", paramLabel = "P", description = "What a denoiser predicts: eps, x0, v or flow.")
    String parameterisation;

    @Option(names = "--noise", paramLabel = "CONVENTION",
            description = "A denoiser's noise convention: ve, vp-linear, vp-cosine or rectified-flow.")
    String noise;

    @Option(names = "--input-names", required = true, split = ",", paramLabel = "NAMES",
            description = "Graph inputs in call order: image,time for a denoiser (e.g. sample,timestep), the image for a classifier.")
    List<String> inputNames;

    @Option(names = "--output-names", split = ",", paramLabel = "NAMES",
            description = "Graph outputs to use (default: a denoiser's first output, a classifier's logits and features in graph order).")
    List<String> outputNames = List.of();

    @Option(names = "--name", paramLabel = "N", description = "Model name and folder in the zoo (default: the file name).")
    String name;

    @Option(names = "--image", paramLabel = "CxHxW", description = "The data's shape, where the graph's axes are free (e.g. 3x32x32).")
    String image;

    @Option(names = "--receptive-radius", paramLabel = "R", defaultValue = "-1", description = "Local models: the receptive radius.")
    int receptiveRadius;

    @Option(names = "--beta-min", defaultValue = "0.1", description = "vp-linear: beta at t=0 (default ${DEFAULT-VALUE}).")
    double betaMin;

    @Option(names = "--beta-max", defaultValue = "20.0", description = "vp-linear: beta at t=1 (default ${DEFAULT-VALUE}).")
    double betaMax;

    @Option(names = "--cosine-s", defaultValue = "0.008", description = "vp-cosine: offset s (default ${DEFAULT-VALUE}).")
    double cosineS;

    @Option(names = "--sigma-min", defaultValue = "0.002", description = "Smallest sigma trained for (default ${DEFAULT-VALUE}).")
    double sigmaMin;

    @Option(names = "--sigma-max", defaultValue = "80", description = "Largest sigma trained for (default ${DEFAULT-VALUE}).")
    double sigmaMax;

    @Option(names = "--classes", split = ",", paramLabel = "NAMES", description = "Classifier class names, in logit order.")
    List<String> classes = List.of();

    @Option(names = "--dataset", defaultValue = "imported", description = "What the model was trained on (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--replace", description = "Replace an existing model folder of that name.")
    boolean replace;

    @Override
    public Integer call() {
        ModelRole r = parseRole(role);
        Optional<Parameterisation> p = Optional.ofNullable(parameterisation).map(text -> {
            try {
                return Parameterisation.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--parameterisation: " + e.getMessage());
            }
        });
        String modelName = name != null ? name : ModelImport.stem(onnx);
        ModelImport.Request request = new ModelImport.Request(onnx, modelName, r, p, Optional.ofNullable(noise), betaMin, betaMax,
                cosineS, sigmaMin, sigmaMax, inputNames, outputNames,
                Optional.ofNullable(image).map(ModelImport::parseImage), receptiveRadius, classes, dataset, replace);
        ModelImport.Result result = ModelImport.importModel(request, common.zooFolder(), common.sessionConfig());
        PrintWriter out = spec.commandLine().getOut();
        out.println(result.report().describe());
        if (!result.report().ok()) {
            spec.commandLine().getErr().println("phaseflow: import failed validation; nothing was written to " + common.zooFolder());
            return Phaseflow.FAILED;
        }
        out.println("imported into " + result.folder() + "; calibrate the zoo next: phaseflow calibrate --zoo " + common.zooFolder());
        return 0;
    }

    private static ModelRole parseRole(String id) {
        for (ModelRole r : ModelRole.values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("--role: must be global, local or classifier, got '" + id + "'");
    }
}
