package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cascade plan of five models (two local sizes, two global sizes and an analytic one), as the
 * plan search writes it: router.json loads and validates, and the engine's images are bit-identical
 * to the reference's with every model used where the plan says.
 */
class CascadePlanTest {
    static final GaussianData DATA = new GaussianData(1, 6, 6);

    /** The exact Gaussian denoiser, its output scaled by a model-specific factor so that routing shows in the images. */
    record Scaled(String name, ModelRole role, float factor, Denoiser exact) implements Denoiser {
        public ImageBatch denoise(ImageBatch x, double[] sigma) {
            float[] d = exact.denoise(x, sigma).data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] *= factor;
            }
            return new ImageBatch(x.count(), x.channels(), x.height(), x.width(), d);
        }
    }

    static final String ROUTER_JSON = """
            {"global_model": "unet", "local_model": "local-small",
             "window": {"sigma_lo": 0.3, "sigma_hi": 6.0},
             "hybrid": [
               {"sigma_lo": 0.0, "sigma_hi": 0.1, "model": "local-small"},
               {"sigma_lo": 0.1, "sigma_hi": 0.3, "model": "local-wide"},
               {"sigma_lo": 0.3, "sigma_hi": 1.0, "model": "unet"},
               {"sigma_lo": 1.0, "sigma_hi": 6.0, "model": "unet-small"},
               {"sigma_lo": 6.0, "sigma_hi": null, "model": "gaussian"}],
             "calibration": {"seconds_per_image": {"unet": 3e-3, "unet-small": 1e-3, "local-wide": 5e-4,
                             "local-small": 3e-4, "gaussian": 1e-5}}}
            """;

    @Test
    void aFiveModelPlanRunsBitIdenticallyOnTheEngine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(RouterPlan.FILE_NAME);
        Files.writeString(file, ROUTER_JSON);
        RouterPlan plan = RouterPlan.read(file);
        assertEquals(5, plan.models(Mode.HYBRID).size());
        Map<String, Denoiser> models = new LinkedHashMap<>();
        float factor = 1.0f;
        for (String name : List.of("unet", "unet-small", "local-wide", "local-small", "gaussian")) {
            ModelRole role = name.startsWith("local") ? ModelRole.LOCAL : ModelRole.GLOBAL;
            models.put(name, new Scaled(name, role, factor, DATA.denoiser(name, role)));
            factor -= 0.01f;
        }
        ModelSet set = new ModelSet(models, plan, 0.01, 20, 1, 6, 6);
        List<SampleRequest> requests = EngineTest.requests(12).stream().map(r -> r.withMode(Mode.HYBRID).withSteps(14)).toList();
        List<List<SampleEvent>> reference;
        try (var direct = new DirectSamplingService(set, 64, SampleRequest.Limits.defaults(), 1)) {
            reference = EngineTest.runAll(direct, requests, 1);
        }
        try (var engine = PhaseflowEngine.create(set, EngineConfig.defaults().withWorkers(2).withMaxBatch(3))) {
            List<List<SampleEvent>> got = EngineTest.runAll(engine, requests, 8);
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(EngineTest.images(reference.get(i)), EngineTest.images(got.get(i)), "request " + i);
                var a = (SampleEvent.Completed) reference.get(i).get(reference.get(i).size() - 1);
                var b = (SampleEvent.Completed) got.get(i).get(got.get(i).size() - 1);
                assertEquals(a.evaluationsByModel(), b.evaluationsByModel());
                assertEquals(models.keySet(), a.evaluationsByModel().keySet(), "every model of the plan ran");
                for (SampleEvent e : got.get(i)) {
                    if (e instanceof SampleEvent.Step s) {
                        assertEquals(plan.modelFor(Mode.HYBRID, s.sigma()), s.model(), "step at sigma " + s.sigma());
                    }
                }
            }
            EngineTest.assertIdleSoon(engine);
        }
        assertTrue(set.tier("gaussian").relativeCost() < set.tier("unet-small").relativeCost());
        assertEquals(1.0, set.tier("unet").relativeCost(), 1e-12);
    }
}
