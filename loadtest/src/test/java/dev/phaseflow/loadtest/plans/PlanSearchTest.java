package dev.phaseflow.loadtest.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.loadtest.quality.FeatureExtractor;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import dev.phaseflow.pipeline.calibration.ModelCosts;
import dev.phaseflow.pipeline.calibration.SigmaGrid;
import dev.phaseflow.pipeline.calibration.X0Errors;
import dev.phaseflow.pipeline.sampling.Solvers;
import dev.phaseflow.pipeline.schedule.Schedules;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan search on the two-Gaussian mixture, where the known best plan is the exact denoiser
 * over the window in which the radius-1 patch denoiser cannot tell the modes apart, and the
 * cheap patch denoiser everywhere else: the search must find a plan as cheap as the best one
 * that exhaustive enumeration finds within the same budget.
 */
class PlanSearchTest {
    static final TwoGaussianMixture DATA = new TwoGaussianMixture(8, 8, 3.0, 0.3);
    static final Denoiser EXACT = DATA.exactDenoiser();
    static final Denoiser LOCAL = DATA.localDenoiser(1);
    static final Map<String, Denoiser> MODELS = Map.of(EXACT.name(), EXACT, LOCAL.name(), LOCAL);
    static final ModelCosts COSTS = ModelCosts.given(Map.of(EXACT.name(), 1.0, LOCAL.name(), 0.1));
    static final double[] SIGMAS = Schedules.karras(12, 0.01, 40, 7);

