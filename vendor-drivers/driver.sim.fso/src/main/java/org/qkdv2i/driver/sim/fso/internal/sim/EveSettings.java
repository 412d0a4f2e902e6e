package org.qkdv2i.driver.sim.fso.internal.sim;

/**
 * What an eavesdropper on the emulated channel does.
 *
 * @param interceptFraction fraction of arriving pulses Eve measures in a random basis and resends
 *                          (intercept-resend; adds ≈ fraction/4 to the QBER, STANDARDS.md)
 * @param photonNumberSplitting Eve splits one photon off every multi-photon pulse, forwards the
 *                          rest over a lossless channel and blocks single photons as far as needed to
 *                          keep Bob's signal gain unchanged (Brassard, Lütkenhaus, Mor, Sanders, PRL
 *                          85, 1330 (2000)); the decoy gains reveal it (Hwang, PRL 91, 057901 (2003))
 * @param floodCps          extra light Eve shines into Bob's receiver, detected counts/s (denial of service)
 * @param blockFraction     fraction of batches in which Eve blocks the beam (denial of service)
 */
public record EveSettings(double interceptFraction, boolean photonNumberSplitting, double floodCps,
        double blockFraction) {

    public static final EveSettings NONE = new EveSettings(0, false, 0, 0);

    public EveSettings {
        if (!(interceptFraction >= 0 && interceptFraction <= 1)) {
            throw new IllegalArgumentException("interceptFraction must be in [0, 1], got " + interceptFraction);
        }
        if (!(floodCps >= 0) || Double.isInfinite(floodCps)) {
            throw new IllegalArgumentException("floodCps must not be negative, got " + floodCps);
        }
        if (!(blockFraction >= 0 && blockFraction <= 1)) {
            throw new IllegalArgumentException("blockFraction must be in [0, 1], got " + blockFraction);
        }
    }

    public boolean active() {
        return interceptFraction > 0 || photonNumberSplitting || floodCps > 0 || blockFraction > 0;
    }
}
