package org.qkdv2i.driver.sim.fso.internal.physics;

/** Atmospheric extinction of a horizontal path. */
public final class Atmosphere {

    private Atmosphere() {
    }

    /**
     * Kim model: β = (3.91/V)·(λ/550 nm)^−q per km with q from the visibility V
     * (Kim, McArthur, Korevaar, SPIE 4214, 26 (2001); STANDARDS.md "Free-space optical channel").
     */
    public static double kimExtinctionPerKm(double visibilityKm, double wavelengthNm) {
        if (!(visibilityKm > 0)) {
            throw new IllegalArgumentException("visibility must be positive, got " + visibilityKm);
        }
        return 3.91 / visibilityKm * Math.pow(wavelengthNm / 550.0, -kimQ(visibilityKm));
    }

    /** Kim's size-distribution exponent q(V). */
    static double kimQ(double v) {
        if (v > 50) {
            return 1.6;
        } else if (v > 6) {
            return 1.3;
        } else if (v > 1) {
            return 0.16 * v + 0.34;
        } else if (v > 0.5) {
            return v - 0.5;
        }
        return 0;
    }

    /** Specific rain attenuation 1.076·R^0.67 dB/km (Carbonneau, as in ITU-R P.1814 §2.2). */
    public static double rainDbPerKm(double rainRateMmPerHour) {
        return rainRateMmPerHour <= 0 ? 0 : 1.076 * Math.pow(rainRateMmPerHour, 0.67);
    }

    /** Transmittance of {@code distanceM} metres in {@code weather}: Beer–Lambert exp(−βL) times rain loss. */
    public static double transmittance(Weather weather, double wavelengthNm, double distanceM) {
        double km = distanceM / 1000.0;
        double kim = Math.exp(-kimExtinctionPerKm(weather.visibilityKm, wavelengthNm) * km);
        double rain = Math.pow(10, -rainDbPerKm(weather.rainRateMmPerHour) * km / 10);
        return kim * rain;
    }
}
