package dev.phaseflow.loadtest.plans;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.pipeline.calibration.ModelCosts;
import dev.phaseflow.pipeline.sampling.Solver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Searches router plans by the quality of the samples they make, not by per-step error.
 *
 * <p>Every candidate is a model per step of one schedule (sigma-keyed when written out, see
 * {@link StepPlan}). It is scored by sampling the same {@code images} seeds under it and taking
 * the Frechet distance of the zoo classifier's features against the held-out images, relative
 * to the global-only plan on the same seeds; its cost is the measured per-model cost times the
 * evaluations it makes. The per-sigma error table only prunes: at each step the models whose x0
 * error is within {@code pruneTolerance} of the best there are candidates.
 *
 * <p>The search: the per-sigma tolerance rule at several tolerances gives seed plans spread along
 * the front; from the cheapest seed within budget (else the best one) a greedy walk tries moves —
 * a boundary between two runs of models shifted by one step, or a run handed to the next cheaper
 * candidate — and takes the one within budget that saves the most cost per unit of FD it adds,
 * until no move saves cost or the time is up. Every plan scored joins the Pareto front (speed-up
 * against FD ratio). The front's plans within budget are then sampled again on a disjoint seed set,
 * fastest first, with the reference ({@link FrontCheck}): the first within budget there too is
 * chosen, and its two FDs are the seed-to-seed spread a budget must exceed to mean anything.
 */
public final class PlanSearch {

    /** What the search reports as it goes. */
    public interface Listener {
        /** One more plan scored; {@code fraction} of the time limit is spent. */
        void scored(String phase, PlanScore score, int scoredSoFar, double fraction);
    }

    /**
     * @param images          samples per plan (the same seeds for every plan)
     * @param seed            the seed set plans are compared on
     * @param spreadSeed      a disjoint seed set for the spread of FD
     * @param maxFdRatio      the quality budget: FD ratio to global-only at most this
     * @param pruneTolerance  models within this relative x0 error of the best at a step are candidates there
     * @param seedTolerances  tolerances of the per-sigma rule that give the seed plans
     * @param timeLimitSeconds the whole search's time: the walk stops early enough to leave the spread its time
     *                        (the reference and the seed plans always run)
     * @param movesPerRound   the largest cost savings tried per round of the walk
     * @param maxBatch        images per model call
     * @param cacheBytes      memory for shared prefixes
     * @param checkLimit      front plans within budget sampled again on the spread seeds before one is chosen
     */
    public record Settings(int images, long seed, long spreadSeed, double maxFdRatio, double pruneTolerance,
                           List<Double> seedTolerances, double timeLimitSeconds, int movesPerRound, int maxBatch,
                           long cacheBytes, int checkLimit) {
        public Settings {
            if (images < 2) {
                throw new IllegalArgumentException("option '--search-images' must be at least 2, got " + images);
            }
            if (!(maxFdRatio > 0)) {
                throw new IllegalArgumentException("option '--max-fd-ratio' must be positive, got " + maxFdRatio);
            }
            if (seed == spreadSeed) {
                throw new IllegalArgumentException("the spread needs a seed set other than the search's, both are " + seed);
            }
            if (checkLimit < 1) {
                throw new IllegalArgumentException("the choice needs at least one plan checked on a second seed set, got "
                        + checkLimit);
            }
            seedTolerances = List.copyOf(seedTolerances);
        }

        public static Settings defaults() {
            return new Settings(1000, 1_000_003L, 2_000_003L, 1.05, 1.0, List.of(0.0, 0.02, 0.05, 0.1, 0.2, 0.35),
                    14 * 60, 8, 64, 2L << 30, 8);
        }

        public Settings withImages(int n) {
            return new Settings(n, seed, spreadSeed, maxFdRatio, pruneTolerance, seedTolerances, timeLimitSeconds,
                    movesPerRound, maxBatch, cacheBytes, checkLimit);
        }

        public Settings withMaxFdRatio(double r) {
            return new Settings(images, seed, spreadSeed, r, pruneTolerance, seedTolerances, timeLimitSeconds,
                    movesPerRound, maxBatch, cacheBytes, checkLimit);
        }

        public Settings withTimeLimit(double seconds) {
            return new Settings(images, seed, spreadSeed, maxFdRatio, pruneTolerance, seedTolerances, seconds,
                    movesPerRound, maxBatch, cacheBytes, checkLimit);
        }
    }

    /** The sampling problem: models, solver, schedule and image shape. */
    public record Problem(Map<String, Denoiser> models, String referenceModel, Solver solver, double[] sigmas,
                          int channels, int height, int width) {
        public Problem {
            models = Map.copyOf(models);
            sigmas = sigmas.clone();
            if (!models.containsKey(referenceModel)) {
                throw new IllegalArgumentException("the reference model '" + referenceModel + "' is not among " + models.keySet());
            }
        }
    }

