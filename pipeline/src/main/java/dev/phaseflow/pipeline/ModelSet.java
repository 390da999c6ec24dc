package dev.phaseflow.pipeline;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelServing;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.ModelTier;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.routing.RouterPlan;
import dev.phaseflow.pipeline.schedule.Schedules;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sampling engine runs with: the denoisers by name, the router plan, the image shape and
 * the default sigma range. Every engine (direct, actors) is built from one of these.
 */
public final class ModelSet {
    private final Map<String, Denoiser> denoisers;
    private final RouterPlan plan;
    private final double sigmaMin;
    private final double sigmaMax;
    private final int channels;
    private final int height;
    private final int width;
    private final Map<String, ModelTier> tiers;
    private final Map<String, ModelServing> serving;

    public ModelSet(Map<String, Denoiser> denoisers, RouterPlan plan, double sigmaMin, double sigmaMax,
                    int channels, int height, int width) {
        this(denoisers, plan, sigmaMin, sigmaMax, channels, height, width, Map.of());
    }

    /** @param serving each model's own serving settings (model.json); a model left out takes the engine's defaults */
    public ModelSet(Map<String, Denoiser> denoisers, RouterPlan plan, double sigmaMin, double sigmaMax,
                    int channels, int height, int width, Map<String, ModelServing> serving) {
        this.denoisers = Map.copyOf(denoisers);
        for (String name : serving.keySet()) {
            if (!denoisers.containsKey(name)) {
                throw new IllegalArgumentException("serving settings for '" + name + "', which is not a denoiser of the set "
                        + denoisers.keySet());
            }
        }
        this.serving = Map.copyOf(serving);
        this.plan = plan;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.channels = channels;
        this.height = height;
        this.width = width;
        Map<String, ModelRole> roles = new LinkedHashMap<>();
        denoisers.forEach((name, d) -> roles.put(name, d.role()));
        plan.checkModels(roles, Path.of(RouterPlan.FILE_NAME));
        this.tiers = tiers(this.denoisers, plan);
    }

    /** Each model's cost relative to the most expensive one, from the costs calibration measured (router.json). */
    private static Map<String, ModelTier> tiers(Map<String, Denoiser> denoisers, RouterPlan plan) {
        Map<String, Double> costs = plan.measuredCosts();
        double max = 0;
        for (String name : denoisers.keySet()) {
            if (costs.containsKey(name)) {
                max = Math.max(max, costs.get(name));
            }
        }
        Map<String, ModelTier> out = new LinkedHashMap<>();
        for (Map.Entry<String, Denoiser> e : denoisers.entrySet()) {
            double relative = max > 0 && costs.containsKey(e.getKey()) ? costs.get(e.getKey()) / max : Double.NaN;
            out.put(e.getKey(), ModelTier.of(e.getKey(), Route.of(e.getValue().role()), relative));
        }
        return Map.copyOf(out);
    }

    /** The route and cost tier of a model. */
    public ModelTier tier(String model) {
        denoiser(model); // fails naming the model when it is not in the set
        return tiers.get(model);
    }

    /** The tiers of the models a mode uses, in plan order. */
    public List<ModelTier> tiers(Mode mode) {
        return models(mode).stream().map(this::tier).toList();
    }

    /** The zoo's denoisers and its {@code router.json}; local models tiled with {@code tileSize} (<= 0: untiled). */
    public static ModelSet fromZoo(ModelZoo zoo, int tileSize) {
        return fromZoo(zoo, RouterPlan.read(zoo.folder().resolve(RouterPlan.FILE_NAME)), tileSize);
    }

    public static ModelSet fromZoo(ModelZoo zoo, RouterPlan plan, int tileSize) {
        Map<String, Denoiser> denoisers = new LinkedHashMap<>();
        Map<String, ModelServing> serving = new LinkedHashMap<>();
        for (ModelManifest m : zoo.manifests()) {
            if (m.isDenoiser()) {
                denoisers.put(m.name(), zoo.denoiser(m.name(), tileSize));
                ModelServing own = m.serving();
                if (!own.isDefault()) {
                    serving.put(m.name(), own);
                }
            }
        }
        ModelManifest global = zoo.manifest(plan.globalModel());
        return new ModelSet(denoisers, plan, global.sigmaMin(), global.sigmaMax(), global.image().channels(),
                global.image().height(), global.image().width(), serving);
    }

    public RouterPlan plan() {
        return plan;
    }

    public Denoiser denoiser(String name) {
        Denoiser d = denoisers.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no denoiser '" + name + "' (have " + denoisers.keySet() + ")");
        }
        return d;
    }

    public Map<String, Denoiser> denoisers() {
        return denoisers;
    }

    /** A model's own serving settings from its model.json ({@link ModelServing#DEFAULTS} when it has none). */
    public ModelServing serving(String model) {
        denoiser(model);
        return serving.getOrDefault(model, ModelServing.DEFAULTS);
    }

    public Route route(String model) {
        return Route.of(denoiser(model).role());
    }

    public String modelFor(Mode mode, double sigma) {
        return plan.modelFor(mode, sigma);
    }

    public List<String> models(Mode mode) {
        return plan.models(mode);
    }

    /** The request's schedule between this set's sigma_min and sigma_max. */
    public double[] sigmas(SampleRequest request) {
        return Schedules.of(Schedules.Kind.parse(request.schedule()), request.steps(), sigmaMin, sigmaMax);
    }

    public double sigmaMin() { return sigmaMin; }
    public double sigmaMax() { return sigmaMax; }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
}
