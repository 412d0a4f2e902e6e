package org.qkdv2i.qkd.postprocessing.estimation;

import org.qkdv2i.qkd.postprocessing.Entropy;

/**
 * Secret key length of decoy-state BB84 with finite blocks: Lim, Curty, Walenta, Xu, Zbinden,
 * "Concise security bounds for practical decoy-state quantum key distribution", PRA 89, 022307
 * (2014), Eqs. (1)–(5). Their X basis is our key basis, their Z basis our test basis.
 */
public final class FiniteKeyEstimator {
    private FiniteKeyEstimator() {
    }

    /**
     * ℓ = ⌊s_{X,0} + s_{X,1} − s_{X,1} h(φ_X) − λ_EC − 6 log2(21/ε_sec) − log2(2/ε_cor)⌋ (Eq. (1)).
     *
     * @param leakEc λ_EC, the bits disclosed by error correction (e.g. Cascade's parities and
     *               any verification tag bits beyond log2(2/ε_cor))
     */
    public static FiniteKeyResult estimate(FiniteKeyParameters p, FiniteKeyStatistics s, double leakEc) {
        return compute(p, s, leakEc, true);
    }

    /**
     * The same bounds with every statistical correction removed (no Hoeffding/Serfling terms, no
     * ε terms): the asymptotic limit the finite-key length approaches as the block grows.
     */
    public static FiniteKeyResult asymptotic(FiniteKeyParameters p, FiniteKeyStatistics s, double leakEc) {
        return compute(p, s, leakEc, false);
    }

    private static FiniteKeyResult compute(FiniteKeyParameters p, FiniteKeyStatistics s, double leakEc,
                                           boolean finite) {
        double lnTerm = Math.log(21 / p.epsSec());
        double s0x = s0(p, s.keyCounts(), s.keyTotal(), lnTerm, finite);
        double s1x = s1(p, s.keyCounts(), s.keyTotal(), s0x, lnTerm, finite);
        double s0z = s0(p, s.testCounts(), s.testTotal(), lnTerm, finite);
        double s1z = s1(p, s.testCounts(), s.testTotal(), s0z, lnTerm, finite);
        double tau1 = tau(p, 1);
        // Eq. (4): v_{Z,1} ≤ τ1 (m+_{Z,2} − m−_{Z,3}) / (μ2 − μ3)
        double mTot = s.testErrorTotal();
        double v1z = tau1 * (hoeffding(p, 1, s.testErrors()[1], mTot, lnTerm, finite, +1)
                - hoeffding(p, 2, s.testErrors()[2], mTot, lnTerm, finite, -1)) / (p.mu2() - p.mu3());
        v1z = Math.max(0, v1z);
        double phi;
        if (s1z <= 0 || s1x <= 0) {
            phi = 0.5;
        } else {
            double ratio = Math.min(0.5, v1z / s1z);
            // Eq. (5): φ_X ≤ v_{Z,1}/s_{Z,1} + γ(ε_sec, v_{Z,1}/s_{Z,1}, s_{Z,1}, s_{X,1}) — the
            // random-sampling (Serfling-type) correction for estimating X from Z.
            phi = finite ? ratio + gamma(p.epsSec(), ratio, s1z, s1x) : ratio;
            phi = Math.min(0.5, phi);
        }
        double ell = s0x + s1x - s1x * Entropy.h(phi) - leakEc;
        if (finite) {
            ell -= 6 * Entropy.log2(21 / p.epsSec()) + Entropy.log2(2 / p.epsCor());
        }
        long len = ell > 0 && Double.isFinite(ell) ? (long) Math.floor(ell) : 0;
        return new FiniteKeyResult(s0x, s1x, s1z, v1z, phi, leakEc, len);
    }

    /** τ_n = Σ_k e^(−μk) μk^n p_k / n!, the probability that n photons are sent (Lim et al. §III). */
    static double tau(FiniteKeyParameters p, int n) {
        double t = 0;
        double fact = n == 0 ? 1 : n == 1 ? 1 : 2;
        for (int k = 0; k < 3; k++) {
            t += Math.exp(-p.mu(k)) * Math.pow(p.mu(k), n) * p.p(k) / fact;
        }
        return t;
    }

    /**
     * n^±_k = e^(μk)/p_k · [n_k ± sqrt(n/2 · ln(21/ε_sec))] (Lim et al., Hoeffding bound below Eq. (2)),
     * where n is the total count of the basis.
     */
    static double hoeffding(FiniteKeyParameters p, int k, double nk, double total, double lnTerm,
                            boolean finite, int sign) {
        double delta = finite ? Math.sqrt(total / 2 * lnTerm) : 0;
        return Math.exp(p.mu(k)) / p.p(k) * (nk + sign * delta);
    }

    /** Eq. (2): s_0 ≥ τ0 (μ2 n−_3 − μ3 n+_2)/(μ2 − μ3). */
    private static double s0(FiniteKeyParameters p, long[] n, long total, double ln, boolean finite) {
        double v = tau(p, 0) * (p.mu2() * hoeffding(p, 2, n[2], total, ln, finite, -1)
                - p.mu3() * hoeffding(p, 1, n[1], total, ln, finite, +1)) / (p.mu2() - p.mu3());
        return Math.max(0, v);
    }

    /**
     * Eq. (3): s_1 ≥ τ1 μ1 [n−_2 − n+_3 − (μ2² − μ3²)/μ1² (n+_1 − s_0/τ0)] / [μ1(μ2 − μ3) − μ2² + μ3²].
     */
    private static double s1(FiniteKeyParameters p, long[] n, long total, double s0, double ln, boolean finite) {
        double mu1 = p.mu1(), mu2 = p.mu2(), mu3 = p.mu3();
        double bracket = hoeffding(p, 1, n[1], total, ln, finite, -1)
                - hoeffding(p, 2, n[2], total, ln, finite, +1)
                - (mu2 * mu2 - mu3 * mu3) / (mu1 * mu1) * (hoeffding(p, 0, n[0], total, ln, finite, +1) - s0 / tau(p, 0));
        double v = tau(p, 1) * mu1 * bracket / (mu1 * (mu2 - mu3) - mu2 * mu2 + mu3 * mu3);
        return Math.max(0, v);
    }

    /**
     * γ(a, b, c, d) = sqrt[(c+d)(1−b)b/(c d ln 2) · log2((c+d)/(c d (1−b) b) · 21²/a²)] (Lim et al., below Eq. (5)).
     */
    static double gamma(double a, double b, double c, double d) {
        if (b <= 0 || b >= 1) {
            // b → 0: the bound degenerates; use the b of one error event to stay conservative
            b = Math.min(0.5, Math.max(1 / c, 1e-12));
        }
        double arg = (c + d) / (c * d * (1 - b) * b) * (21.0 * 21.0) / (a * a);
        double v = (c + d) * (1 - b) * b / (c * d * Math.log(2)) * Entropy.log2(arg);
        return v > 0 ? Math.sqrt(v) : 0;
    }

    /** λ_EC for an error-correction code of efficiency f: f · n · h(Q). */
    public static double leakEstimate(long n, double qber, double f) {
        return f * n * Entropy.h(qber);
    }
}
