package org.qkdv2i.driver.sim.fso.internal.physics;

/**
 * Closed forms of decoy-state BB84 used to check the simulation and to report what the link
 * should do. These are the physics side's expectations; the driver's own parameter estimation
 * and key length come from the post-processing library (bundles/qkd.postprocessing).
 */
public final class DecoyTheory {

    /** Error rate of a background click (random outcome). */
    public static final double E0 = 0.5;

    private DecoyTheory() {
    }

    /** Binary entropy H2(x) in bits; 0 at 0 and 1. */
    public static double h2(double x) {
        if (x <= 0 || x >= 1) {
            return 0;
        }
        return -x * log2(x) - (1 - x) * log2(1 - x);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Gain Q = Y0 + 1 − e^(−ημ) (Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), eq. 2; STANDARDS.md). */
    public static double gain(double y0, double eta, double mu) {
        return y0 + 1 - Math.exp(-eta * mu);
    }

    /** E·Q = e0·Y0 + e_det·(1 − e^(−ημ)) (Ma et al. 2005, eq. 3). */
    public static double errorGain(double y0, double eta, double mu, double eDet) {
        return E0 * y0 + eDet * (1 - Math.exp(-eta * mu));
    }

    /** Single-photon yield Y1 = Y0 + η − Y0·η (Ma et al. 2005, eq. 1 with n = 1). */
    public static double y1(double y0, double eta) {
        return y0 + eta - y0 * eta;
    }

    /** Single-photon error rate e1 = (e0·Y0 + e_det·η)/Y1. */
    public static double e1(double y0, double eta, double eDet) {
        return (E0 * y0 + eDet * eta) / y1(y0, eta);
    }

    /**
     * GLLP key rate per signal pulse with the true Y1, e1 (asymptotic, infinite decoys):
     * R = q{−Q_μ f H2(E_μ) + Q1[1 − H2(e1)]}, Q1 = Y1 μ e^(−μ) (Gottesman, Lo, Lütkenhaus,
     * Preskill, QIC 4, 325 (2004); Ma et al. 2005 eq. 4). Never negative.
     */
    public static double gllpRate(double q, double y0, double eta, double mu, double eDet, double f) {
        double qMu = gain(y0, eta, mu);
        double eMu = errorGain(y0, eta, mu, eDet) / qMu;
        double q1 = y1(y0, eta) * mu * Math.exp(-mu);
        return Math.max(0, q * (-qMu * f * h2(eMu) + q1 * (1 - h2(e1(y0, eta, eDet)))));
    }

    /**
     * Lower bound of Y1 from vacuum + weak decoy (Ma et al. 2005, eq. 34; STANDARDS.md):
     * Y1_L = μ/(μν−ν²)·[Q_ν e^ν − Q_μ e^μ ν²/μ² − (μ²−ν²)/μ²·Y0].
     */
    public static double y1Lower(double mu, double nu, double qMu, double qNu, double y0) {
        return mu / (mu * nu - nu * nu)
                * (qNu * Math.exp(nu) - qMu * Math.exp(mu) * nu * nu / (mu * mu) - (mu * mu - nu * nu) / (mu * mu) * y0);
    }

    /** Upper bound of e1: e1_U = (E_ν Q_ν e^ν − e0 Y0)/(Y1_L ν) (Ma et al. 2005, eq. 37). */
    public static double e1Upper(double nu, double eNuQNu, double y0, double y1Lower) {
        if (y1Lower <= 0) {
            return 0.5;
        }
        return Math.min(0.5, Math.max(0, (eNuQNu * Math.exp(nu) - E0 * y0) / (y1Lower * nu)));
    }

    /**
     * Key rate per signal pulse from measured (or expected) gains with the vacuum + weak decoy
     * bounds: R = q{−Q_μ f H2(E_μ) + Q1_L[1 − H2(e1_U)]}, Q1_L = Y1_L μ e^(−μ) (Ma et al. 2005,
     * eq. 38). Never negative.
     */
    public static double decoyRate(double q, double mu, double nu, double qMu, double eMuQMu, double qNu,
            double eNuQNu, double y0, double f) {
        if (qMu <= 0) {
            return 0;
        }
        double y1L = y1Lower(mu, nu, qMu, qNu, y0);
        if (y1L <= 0) {
            return 0;
        }
        double e1U = e1Upper(nu, eNuQNu, y0, y1L);
        double q1L = y1L * mu * Math.exp(-mu);
        return Math.max(0, q * (-qMu * f * h2(eMuQMu / qMu) + q1L * (1 - h2(e1U))));
    }

    /**
     * PLOB bound −log2(1−η): secret bits per channel use of a pure-loss channel of transmittance η
     * (Pirandola, Laurenza, Ottaviani, Banchi, Nat. Commun. 8, 15043 (2017)).
     */
    public static double plob(double eta) {
        if (eta >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        return -Math.log1p(-eta) / Math.log(2);
    }

    /** TGW bound log2((1+η)/(1−η)) (Takeoka, Guha, Wilde, Nat. Commun. 5, 5235 (2014)). */
    public static double tgw(double eta) {
        return log2((1 + eta) / (1 - eta));
    }
}
