package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.data.LabelledImages;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole calibration on the two-Gaussian mixture, whose speciation and exact denoiser are known. */
class CalibratorTest {
    static final int RADIUS = MixtureCalibration.RADIUS;
    static final String LOCAL = MixtureCalibration.LOCAL;
    static final TwoGaussianMixture MIXTURE = MixtureCalibration.MIXTURE;

    @TempDir
    static Path out;
    static CalibrationReport report;

    static Map<String, Denoiser> models() {
        return MixtureCalibration.models();
    }

    static CalibrationConfig config(Path folder) {
        return MixtureCalibration.config(folder);
    }

    @BeforeAll
    static void calibrate() throws Exception {
        report = new Calibrator(config(out)).calibrate();
    }

    @Test
    void dataPredictsTheSpeciationOfTheMixture() {
        assertEquals(1, report.classPairs().size());
        ClassPairSpeciation pair = report.classPairs().get(0);
        double expected = MIXTURE.a() * MIXTURE.a() - MIXTURE.s() * MIXTURE.s();
        assertEquals(expected, pair.a() * pair.a() - pair.s2(), 0.02 * expected);
        assertEquals(pair.sigmaC(), report.classSigmaRange()[0]);
        // the mixture's covariance s^2 I + a^2 u u^T has top eigenvalue a^2 + s^2
        double lambda = MIXTURE.a() * MIXTURE.a() + MIXTURE.s() * MIXTURE.s();
        assertEquals(Math.sqrt(lambda), report.spectralSigma(), 0.03 * Math.sqrt(lambda));
    }

    /**
     * Between sigma_l, where the best-informed patch separates the modes, and sigma_c, where the
     * whole image does, the exact denoiser has committed to a mode and the local one has not: their
     * disagreement |D_g - D_l|^2 (the local model's excess error) peaks there.
     */
    /** Delta = disagreement / Var(x0), what the engine records live, peaks in the window and falls in both outer phases. */
    @Test
    void deltaPeaksInsideThePredictedWindowAndFallsOutside() {
        double lo = MIXTURE.localSpeciationSigma(RADIUS);
        double hi = MIXTURE.speciationSigma();
        double[] sigma = report.grid();
        double[] delta = report.delta();
        int peak = 0;
        for (int k = 1; k < delta.length; k++) {
            peak = delta[k] > delta[peak] ? k : peak;
        }
        assertTrue(sigma[peak] >= lo && sigma[peak] <= hi, "Delta peaks at sigma " + sigma[peak] + ", window [" + lo + ", " + hi + "]");
        assertTrue(delta[0] < 0.01 * delta[peak] && delta[delta.length - 1] < 0.05 * delta[peak],
                "Delta falls at both ends: " + delta[0] + ", " + delta[delta.length - 1] + " against " + delta[peak]);
    }

    @Test
    void disagreementPeaksInsideThePredictedWindow() {
        double lo = MIXTURE.localSpeciationSigma(RADIUS);
        double hi = MIXTURE.speciationSigma();
        assertTrue(lo > 1.0 && hi > 2 * lo, "the predicted window [" + lo + ", " + hi + "] is wide enough to test");
        double[] sigma = report.grid();
        double[] disagreement = report.errors().disagreement();
        int peak = 0;
        for (int k = 1; k < sigma.length; k++) {
            peak = disagreement[k] > disagreement[peak] ? k : peak;
        }
        assertTrue(sigma[peak] >= lo && sigma[peak] <= hi, "disagreement peaks at sigma " + sigma[peak]
                + ", outside the predicted window [" + lo + ", " + hi + "]");
        assertTrue(disagreement[0] < 1e-3 * disagreement[peak], "the data phase agrees in absolute terms");
        assertTrue(disagreement[sigma.length - 1] < 0.01 * disagreement[peak], "the trivial phase agrees in absolute terms");
    }

    /**
     * The normalised Delta is near 0 below the window but does not return to 0 above it: at high
     * noise both denoisers are linear in x and the patch sees only part of u, so Delta tends to
     * a^4 sum_i u_i^2 (1 - |u_P_i|^2) / ((a^2 + s^2)^2 + (d - 1) s^4) (derived in the linear regime:
     * D_g - D_l = k u_i (u - u_P_i).x, D_g = (s^2/v) x + k u (u.x), k = (1 - s^2/v) a^2 / v).
     */
    @Test
    void deltaIsNearZeroBelowTheWindowAndPlateausAboveIt() {
        double[] sigma = report.grid();
        double[] delta = report.errors().delta();
        double lo = MIXTURE.localSpeciationSigma(RADIUS);
        for (int k = 0; k < sigma.length && sigma[k] <= lo / 4; k++) {
            assertTrue(delta[k] < 0.02, "Delta(" + sigma[k] + ") = " + delta[k]);
        }
        double a2 = MIXTURE.a() * MIXTURE.a();
        double s2 = MIXTURE.s() * MIXTURE.s();
        double[] u = MIXTURE.direction();
        double unexplained = 0;
        for (int i = 0; i < u.length; i++) {
            unexplained += u[i] * u[i] * (1 - MIXTURE.patchWeight(i, RADIUS));
        }
        double plateau = a2 * a2 * unexplained / ((a2 + s2) * (a2 + s2) + (u.length - 1) * s2 * s2);
        assertEquals(plateau, delta[sigma.length - 1], 0.05 * plateau, "Delta at sigma 80");
    }

