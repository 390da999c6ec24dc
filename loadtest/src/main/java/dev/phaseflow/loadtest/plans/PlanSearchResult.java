package dev.phaseflow.loadtest.plans;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a plan search found.
 *
 * @param settings      how it searched
 * @param solver        solver of the search schedule
 * @param steps         steps of the search schedule
 * @param referenceModel the global-only plan's model
 * @param referenceFd   its FD on the search seeds
 * @param referenceCost its seconds per image
 * @param scored        every plan scored, in order
 * @param front         the Pareto front (speed-up against FD ratio), fastest first
 * @param check         the front's plans within budget sampled again on a disjoint seed set; its choice is
 *                      the fastest plan within budget on both seed sets
 * @param spread        the seed-to-seed spread, measured on the chosen plan (else the last one checked, else the
 *                      front's fastest) and the reference
 * @param seconds       wall time of the search
 */
public record PlanSearchResult(PlanSearch.Settings settings, String solver, int steps, String referenceModel,
                               double referenceFd, double referenceCost, List<PlanScore> scored, List<PlanScore> front,
                               FrontCheck check, Spread spread, double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One plan and the reference on two disjoint seed sets.
     *
     * @param plan        the plan measured
     * @param seed        the search's seed set
     * @param otherSeed   the disjoint one
     */
    public record Spread(StepPlan plan, long seed, long otherSeed, double planFd, double planFdOther, double referenceFd,
                         double referenceFdOther) {
        /** |FD_a - FD_b| over their mean, for the plan. */
        public double planRelative() {
            return Math.abs(planFd - planFdOther) / ((planFd + planFdOther) / 2);
        }

        /** The same for the reference plan. */
        public double referenceRelative() {
            return Math.abs(referenceFd - referenceFdOther) / ((referenceFd + referenceFdOther) / 2);
        }

        public double ratio() {
            return planFd / referenceFd;
        }

        public double ratioOther() {
            return planFdOther / referenceFdOther;
        }
    }

    /** The fastest plan within budget on both seed sets, if any. */
    public Optional<PlanScore> chosen() {
        return check.chosen();
    }

    /** The fastest plan within budget on the search seeds alone, if any. */
    public Optional<PlanScore> fastestWithinBudget() {
        return PlanSearch.cheapestWithin(scored, settings.maxFdRatio());
    }

    /** The plan with the lowest FD ratio of all scored (what an impossible budget is told). */
    public PlanScore bestQuality() {
        return scored.stream().min(java.util.Comparator.comparingDouble(PlanScore::fdRatio)).orElseThrow();
    }

    /** Why no plan was chosen: names the budget and the best ratio reached (on the second seed set, when checked). */
    public String impossibleMessage() {
        if (fastestWithinBudget().isPresent() && !check.checks().isEmpty()) {
            FrontCheck.Check best = check.checks().stream()
                    .min(java.util.Comparator.comparingDouble(FrontCheck.Check::ratioOther)).orElseThrow();
            return String.format(Locale.ROOT, "no plan reaches an FD ratio of %.3f or less (option '--max-fd-ratio') on both "
                    + "seed sets: %d plan(s) within budget on seeds %d were sampled again on seeds %d, the best ratio reached "
                    + "there was %.3f by %s at %.2fx; raise the budget to at least %.3f", settings.maxFdRatio(),
                    check.checks().size(), settings.seed(), check.otherSeed(), best.ratioOther(),
                    best.score().plan().describe(), best.score().speedUp(), Math.ceil(best.ratioOther() * 1000) / 1000);
        }
        PlanScore best = bestQuality();
        return String.format(Locale.ROOT, "no plan reaches an FD ratio of %.3f or less (option '--max-fd-ratio'): the best "
                + "ratio reached was %.3f (FD %.2f against global-only %.2f, %d images) by %s at %.2fx; raise the budget "
                + "to at least %.3f", settings.maxFdRatio(), best.fdRatio(), best.fd(), referenceFd, settings.images(),
                best.plan().describe(), best.speedUp(), Math.ceil(best.fdRatio() * 1000) / 1000);
    }

    /** The front as a console table. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "plan search (%s %d steps, %d images per plan, %d plans in %.0f s; "
                        + "global-only FD %.2f):%n", solver, steps, settings.images(), scored.size(), seconds, referenceFd));
        b.append(String.format(Locale.ROOT, "  %8s  %9s  %8s  %s%n", "speed-up", "FD ratio", "FD", "plan (high sigma to low)"));
        for (PlanScore s : front) {
            boolean pick = chosen().isPresent() && chosen().get() == s;
            b.append(String.format(Locale.ROOT, "%s %7.2fx  %9.3f  %8.2f  %s%n", pick ? "*" : " ", s.speedUp(), s.fdRatio(),
                    s.fd(), s.plan().describe()));
        }
        for (FrontCheck.Check c : check.checks()) {
            b.append(String.format(Locale.ROOT, "  checked on seeds %d: %7.2fx  FD ratio %.3f there (%.3f on the search "
                    + "seeds): %s%n", check.otherSeed(), c.score().speedUp(), c.ratioOther(), c.score().fdRatio(),
                    c.within() ? "within budget" : "over budget"));
        }
        b.append(String.format(Locale.ROOT, "  seed-to-seed spread (seeds %d vs %d): FD %.2f vs %.2f (%.1f%%) for the plan, "
                        + "%.2f vs %.2f (%.1f%%) for global-only; FD ratio %.3f vs %.3f%n", spread.seed(), spread.otherSeed(),
                spread.planFd(), spread.planFdOther(), 100 * spread.planRelative(), spread.referenceFd(),
                spread.referenceFdOther(), 100 * spread.referenceRelative(), spread.ratio(), spread.ratioOther()));
        b.append(chosen().map(c -> String.format(Locale.ROOT, "  chosen (budget FD ratio <= %.3f on both seed sets): %s, "
                + "%.2fx, FD ratio %.3f and %.3f%n", settings.maxFdRatio(), c.plan().describe(), c.speedUp(), c.fdRatio(),
                check.of(c).orElseThrow().ratioOther())).orElse("  " + impossibleMessage() + "\n"));
        return b.toString();
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("criterion", "Frechet distance of the classifier's features against the held-out images, relative to "
                + "global-only on the same seeds");
        root.put("solver", solver);
        root.put("steps", steps);
        root.put("images", settings.images());
        root.put("seed", settings.seed());
        root.put("max_fd_ratio", settings.maxFdRatio());
        root.put("prune_tolerance", settings.pruneTolerance());
        root.put("seconds", Math.round(seconds * 10) / 10.0);
        root.put("plans_scored", scored.size());
        ObjectNode ref = root.putObject("reference");
        ref.put("model", referenceModel);
        ref.put("fd", referenceFd);
        ref.put("seconds_per_image", referenceCost);
        root.set("spread", spreadJson(spread));
        ArrayNode f = root.putArray("front");
        front.forEach(s -> f.add(score(s)));
        root.set("check", checkJson(check));
        chosen().ifPresentOrElse(c -> root.set("chosen", score(c)), () -> root.put("message", impossibleMessage()));
        return root;
    }

    static ObjectNode spreadJson(Spread spread) {
        ObjectNode sp = JSON.createObjectNode();
        sp.put("plan", spread.plan().describe());
        sp.put("other_seed", spread.otherSeed());
        sp.put("plan_fd", spread.planFd());
        sp.put("plan_fd_other_seeds", spread.planFdOther());
        sp.put("plan_relative", spread.planRelative());
        sp.put("reference_fd", spread.referenceFd());
        sp.put("reference_fd_other_seeds", spread.referenceFdOther());
        sp.put("reference_relative", spread.referenceRelative());
        sp.put("fd_ratio", spread.ratio());
        sp.put("fd_ratio_other_seeds", spread.ratioOther());
        return sp;
    }

    /** The choice's check on the second seed set: what was sampled again and how it fared. */
    static ObjectNode checkJson(FrontCheck check) {
        ObjectNode n = JSON.createObjectNode();
        n.put("rule", "the front's plans within budget, fastest first, sampled again on the other seed set: the first "
                + "within budget there too is chosen");
        n.put("other_seed", check.otherSeed());
        n.put("reference_fd_other_seeds", check.referenceFdOther());
        ArrayNode a = n.putArray("plans");
        for (FrontCheck.Check c : check.checks()) {
            ObjectNode e = a.addObject();
            e.put("describe", c.score().plan().describe());
            e.put("speed_up", c.score().speedUp());
            e.put("fd_ratio", c.score().fdRatio());
            e.put("fd_other_seeds", c.fdOther());
            e.put("fd_ratio_other_seeds", c.ratioOther());
            e.put("within_budget", c.within());
        }
        return n;
    }

    static ObjectNode score(PlanScore s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("speed_up", s.speedUp());
        n.put("fd_ratio", s.fdRatio());
        n.put("fd", s.fd());
        n.put("seconds_per_image", s.cost());
        n.put("describe", s.plan().describe());
        ObjectNode ev = n.putObject("evaluations");
        for (Map.Entry<String, Integer> e : s.evaluations().entrySet()) {
            ev.put(e.getKey(), e.getValue());
        }
        n.set("intervals", RouterPlan.intervalsJson(s.plan().intervals()));
        return n;
    }
}
