package org.qkdv2i.driver.sim.fso.internal.physics;

/**
 * Everything the physics of one link needs: optics, detector, decoy source. SI units unless
 * the name says otherwise. Defaults ({@link #defaults()}) describe a 300 m urban rooftop link
 * at 1550 nm: 10 mm transmit beam with 1 mrad divergence, 50 mm receive lens with 100 µrad
 * field of view and a 1 nm filter, gated InGaAs detectors (25 %, 500 c/s dark, 1 µs hold-off),
 * 1 GHz decoy source μ = 0.5, ν = 0.1, vacuum. With these numbers the 135 m link loses
 * ≈ 17 dB (AirQKD reported 15.9 dB at 135 m, STANDARDS.md) and the 300 m link ≈ 23 dB.
 */
public record LinkParameters(
        double wavelengthNm,
        double distanceM,
        double txApertureM,
        double rxApertureM,
        double divergenceRad,
        double pointingJitterRad,
        double rxFieldOfViewRad,
        double rxOpticsEfficiency,
        double filterBandwidthNm,
        double skyRadianceDay,
        double nightSkyFactor,
        double detectorEfficiency,
        double darkCountRateHz,
        double coincidenceWindowNs,
        double deadTimeNs,
        double misalignment,
        double sourceRateHz,
        double mu,
        double nu,
        double omega,
        double pMu,
        double pNu,
        double pOmega,
        double aliceZ,
        double bobZ,
        double coherenceTimeMs) {

    public LinkParameters {
        positive(wavelengthNm, "wavelengthNm");
        positive(distanceM, "distanceM");
        positive(txApertureM, "txApertureM");
        positive(rxApertureM, "rxApertureM");
        nonNegative(divergenceRad, "divergenceRad");
        nonNegative(pointingJitterRad, "pointingJitterRad");
        positive(rxFieldOfViewRad, "rxFieldOfViewRad");
        probability(rxOpticsEfficiency, "rxOpticsEfficiency");
        positive(filterBandwidthNm, "filterBandwidthNm");
        nonNegative(skyRadianceDay, "skyRadianceDay");
        probability(nightSkyFactor, "nightSkyFactor");
        probability(detectorEfficiency, "detectorEfficiency");
        nonNegative(darkCountRateHz, "darkCountRateHz");
        positive(coincidenceWindowNs, "coincidenceWindowNs");
        nonNegative(deadTimeNs, "deadTimeNs");
        if (!(misalignment >= 0 && misalignment <= 0.5)) {
            throw new IllegalArgumentException("misalignment must be in [0, 0.5], got " + misalignment);
        }
        positive(sourceRateHz, "sourceRateHz");
        if (coincidenceWindowNs * 1e-9 * sourceRateHz > 1.0000001) {
            throw new IllegalArgumentException("coincidenceWindowNs must fit in one pulse period");
        }
        if (!(mu > nu && nu > omega && omega >= 0)) {
            throw new IllegalArgumentException("intensities need mu > nu > omega >= 0, got " + mu + ", " + nu + ", " + omega);
        }
        if (mu > 5) {
            throw new IllegalArgumentException("mu above 5 photons per pulse is not a weak coherent source");
        }
        probability(pMu, "pMu");
        probability(pNu, "pNu");
        probability(pOmega, "pOmega");
        if (Math.abs(pMu + pNu + pOmega - 1) > 1e-9 || pMu == 0) {
            throw new IllegalArgumentException("pMu + pNu + pOmega must be 1 with pMu > 0");
        }
        probability(aliceZ, "aliceZ");
        probability(bobZ, "bobZ");
        positive(coherenceTimeMs, "coherenceTimeMs");
    }

    /** The 300 m, 1550 nm urban rooftop link described above. */
    public static LinkParameters defaults() {
        return new LinkParameters(1550, 300, 0.01, 0.05, 1e-3, 20e-6, 100e-6, 0.7, 1.0, 1.5e-3, 1e-3,
                0.25, 500, 0.5, 1000, 0.01, 1e9, 0.5, 0.1, 0, 0.8, 0.15, 0.05, 0.5, 0.5, 1.0);
    }

    public LinkParameters withDistance(double m) {
        return new LinkParameters(wavelengthNm, m, txApertureM, rxApertureM, divergenceRad, pointingJitterRad,
                rxFieldOfViewRad, rxOpticsEfficiency, filterBandwidthNm, skyRadianceDay, nightSkyFactor,
                detectorEfficiency, darkCountRateHz, coincidenceWindowNs, deadTimeNs, misalignment, sourceRateHz,
                mu, nu, omega, pMu, pNu, pOmega, aliceZ, bobZ, coherenceTimeMs);
    }

    public LinkParameters withDetector(double efficiency, double darkHz, double deadNs, double eDet) {
        return new LinkParameters(wavelengthNm, distanceM, txApertureM, rxApertureM, divergenceRad, pointingJitterRad,
                rxFieldOfViewRad, rxOpticsEfficiency, filterBandwidthNm, skyRadianceDay, nightSkyFactor,
                efficiency, darkHz, coincidenceWindowNs, deadNs, eDet, sourceRateHz,
                mu, nu, omega, pMu, pNu, pOmega, aliceZ, bobZ, coherenceTimeMs);
    }

    public LinkParameters withReceiverOptics(double efficiency) {
        return new LinkParameters(wavelengthNm, distanceM, txApertureM, rxApertureM, divergenceRad, pointingJitterRad,
                rxFieldOfViewRad, efficiency, filterBandwidthNm, skyRadianceDay, nightSkyFactor,
                detectorEfficiency, darkCountRateHz, coincidenceWindowNs, deadTimeNs, misalignment, sourceRateHz,
                mu, nu, omega, pMu, pNu, pOmega, aliceZ, bobZ, coherenceTimeMs);
    }

    public LinkParameters withSource(double rateHz, double mu, double nu, double omega, double pMu, double pNu,
            double pOmega) {
        return new LinkParameters(wavelengthNm, distanceM, txApertureM, rxApertureM, divergenceRad, pointingJitterRad,
                rxFieldOfViewRad, rxOpticsEfficiency, filterBandwidthNm, skyRadianceDay, nightSkyFactor,
                detectorEfficiency, darkCountRateHz, coincidenceWindowNs, deadTimeNs, misalignment, rateHz,
                mu, nu, omega, pMu, pNu, pOmega, aliceZ, bobZ, coherenceTimeMs);
    }

    public LinkParameters withOptics(double txApertureM, double rxApertureM, double divergenceRad,
            double pointingJitterRad) {
        return new LinkParameters(wavelengthNm, distanceM, txApertureM, rxApertureM, divergenceRad, pointingJitterRad,
                rxFieldOfViewRad, rxOpticsEfficiency, filterBandwidthNm, skyRadianceDay, nightSkyFactor,
                detectorEfficiency, darkCountRateHz, coincidenceWindowNs, deadTimeNs, misalignment, sourceRateHz,
                mu, nu, omega, pMu, pNu, pOmega, aliceZ, bobZ, coherenceTimeMs);
    }

    /** Photon number per pulse of intensity class 0 (μ), 1 (ν), 2 (ω). */
    public double intensity(int cls) {
        return cls == 0 ? mu : cls == 1 ? nu : omega;
    }

    public double classProbability(int cls) {
        return cls == 0 ? pMu : cls == 1 ? pNu : pOmega;
    }

    /** Sifting factor: both choose Z or both choose X; key from both bases. */
    public double siftingFactor() {
        return aliceZ * bobZ + (1 - aliceZ) * (1 - bobZ);
    }

    /** Dead time in pulse periods. */
    public long deadTimePulses() {
        return (long) Math.ceil(deadTimeNs * 1e-9 * sourceRateHz);
    }

    /** Pulses per turbulence coherence time (the fading sample is held for this long). */
    public long pulsesPerCoherenceTime() {
        return Math.max(1, (long) (coherenceTimeMs * 1e-3 * sourceRateHz));
    }

    private static void positive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    private static void nonNegative(double v, String name) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
    }

    private static void probability(double v, String name) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
        }
    }
}