    @Test
    void planUsesTheGlobalModelAroundSpeciationOnly() {
        HybridPlan plan = report.plan();
        assertEquals(HybridPlan.WindowSource.GLOBAL_MODEL, plan.windowSource());
        assertTrue(plan.windowLo() < MIXTURE.speciationSigma() && plan.windowHi() > MIXTURE.speciationSigma(),
                "window [" + plan.windowLo() + ", " + plan.windowHi() + "] holds sigma_c " + MIXTURE.speciationSigma());
        assertEquals(LOCAL, plan.intervals().get(0).model(), "data phase: local");
        assertEquals(LOCAL, plan.intervals().get(plan.intervals().size() - 1).model(), "trivial phase: local");
        double[] sigma = report.grid();
        for (int k = 0; k < sigma.length; k++) {
            double exact = report.errors().mse(TwoGaussianMixture.EXACT_NAME)[k];
            double local = report.errors().mse(LOCAL)[k];
            String expected = local <= (1 + report.tolerance()) * exact ? LOCAL : TwoGaussianMixture.EXACT_NAME;
            assertEquals(expected, plan.chosen()[k], "sigma " + sigma[k]);
        }
        ScheduleEstimate s = report.schedule();
        assertTrue(s.globalSteps() > 0 && s.globalSteps() < s.steps());
        assertEquals(10.0 * 50 / (10.0 * s.globalSteps() + (50 - s.globalSteps())), s.speedUp(), 1e-9);
    }

    @Test
    void writesRouterPlanAndJson() throws Exception {
        RouterPlan plan = RouterPlan.read(out.resolve(RouterPlan.FILE_NAME));
        plan.checkModels(Map.of(TwoGaussianMixture.EXACT_NAME, ModelRole.GLOBAL, LOCAL, ModelRole.LOCAL),
                out.resolve(RouterPlan.FILE_NAME));
        assertEquals(report.plan().intervals(), plan.hybrid());
        assertEquals(report.plan().windowLo(), plan.windowLo());
        assertEquals(report.plan().windowHi(), plan.windowHi());
        assertEquals(CalibrationConfig.DEFAULT_TOLERANCE, plan.calibration().tolerance());
        assertEquals(report.schedule().globalShare(), plan.calibration().globalShare());
        assertEquals(200, plan.calibration().images());

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve(CalibrationReport.JSON_FILE)));
        assertEquals(40, json.get("grid").size());
        for (String model : models().keySet()) {
            assertEquals(40, json.get("x0_mse").get(model).size(), model);
        }
        assertEquals(40, json.get("delta").size());
        assertEquals(40, json.get("cmi").get("by_sigma").size());
        assertEquals(6, json.get("cmi").get("by_sigma").get(0).size());
        assertEquals(40, json.get("cmi").get("markov_length").size());
        assertEquals(1, json.get("data").get("class_pairs").size());
        assertEquals(report.spectralSigma(), json.get("data").get("sigma_s").asDouble());
        assertEquals(40, json.get("plan").get("chosen").size());
        assertEquals(report.schedule().speedUp(), json.get("plan").get("schedule").get("speed_up").asDouble());
        assertEquals(10e-3, json.get("costs").get("seconds_per_image").get(TwoGaussianMixture.EXACT_NAME).asDouble());
        assertFalse(Files.exists(out.resolve(CalibrationReport.PNG_FILE)), "the figure is the reports module's");

        String text = CalibrationSummary.text(report);
        assertTrue(text.contains("sigma_s") && text.contains("window") && text.contains(LOCAL), text);
    }

    @Test
    void badConfigurationNamesTheField(@TempDir Path folder) {
        LabelledImages data = MIXTURE.sample(10, 1);
        assertField("globalModel", () -> CalibrationConfig.of(models(), "global-unet", LOCAL, data, folder));
        assertField("localModel", () -> CalibrationConfig.of(models(), TwoGaussianMixture.EXACT_NAME,
                TwoGaussianMixture.EXACT_NAME, data, folder));
        CalibrationConfig ok = CalibrationConfig.of(models(), TwoGaussianMixture.EXACT_NAME, LOCAL, data, folder);
        assertField("tolerance", () -> ok.withTolerance(-0.1));
        assertField("images", () -> ok.withImages(0));
        assertField("costs", () -> ok.withCosts(Map.of(LOCAL, 1e-3)));
        assertField("grid.points", () -> ok.withGrid(new SigmaGrid(0.01, 80, 1)));
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config);
        assertTrue(e.getMessage().contains("field '" + field + "'"), e.getMessage());
    }
}