    private final Problem problem;
    private final ErrorTable errors;
    private final ModelCosts costs;
    private final QualityScorer quality;
    private final Settings settings;
    private final int[] evaluationsPerStep;
    private final List<List<String>> candidates;
    private final Map<String, PlanScore> scored = new LinkedHashMap<>();
    private PlanSampler sampler;
    private double referenceFd;
    private double referenceCost;
    private long startNanos;
    private double walkDeadline;

    public PlanSearch(Problem problem, ErrorTable errors, ModelCosts costs, QualityScorer quality, Settings settings) {
        this.problem = problem;
        this.errors = errors;
        this.costs = costs;
        this.quality = quality;
        this.settings = settings;
        int steps = problem.sigmas().length - 1;
        this.evaluationsPerStep = new int[steps];
        for (int i = 0; i < steps; i++) {
            evaluationsPerStep[i] = problem.solver().evaluations(problem.sigmas(), i);
        }
        for (String m : errors.models()) {
            costs.of(m); // fails early, naming a model without a cost
        }
        this.candidates = candidates();
    }

    /** Models worth trying at each step, cheapest first: within pruneTolerance of the best x0 error there. */
    private List<List<String>> candidates() {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < problem.sigmas().length - 1; i++) {
            double sigma = problem.sigmas()[i];
            double best = errors.best(sigma);
            List<String> here = new ArrayList<>();
            for (String m : errors.models()) {
                if (problem.models().containsKey(m) && errors.at(m, sigma) <= best * (1 + settings.pruneTolerance())) {
                    here.add(m);
                }
            }
            if (!here.contains(problem.referenceModel())) {
                here.add(problem.referenceModel());
            }
            here.sort(Comparator.comparingDouble(costs::of));
            out.add(List.copyOf(here));
        }
        return out;
    }

    public PlanSearchResult run(Listener listener) {
        startNanos = System.nanoTime();
        sampler = newSampler(settings.seed());
        StepPlan reference = StepPlan.uniform(problem.sigmas(), problem.referenceModel());
        referenceCost = reference.cost(costs, evaluationsPerStep);
        referenceFd = quality.fd(sampler.sample(reference));
        // the spread at the end samples the reference again: leave it that much time, and a margin
        walkDeadline = settings.timeLimitSeconds() - 1.3 * elapsed();
        PlanScore referenceScore = score("reference", reference, listener);

        List<PlanScore> seeds = new ArrayList<>();
        for (double tolerance : settings.seedTolerances()) {
            seeds.add(score("seed plans", toleranceRule(tolerance), listener));
        }
        PlanScore current = cheapestWithin(seeds).orElse(seeds.stream()
                .min(Comparator.comparingDouble(PlanScore::fdRatio)).orElse(referenceScore));
        while (elapsed() < walkDeadline) {
            Optional<PlanScore> next = bestMove(current, listener);
            if (next.isEmpty()) {
                break;
            }
            current = next.get();
        }
        List<PlanScore> all = List.copyOf(scored.values());
        List<PlanScore> front = front(all);
        PlanSampler other = newSampler(settings.spreadSeed());
        double referenceFdOther = quality.fd(other.sample(reference));
        FrontCheck check = FrontCheck.run(front, other, referenceFdOther, quality, settings.maxFdRatio(),
                settings.checkLimit());
        PlanSearchResult.Spread spread = check.spread(front, other, quality, settings.seed(), referenceFd);
        return new PlanSearchResult(settings, problem.solver().id(), problem.sigmas().length - 1, problem.referenceModel(),
                referenceFd, referenceCost, all, front, check, spread, elapsed());
    }

    /** The per-sigma error rule on this schedule: the cheapest candidate within tolerance of the best error. */
    StepPlan toleranceRule(double tolerance) {
        String[] m = new String[problem.sigmas().length - 1];
        for (int i = 0; i < m.length; i++) {
            double sigma = problem.sigmas()[i];
            double best = errors.best(sigma);
            for (String c : candidates.get(i)) { // cheapest first
                if (errors.at(c, sigma) <= best * (1 + tolerance)) {
                    m[i] = c;
                    break;
                }
            }
            if (m[i] == null) {
                m[i] = problem.referenceModel();
            }
        }
        return new StepPlan(problem.sigmas(), m);
    }

    /** One round of the walk: the move within budget that saves the most cost per FD it adds. */
    private Optional<PlanScore> bestMove(PlanScore current, Listener listener) {
        boolean within = current.fdRatio() <= settings.maxFdRatio();
        // within budget: cheaper plans, largest saving first; over it: dearer plans, smallest addition first
        List<StepPlan> moves = new ArrayList<>(moves(current.plan()).stream()
                .filter(p -> within ? cost(p) < current.cost() : cost(p) > current.cost())
                .sorted(Comparator.comparingDouble(this::cost)).toList());
        PlanScore best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        int tried = 0;
        for (StepPlan p : moves) {
            if (tried >= settings.movesPerRound() || elapsed() >= walkDeadline) {
                break;
            }
            boolean fresh = !scored.containsKey(p.key());
            PlanScore s = score("walk", p, listener);
            tried += fresh ? 1 : 0;
            if (s.fdRatio() > settings.maxFdRatio()) {
                continue;
            }
            if (!within) {
                return Optional.of(s); // the cheapest way back into budget
            }
            double saved = current.cost() - s.cost();
            double added = Math.max(s.fdRatio() - current.fdRatio(), 0.002);
            double value = saved / added;
            if (value > bestValue) {
                bestValue = value;
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Boundary shifts by one step, and each run handed to the next cheaper or dearer candidate. */
    List<StepPlan> moves(StepPlan plan) {
        List<StepPlan> out = new ArrayList<>();
        List<int[]> segments = plan.segments();
        for (int k = 0; k + 1 < segments.size(); k++) {
            int[] upper = segments.get(k);
            int[] lower = segments.get(k + 1);
            String upperModel = plan.model(upper[0]);
            String lowerModel = plan.model(lower[0]);
            int edgeUp = upper[1] - 1;   // the upper run's lowest step
            int edgeDown = lower[0];     // the lower run's highest step
            if (candidates.get(edgeUp).contains(lowerModel)) {
                out.add(plan.with(edgeUp, lowerModel));
            }
            if (candidates.get(edgeDown).contains(upperModel)) {
                out.add(plan.with(edgeDown, upperModel));
            }
        }
        for (int[] s : segments) {
            out.add(handOver(plan, s, true));
            out.add(handOver(plan, s, false));
        }
        List<StepPlan> distinct = new ArrayList<>();
        for (StepPlan p : out) {
            if (!p.equals(plan) && !distinct.contains(p)) {
                distinct.add(p);
            }
        }
        return distinct;
    }

    /** The run's steps handed to the next cheaper (or dearer) candidate, where it is a candidate. */
    private StepPlan handOver(StepPlan plan, int[] run, boolean cheaper) {
        double own = costs.of(plan.model(run[0]));
        String next = null;
        for (String c : candidates.get(run[0])) {
            double cc = costs.of(c);
            boolean side = cheaper ? cc < own : cc > own;
            if (side && (next == null || (cheaper ? cc > costs.of(next) : cc < costs.of(next)))) {
                next = c;
            }
        }
        StepPlan p = plan;
        for (int i = run[0]; next != null && i < run[1]; i++) {
            if (candidates.get(i).contains(next)) {
                p = p.with(i, next);
            }
        }
        return p;
    }

    private double cost(StepPlan p) {
        return p.cost(costs, evaluationsPerStep);
    }

    private PlanScore score(String phase, StepPlan plan, Listener listener) {
        PlanScore known = scored.get(plan.key());
        if (known != null) {
            return known;
        }
        double fd = quality.fd(sampler.sample(plan));
        double cost = plan.cost(costs, evaluationsPerStep);
        PlanScore s = new PlanScore(plan, fd, fd / referenceFd, cost, referenceCost / cost,
                plan.evaluations(evaluationsPerStep));
        scored.put(plan.key(), s);
        listener.scored(phase, s, scored.size(), Math.min(1, elapsed() / settings.timeLimitSeconds()));
        return s;
    }

    private Optional<PlanScore> cheapestWithin(List<PlanScore> scores) {
        return cheapestWithin(scores, settings.maxFdRatio());
    }

    static Optional<PlanScore> cheapestWithin(List<PlanScore> scores, double maxFdRatio) {
        return scores.stream().filter(s -> s.fdRatio() <= maxFdRatio)
                .min(Comparator.comparingDouble(PlanScore::cost).thenComparingDouble(PlanScore::fdRatio));
    }

    /** The plans no other plan beats in both speed-up and FD ratio, fastest first. */
    static List<PlanScore> front(List<PlanScore> all) {
        List<PlanScore> out = new ArrayList<>();
        for (PlanScore s : all) {
            if (all.stream().noneMatch(o -> o.dominates(s))) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingDouble(PlanScore::speedUp).reversed());
        return out;
    }

    private PlanSampler newSampler(long seed) {
        return new PlanSampler(problem.models(), problem.solver(), problem.sigmas(), seed, settings.images(),
                problem.channels(), problem.height(), problem.width(), settings.maxBatch(), settings.cacheBytes());
    }

    private double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%+.1f%%", 100 * (ratio - 1));
    }
}
