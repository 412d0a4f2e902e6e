package org.qkdv2i.driver.sim.fso.internal.physics;

import java.util.Objects;

/**
 * The FSO link budget and the expected photon-counting statistics of one link in one weather,
 * by day or night. Immutable; a weather change builds a new model.
 *
 * <p>Bob has two detectors (active basis choice): a click in the window of a pulse is a
 * detection; background light is unpolarised and splits evenly over the two detectors.
 */
public final class ChannelModel {

    private static final double PLANCK = 6.62607015e-34;
    private static final double LIGHT_SPEED = 299_792_458.0;

    private final LinkParameters p;
    private final Weather weather;
    private final boolean daylight;
    private final Turbulence turbulence;

    public ChannelModel(LinkParameters p, Weather weather, boolean daylight) {
        this.p = Objects.requireNonNull(p, "parameters");
        this.weather = Objects.requireNonNull(weather, "weather");
        this.daylight = daylight;
        this.turbulence = new Turbulence(weather.cn2(daylight), p.wavelengthNm(), p.distanceM());
    }

    public LinkParameters parameters() {
        return p;
    }

    public Weather weather() {
        return weather;
    }

    public boolean daylight() {
        return daylight;
    }

    public Turbulence turbulence() {
        return turbulence;
    }

    /** η_geo = (D_R / (D_T + θ·L))², capped at 1 (STANDARDS.md "Free-space optical channel"). */
    public double geometric() {
        double spot = p.txApertureM() + p.divergenceRad() * p.distanceM();
        return Math.min(1, Math.pow(p.rxApertureM() / spot, 2));
    }

    /** Kim extinction and rain over the path ({@link Atmosphere}). */
    public double atmospheric() {
        return Atmosphere.transmittance(weather, p.wavelengthNm(), p.distanceM());
    }

    /**
     * Mean pointing efficiency under Gaussian jitter σ_j: transmitter θ²/(θ² + σ_j²), receiver
     * 1 − exp(−FOV²/(8σ_j²)) (STANDARDS.md "Free-space optical channel").
     */
    public double pointing() {
        double s2 = p.pointingJitterRad() * p.pointingJitterRad();
        if (s2 == 0) {
            return 1;
        }
        double th2 = p.divergenceRad() * p.divergenceRad();
        double tx = th2 / (th2 + s2);
        double rx = -Math.expm1(-p.rxFieldOfViewRad() * p.rxFieldOfViewRad() / (8 * s2));
        return tx * rx;
    }

    /** Mean transmittance from Alice's aperture to Bob's detector face (fading averages to 1). */
    public double channelTransmittance() {
        return geometric() * atmospheric() * pointing() * p.rxOpticsEfficiency();
    }

    /** η = η_Bob·T_channel (STANDARDS.md "BB84 with decoy states"): what a photon needs to click. */
    public double eta() {
        return channelTransmittance() * p.detectorEfficiency();
    }

    /** Channel loss before the detector, dB. */
    public double channelLossDb() {
        return -10 * Math.log10(channelTransmittance());
    }

    /**
     * Sky background detected, counts/s summed over both detectors: N = L_sky·Ω_FOV·A_R·Δλ/(hν)
     * ·η_rx·η_det with Ω_FOV = π(FOV/2)², A_R = π(D_R/2)² (radiometry of a diffuse source filling
     * the field of view; cf. Miao et al., New J. Phys. 7, 215 (2005)). L_sky is a clear-sky
     * value scaled by the weather and by the night factor.
     */
    public double backgroundCountsPerSecond() {
        double radiance = p.skyRadianceDay() * weather.skyRadianceFactor * (daylight ? 1 : p.nightSkyFactor());
        double omega = Math.PI * Math.pow(p.rxFieldOfViewRad() / 2, 2);
        double area = Math.PI * Math.pow(p.rxApertureM() / 2, 2);
        double photonEnergy = PLANCK * LIGHT_SPEED / (p.wavelengthNm() * 1e-9);
        return radiance * omega * area * p.filterBandwidthNm() / photonEnergy * p.rxOpticsEfficiency()
                * p.detectorEfficiency();
    }

    /** Probability of a noise click (dark + background + extra light) in one window of one detector. */
    public double noisePerDetector(double extraBackgroundCps) {
        double perDetector = p.darkCountRateHz() + (backgroundCountsPerSecond() + extraBackgroundCps) / 2;
        return -Math.expm1(-perDetector * p.coincidenceWindowNs() * 1e-9);
    }

    /** Y0: probability that Bob's two detectors give at least one noise click in a window. */
    public double y0() {
        double d = noisePerDetector(0);
        return 1 - (1 - d) * (1 - d);
    }

    /** Expected gain of intensity class {@code cls} ({@link DecoyTheory#gain}). */
    public double gain(int cls) {
        return DecoyTheory.gain(y0(), eta(), p.intensity(cls));
    }

    /** Expected QBER of intensity class {@code cls}. */
    public double qber(int cls) {
        return DecoyTheory.errorGain(y0(), eta(), p.intensity(cls), p.misalignment()) / gain(cls);
    }

    /** Asymptotic GLLP rate with true Y1, e1, per emitted pulse (signal fraction pMu carries key). */
    public double gllpRatePerPulse(double f) {
        return p.pMu() * DecoyTheory.gllpRate(p.siftingFactor(), y0(), eta(), p.mu(), p.misalignment(), f);
    }

    /** Asymptotic vacuum + weak decoy rate from the expected gains, per emitted pulse. */
    public double decoyRatePerPulse(double f) {
        double y0 = y0();
        return p.pMu() * DecoyTheory.decoyRate(p.siftingFactor(), p.mu(), p.nu(), gain(0),
                DecoyTheory.errorGain(y0, eta(), p.mu(), p.misalignment()), gain(1),
                DecoyTheory.errorGain(y0, eta(), p.nu(), p.misalignment()), y0, f);
    }

    /** Clicks per second per detector, before dead time. */
    public double clickRatePerDetector() {
        double perPulse = 0;
        for (int c = 0; c < 3; c++) {
            perPulse += p.classProbability(c) * gain(c);
        }
        return perPulse * p.sourceRateHz() / 2;
    }

    /** Fraction of time a non-paralysable detector is live: 1/(1 + Rτ) (Knoll, Radiation Detection, ch. 4). */
    public double deadTimeLiveFraction() {
        return 1 / (1 + clickRatePerDetector() * p.deadTimeNs() * 1e-9);
    }

    /** Expected secret key rate in bit/s: GLLP rate × source rate × live fraction. */
    public double expectedSecretKeyRate(double f) {
        return gllpRatePerPulse(f) * p.sourceRateHz() * deadTimeLiveFraction();
    }

    /** PLOB bound per pulse for the total transmittance η (detector included). */
    public double plobPerPulse() {
        return DecoyTheory.plob(eta());
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%.0f m %s %s: geo %.3g, atm %.3g, pointing %.3g, loss %.2f dB, eta %.3g, Y0 %.3g, sigmaR2 %.3g",
                p.distanceM(), weather, daylight ? "day" : "night", geometric(), atmospheric(), pointing(),
                channelLossDb(), eta(), y0(), turbulence.rytovVariance());
    }
}
