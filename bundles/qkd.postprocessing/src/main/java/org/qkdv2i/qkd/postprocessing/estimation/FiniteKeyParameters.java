package org.qkdv2i.qkd.postprocessing.estimation;

/**
 * Protocol parameters of the finite-key analysis of Lim, Curty, Walenta, Xu, Zbinden, PRA 89,
 * 022307 (2014): three intensities μ1 &gt; μ2 + μ3, μ2 &gt; μ3 ≥ 0 sent with probabilities p1, p2, p3.
 *
 * @param mu1    signal intensity μ1
 * @param mu2    weak decoy μ2
 * @param mu3    second decoy (vacuum or nearly, μ3 ≥ 0)
 * @param p1     probability of μ1
 * @param p2     probability of μ2
 * @param p3     probability of μ3
 * @param epsSec secrecy parameter ε_sec
 * @param epsCor correctness parameter ε_cor
 */
public record FiniteKeyParameters(double mu1, double mu2, double mu3, double p1, double p2, double p3,
                                  double epsSec, double epsCor) {
    public FiniteKeyParameters {
        if (!(mu1 > mu2 + mu3 && mu2 > mu3 && mu3 >= 0)) {
            throw new IllegalArgumentException("need mu1 > mu2 + mu3, mu2 > mu3 >= 0 (Lim et al. 2014)");
        }
        if (!(p1 > 0 && p2 > 0 && p3 > 0) || Math.abs(p1 + p2 + p3 - 1) > 1e-9) {
            throw new IllegalArgumentException("intensity probabilities must be positive and sum to 1");
        }
        if (!(epsSec > 0 && epsSec < 1 && epsCor > 0 && epsCor < 1)) {
            throw new IllegalArgumentException("epsilons must lie in (0,1)");
        }
    }

    /** Typical values of Lim et al. 2014 (Fig. 1 caption region): ε_sec = 1e-9, ε_cor = 1e-15. */
    public static FiniteKeyParameters of(double mu1, double mu2, double mu3, double p1, double p2, double p3) {
        return new FiniteKeyParameters(mu1, mu2, mu3, p1, p2, p3, 1e-9, 1e-15);
    }

    double mu(int k) {
        return k == 0 ? mu1 : k == 1 ? mu2 : mu3;
    }

    double p(int k) {
        return k == 0 ? p1 : k == 1 ? p2 : p3;
    }
}