    /** Pixel values as features; the mode as the class. */
    static final FeatureExtractor PIXELS = new FeatureExtractor() {
        public String name() {
            return "pixels";
        }

        public Features extract(ImageBatch images) {
            int[] classes = new int[images.count()];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = DATA.mode(images.image(i));
            }
            return new Features(images.count(), images.imageSize(), images.data().clone(), classes, 2);
        }
    };

    static PlanSearch search(double budget, double seconds) {
        double[] grid = new SigmaGrid(0.01, 40, 16).sigmas();
        X0Errors errors = X0Errors.measure(MODELS, DATA.sample(200, 5).images(), grid, EXACT.name(), LOCAL.name(), 9, 64);
        QualityScorer quality = new QualityScorer(PIXELS, PIXELS.extract(DATA.sample(2000, 3).images()).stats());
        PlanSearch.Settings settings = PlanSearch.Settings.defaults().withImages(400).withMaxFdRatio(budget)
                .withTimeLimit(seconds);
        return new PlanSearch(new PlanSearch.Problem(MODELS, EXACT.name(), Solvers.of("euler", 0), SIGMAS, 1, 8, 8),
                new ErrorTable(grid, errors.mse()), COSTS, quality, settings);
    }

    @Test
    void findsTheCheapestPlanWithinBudgetThatEnumerationFinds() {
        double budget = 1.10;
        PlanSearchResult result = search(budget, 120).run((phase, s, n, f) -> {});
        assertTrue(result.fastestWithinBudget().isPresent(), result.table());
        PlanScore chosen = result.fastestWithinBudget().get();
        assertTrue(chosen.fdRatio() <= budget, result.table());
        // the choice: the fastest plan of the front within budget on the search seeds and on the other seed set
        assertTrue(result.chosen().isPresent(), result.table());
        PlanScore verified = result.chosen().get();
        FrontCheck check = result.check();
        assertTrue(verified.fdRatio() <= budget && check.of(verified).orElseThrow().ratioOther() <= budget, result.table());
        assertEquals(verified, check.checks().get(check.checks().size() - 1).score(), "checking stops at the first pass");
        for (int k = 0; k + 1 < check.checks().size(); k++) {
            assertTrue(check.checks().get(k).ratioOther() > budget, result.table());
            assertTrue(check.checks().get(k).score().cost() <= check.checks().get(k + 1).score().cost(), result.table());
        }
        assertTrue(result.front().stream().filter(s -> s.fdRatio() <= budget && s.cost() < verified.cost() - 1e-9)
                .allMatch(s -> check.of(s).isPresent()), "every faster front plan within budget was checked\n" + result.table());
        assertEquals(check.referenceFdOther(), result.spread().referenceFdOther(), 1e-12);
        assertEquals(result.spread().plan(), verified.plan());

        // every plan "exact over steps [i, j), local elsewhere", scored the same way
        PlanSampler sampler = new PlanSampler(MODELS, Solvers.of("euler", 0), SIGMAS, result.settings().seed(), 400, 1, 8, 8,
                64, 64L << 20);
        QualityScorer quality = new QualityScorer(PIXELS, PIXELS.extract(DATA.sample(2000, 3).images()).stats());
        double referenceFd = quality.fd(sampler.sample(StepPlan.uniform(SIGMAS, EXACT.name())));
        assertEquals(result.referenceFd(), referenceFd, 1e-9, "the search's reference is the global-only plan");
        int steps = SIGMAS.length - 1;
        int[] perStep = new int[steps];
        java.util.Arrays.fill(perStep, 1);
        // no cheaper plan of that family stays within budget
        for (int i = 0; i < steps; i++) {
            for (int j = i; j <= steps; j++) {
                StepPlan p = StepPlan.uniform(SIGMAS, LOCAL.name()).with(i, j, EXACT.name());
                if (p.cost(COSTS, perStep) < chosen.cost() - 1e-9) {
                    double ratio = quality.fd(sampler.sample(p)) / referenceFd;
                    assertTrue(ratio > budget, p + " is cheaper than the search's " + chosen.plan() + " and within budget ("
                            + ratio + ")\n" + result.table());
                }
            }
        }
        assertTrue(chosen.speedUp() > 2, "the window is narrow on this mixture: most steps go local\n" + result.table());
        // the exact model is kept where the modes separate (between the local and the global speciation sigma)
        double sigmaC = DATA.speciationSigma();
        boolean exactNearSpeciation = false;
        for (int i = 0; i < steps; i++) {
            if (chosen.plan().model(i).equals(EXACT.name()) && SIGMAS[i] < 2 * sigmaC && SIGMAS[i] > DATA.localSpeciationSigma(1) / 2) {
                exactNearSpeciation = true;
            }
        }
        assertTrue(exactNearSpeciation, chosen.plan() + " should keep the exact model near sigma_c " + sigmaC);
        // the front is non-dominated and sorted fastest first
        for (int k = 1; k < result.front().size(); k++) {
            assertTrue(result.front().get(k - 1).speedUp() >= result.front().get(k).speedUp());
            assertTrue(result.front().get(k - 1).fdRatio() >= result.front().get(k).fdRatio());
        }
        assertTrue(result.toJson().path("front").size() == result.front().size());
    }

    @Test
    void anImpossibleBudgetNamesTheBestRatioReached() {
        PlanSearchResult result = search(0.5, 0).run((phase, s, n, f) -> {}); // seeds only
        assertTrue(result.chosen().isEmpty());
        String message = result.impossibleMessage();
        assertTrue(message.contains("--max-fd-ratio") && message.contains("0.500") && message.contains("best ratio reached"),
                message);
        assertTrue(message.contains(String.format(java.util.Locale.ROOT, "%.3f", result.bestQuality().fdRatio())), message);
        assertTrue(result.toJson().path("message").asText().equals(message));
    }

    @Test
    void aStepPlanIsSigmaKeyedAndReadsBackOnTheSameSchedule() {
        StepPlan p = StepPlan.uniform(SIGMAS, LOCAL.name()).with(3, 7, EXACT.name());
        assertEquals(3, p.intervals().size());
        assertEquals(0.0, p.intervals().get(0).lo());
        assertTrue(Double.isInfinite(p.intervals().get(2).hi()));
        assertEquals(p, StepPlan.of(SIGMAS, p.intervals()));
        assertEquals("local-r1 x3 > exact x4 > local-r1 x5", p.describe());
    }
}
