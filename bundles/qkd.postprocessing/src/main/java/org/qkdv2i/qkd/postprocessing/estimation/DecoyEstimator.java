package org.qkdv2i.qkd.postprocessing.estimation;

import org.qkdv2i.qkd.postprocessing.Entropy;

/**
 * Asymptotic parameter estimation for vacuum + weak decoy BB84 (Ma, Qi, Zhao, Lo, PRA 72,
 * 012326, 2005, §III.B "vacuum + weak decoy state").
 */
public final class DecoyEstimator {
    private DecoyEstimator() {
    }

    /**
     * Y1_L = μ/(μν − ν²)·[Q_ν e^ν − Q_μ e^μ ν²/μ² − (μ² − ν²)/μ²·Y0]      (Ma et al. §III.B, vacuum + weak decoy),
     * e1_U = (E_ν Q_ν e^ν − e0 Y0)/(Y1_L ν)                              (ibid., single-photon error bound),
     * Q1_L = Y1_L μ e^(−μ)                                                (ibid.).
     */
    public static DecoyBounds bounds(DecoyStatistics s) {
        double mu = s.mu(), nu = s.nu();
        double y1 = mu / (mu * nu - nu * nu)
                * (s.gainNu() * Math.exp(nu) - s.gainMu() * Math.exp(mu) * nu * nu / (mu * mu)
                   - (mu * mu - nu * nu) / (mu * mu) * s.y0());
        y1 = Math.max(0, Math.min(1, y1));
        double e1;
        if (y1 <= 0) {
            e1 = 0.5;
        } else {
            e1 = (s.qberNu() * s.gainNu() * Math.exp(nu) - ChannelModel.E0 * s.y0()) / (y1 * nu);
            e1 = Math.max(0, Math.min(0.5, e1));
        }
        return new DecoyBounds(y1, e1, y1 * mu * Math.exp(-mu));
    }

    /**
     * Key rate per pulse, R ≥ q{−Q_μ f H2(E_μ) + Q1_L[1 − H2(e1_U)]} (GLLP rate as in Ma et al. §II, with
     * the bounds above); 0 when negative.
     *
     * @param q sifting factor (½ for symmetric BB84; the signal fraction may be folded in here)
     * @param f error-correction inefficiency (≥ 1)
     */
    public static double keyRate(DecoyStatistics s, double q, double f) {
        DecoyBounds b = bounds(s);
        double r = q * (-s.gainMu() * f * Entropy.h(s.qberMu()) + b.q1Lower() * (1 - Entropy.h(b.e1Upper())));
        return Math.max(0, r);
    }

    /**
     * The same rate with the true single-photon quantities of the channel model (infinite decoy
     * states, GLLP with exact Y1, e1): the upper limit a decoy estimate can reach.
     */
    public static double keyRateExact(double eta, double y0, double eDet, double mu, double q, double f) {
        double qmu = ChannelModel.gain(eta, y0, mu), emu = ChannelModel.qber(eta, y0, eDet, mu);
        double q1 = ChannelModel.y1(eta, y0) * mu * Math.exp(-mu);
        double r = q * (-qmu * f * Entropy.h(emu) + q1 * (1 - Entropy.h(ChannelModel.e1(eta, y0, eDet))));
        return Math.max(0, r);
    }
}
