package org.qkdv2i.qkd.postprocessing.estimation;

/**
 * Observed (or modelled) gains and QBERs of the signal (μ) and weak decoy (ν) intensities and
 * the vacuum yield Y0, as used by the vacuum + weak decoy method (Ma, Qi, Zhao, Lo, PRA 72,
 * 012326, 2005).
 *
 * @param mu     signal mean photon number μ
 * @param nu     weak decoy mean photon number ν (ν &lt; μ)
 * @param gainMu Q_μ, detections per signal pulse (sifted basis)
 * @param qberMu E_μ
 * @param gainNu Q_ν
 * @param qberNu E_ν
 * @param y0     Y0, the vacuum gain (measured on the vacuum decoy)
 */
public record DecoyStatistics(double mu, double nu, double gainMu, double qberMu,
                              double gainNu, double qberNu, double y0) {
    public DecoyStatistics {
        if (!(mu > nu && nu > 0)) {
            throw new IllegalArgumentException("need mu > nu > 0");
        }
        if (gainMu < 0 || gainNu < 0 || y0 < 0 || qberMu < 0 || qberNu < 0) {
            throw new IllegalArgumentException("gains, QBERs and Y0 must be non-negative");
        }
    }

    /**
     * Expected statistics of the channel model in STANDARDS.md / Ma et al. §IV:
     * Q_μ = Y0 + 1 − e^(−ημ), E_μ Q_μ = e0 Y0 + e_det (1 − e^(−ημ)), e0 = ½.
     *
     * @param eta  overall transmittance η = η_Bob · T_channel
     * @param y0   background/dark yield Y0
     * @param eDet misalignment error probability e_det
     */
    public static DecoyStatistics model(double eta, double y0, double eDet, double mu, double nu) {
        return new DecoyStatistics(mu, nu, ChannelModel.gain(eta, y0, mu), ChannelModel.qber(eta, y0, eDet, mu),
                ChannelModel.gain(eta, y0, nu), ChannelModel.qber(eta, y0, eDet, nu), y0);
    }
}
