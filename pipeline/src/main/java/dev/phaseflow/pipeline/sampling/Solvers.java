package dev.phaseflow.pipeline.sampling;

import dev.phaseflow.models.ImageBatch;
import java.util.List;

/** The solvers, by id. Each is a few lines on top of {@link Step}'s shared arithmetic. */
public final class Solvers {
    public static final List<String> IDS = List.of("euler", "heun", "dpmpp-2m", "euler-ancestral");

    private Solvers() {}

    /** The solver of an id; {@code eta} is the ancestral noise scale (euler-ancestral only). */
    public static Solver of(String id, double eta) {
        return switch (id) {
            case "euler" -> new Euler();
            case "heun" -> new Heun();
            case "dpmpp-2m" -> new DpmPp2M();
            case "euler-ancestral" -> new EulerAncestral(eta);
            default -> throw new IllegalArgumentException("unknown solver '" + id + "' (expected " + String.join(", ", IDS) + ")");
        };
    }

    /** Euler on the probability-flow ODE; the deterministic DDIM update. */
    public record Euler() implements Solver {
        public String id() { return "euler"; }

        public ImageBatch advance(Step s) {
            return Step.alongDirection(s.x(), s.x0(0), (s.nextSigma() - s.sigma()) / s.sigma());
        }
    }

    /** Heun's second-order method (Karras et al. 2022, Algorithm 1 without churn); Euler on the last step to 0. */
    public record Heun() implements Solver {
        public String id() { return "heun"; }

        public int evaluations(double[] sigmas, int i) {
            return sigmas[i + 1] > 0 ? 2 : 1;
        }

        public Evaluation point(Step s, int k) {
            return new Evaluation(euler(s), s.nextSigma());
        }

        public ImageBatch advance(Step s) {
            if (s.nextSigma() == 0) {
                return euler(s);
            }
            // x + dt (d0 + d1) / 2 with d0 = (x - x0_0) / sigma, d1 = (x_e - x0_1) / sigma'; x_e is the predictor
            // the run kept from point(), not computed again
            double dt = s.nextSigma() - s.sigma();
            ImageBatch xe = s.evaluation(1).x();
            float[] x = s.x().data();
            float[] a = s.x0(0).data();
            float[] e = xe.data();
            float[] b = s.x0(1).data();
            float c0 = (float) (dt / (2 * s.sigma()));
            float c1 = (float) (dt / (2 * s.nextSigma()));
            float[] out = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i] + c0 * (x[i] - a[i]) + c1 * (e[i] - b[i]);
            }
            return Step.like(s.x(), out);
        }

        private static ImageBatch euler(Step s) {
            return Step.alongDirection(s.x(), s.x0(0), (s.nextSigma() - s.sigma()) / s.sigma());
        }
    }

    /**
     * DPM-Solver++(2M) (Lu et al. 2022), data-prediction multistep form as in k-diffusion. The
     * second-order correction uses the previous step's x0; when that came from another model
     * (a route switch) the history describes a different denoiser, so the step restarts first-order.
     */
    public record DpmPp2M() implements Solver {
        public String id() { return "dpmpp-2m"; }

        public ImageBatch advance(Step s) {
            if (s.nextSigma() == 0) {
                return s.x0(0);
            }
            double h = Math.log(s.sigma() / s.nextSigma());
            double ratio = s.nextSigma() / s.sigma();
            double weight = -Math.expm1(-h);
            ImageBatch denoised = s.x0(0);
            if (s.index() > 0 && s.historyFromSameModel()) {
                double hLast = Math.log(s.previousSigma() / s.sigma());
                double r = hLast / h;
                denoised = Step.combine(1 + 1 / (2 * r), s.x0(0), -1 / (2 * r), s.previousX0().orElseThrow());
            }
            return Step.combine(ratio, s.x(), weight, denoised);
        }
    }

    /** Euler ancestral: a deterministic step to sigma_down, then fresh noise of scale sigma_up (eta 0 is Euler). */
    public record EulerAncestral(double eta) implements Solver {
        public EulerAncestral {
            if (!(eta >= 0) || eta > 1) {
                throw new IllegalArgumentException("eta must be in [0, 1], got " + eta);
            }
        }

        public String id() { return "euler-ancestral"; }

        public boolean stochastic() { return eta > 0; }

        public ImageBatch advance(Step s) {
            double from = s.sigma();
            double to = s.nextSigma();
            double up = Math.min(to, eta * Math.sqrt(to * to * (from * from - to * to) / (from * from)));
            double down = Math.sqrt(to * to - up * up);
            ImageBatch x = Step.alongDirection(s.x(), s.x0(0), (down - from) / from);
            return to > 0 && up > 0 ? Step.addScaled(x, up, s.noise()) : x;
        }
    }
}
