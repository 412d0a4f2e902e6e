package org.qkdv2i.driver.sim.fso.internal.physics;

import java.util.random.RandomGenerator;

/**
 * Irradiance fading by atmospheric turbulence, normalised to mean 1.
 *
 * <p>Rytov variance of a plane wave σ_R² = 1.23·C_n²·k^(7/6)·L^(11/6) (Andrews &amp; Phillips,
 * Laser Beam Propagation through Random Media, 2nd ed., eq. 8.29; STANDARDS.md). Weak regime
 * (σ_R² &lt; 1): log-normal irradiance with σ_lnI² = ln(1 + σ_I²), σ_I² ≈ σ_R²; stronger:
 * gamma-gamma with α, β of Andrews &amp; Phillips eq. 9.88/9.89 (plane wave, zero inner scale).
 * Aperture averaging is not modelled (conservative for the small apertures of a rooftop link).
 */
public final class Turbulence {

    private final double rytovVariance;
    private final boolean logNormal;
    private final double sigmaLn;
    private final double alpha;
    private final double beta;

    public Turbulence(double cn2, double wavelengthNm, double distanceM) {
        double k = 2 * Math.PI / (wavelengthNm * 1e-9);
        this.rytovVariance = 1.23 * cn2 * Math.pow(k, 7.0 / 6) * Math.pow(distanceM, 11.0 / 6);
        this.logNormal = rytovVariance < 1;
        this.sigmaLn = Math.sqrt(Math.log1p(rytovVariance));
        double s125 = Math.pow(rytovVariance, 1.2); // σ_R^(12/5) = (σ_R²)^(6/5)
        this.alpha = 1 / (Math.exp(0.49 * rytovVariance / Math.pow(1 + 1.11 * s125, 7.0 / 6)) - 1);
        this.beta = 1 / (Math.exp(0.51 * rytovVariance / Math.pow(1 + 0.69 * s125, 5.0 / 6)) - 1);
    }

    public double rytovVariance() {
        return rytovVariance;
    }

    public boolean isLogNormal() {
        return logNormal;
    }

    /** Gamma-gamma large-scale parameter α (Andrews &amp; Phillips eq. 9.88). */
    public double alpha() {
        return alpha;
    }

    /** Gamma-gamma small-scale parameter β (Andrews &amp; Phillips eq. 9.89). */
    public double beta() {
        return beta;
    }

    /** Scintillation index of the model used: σ_I² (log-normal) or 1/α + 1/β + 1/(αβ) (gamma-gamma). */
    public double scintillationIndex() {
        return logNormal ? Math.expm1(sigmaLn * sigmaLn) : 1 / alpha + 1 / beta + 1 / (alpha * beta);
    }

    /** One fading sample I (mean 1): one coherence time of the channel. */
    public double sample(RandomGenerator rng) {
        if (rytovVariance <= 0) {
            return 1;
        }
        if (logNormal) {
            // I = exp(σ Z − σ²/2) has mean 1 and variance e^(σ²) − 1 = σ_I²
            return Math.exp(sigmaLn * rng.nextGaussian() - sigmaLn * sigmaLn / 2);
        }
        // gamma-gamma: product of two unit-mean gamma variates (Andrews & Phillips §9.7)
        return Samplers.gamma(rng, alpha) / alpha * Samplers.gamma(rng, beta) / beta;
    }
}
