package dev.phaseflow.loadtest.plans;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The choice of a plan, checked on a second seed set. The fastest plan within budget on the search
 * seeds is, among many plans scored with noise, also the one whose noise was kindest (a selection
 * effect: on Fashion-MNIST the chosen plan's FD ratio went from 1.013 to 1.079 on other seeds). So
 * the front's plans within budget are sampled again, fastest first, on a disjoint seed set, and the
 * first that is within budget there too is chosen.
 *
 * @param otherSeed         the disjoint seed set
 * @param referenceFdOther  global-only's FD on it
 * @param checks            the plans sampled there, fastest first
 * @param chosen            the first within budget on both seed sets, if any
 */
public record FrontCheck(long otherSeed, double referenceFdOther, List<Check> checks, Optional<PlanScore> chosen) {

    /** One plan on the second seed set. */
    public record Check(PlanScore score, double fdOther, double ratioOther, boolean within) {}

    public FrontCheck {
        checks = List.copyOf(checks);
    }

    /**
     * @param front      the Pareto front (any order)
     * @param other      a sampler on the disjoint seed set
     * @param referenceFdOther global-only's FD on that seed set
     * @param limit      at most this many plans are sampled again
     */
    public static FrontCheck run(List<PlanScore> front, PlanSampler other, double referenceFdOther, QualityScorer quality,
                                 double maxFdRatio, int limit) {
        List<PlanScore> candidates = front.stream().filter(s -> s.fdRatio() <= maxFdRatio)
                .sorted(Comparator.comparingDouble(PlanScore::cost).thenComparingDouble(PlanScore::fdRatio)).toList();
        List<Check> checks = new ArrayList<>();
        for (PlanScore s : candidates) {
            if (checks.size() >= limit) {
                break;
            }
            double fd = quality.fd(other.sample(s.plan()));
            double ratio = fd / referenceFdOther;
            checks.add(new Check(s, fd, ratio, ratio <= maxFdRatio));
            if (ratio <= maxFdRatio) {
                return new FrontCheck(other.seed(), referenceFdOther, checks, Optional.of(s));
            }
        }
        return new FrontCheck(other.seed(), referenceFdOther, checks, Optional.empty());
    }

    /**
     * The seed-to-seed spread: the chosen plan (else the last one checked, else the front's fastest)
     * and global-only on the search seeds and on the other seed set; a plan not checked is sampled there.
     */
    public PlanSearchResult.Spread spread(List<PlanScore> front, PlanSampler other, QualityScorer quality, long seed,
                                          double referenceFd) {
        PlanScore measured = chosen.orElse(checks.isEmpty() ? front.get(0) : checks.get(checks.size() - 1).score());
        double fdOther = of(measured).map(Check::fdOther).orElseGet(() -> quality.fd(other.sample(measured.plan())));
        return new PlanSearchResult.Spread(measured.plan(), seed, otherSeed, measured.fd(), fdOther, referenceFd,
                referenceFdOther);
    }

    /** The check of a plan, if it was sampled again. */
    public Optional<Check> of(PlanScore s) {
        return checks.stream().filter(c -> c.score().plan().equals(s.plan())).findFirst();
    }
}
