package org.qkdv2i.qkd.postprocessing.estimation;

/**
 * The standard BB84 channel model with a weak coherent source (Ma, Qi, Zhao, Lo, PRA 72, 012326,
 * 2005, §IV); useful to drive simulations and to check estimators against known truth.
 */
public final class ChannelModel {
    /** Error rate of a background (random) count. */
    public static final double E0 = 0.5;

    private ChannelModel() {
    }

    /** Gain Q_μ = Y0 + 1 − e^(−ημ) (Ma et al. §IV channel model, as in STANDARDS.md). */
    public static double gain(double eta, double y0, double mu) {
        return y0 + 1 - Math.exp(-eta * mu);
    }

    /** QBER E_μ from E_μ Q_μ = e0 Y0 + e_det (1 − e^(−ημ)) (Ma et al. §IV). */
    public static double qber(double eta, double y0, double eDet, double mu) {
        return (E0 * y0 + eDet * (1 - Math.exp(-eta * mu))) / gain(eta, y0, mu);
    }

    /** True single-photon yield Y1 = Y0 + η_1 with η_1 = η (Ma et al. §IV, i = 1, the Y0·η term neglected as in the gain). */
    public static double y1(double eta, double y0) {
        return y0 + eta;
    }

    /** True single-photon error rate e1 = (e0 Y0 + e_det η)/Y1 (Ma et al. §IV, i = 1). */
    public static double e1(double eta, double y0, double eDet) {
        return (E0 * y0 + eDet * eta) / y1(eta, y0);
    }
}
