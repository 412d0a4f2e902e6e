package org.qkdv2i.driver.sim.fso.internal.physics;

/**
 * Weather profiles of an urban rooftop link. Numbers are typical values, not measurements
 * of a particular site:
 * <ul>
 * <li>visibility: Kim, McArthur, Korevaar, SPIE 4214 (2001) use V to set the extinction
 * coefficient (see {@link Atmosphere#kimExtinctionPerKm}); haze 2–10 km, light fog 0.5–1 km,
 * dense fog &lt; 0.1 km;</li>
 * <li>C_n²: urban rooftop turbulence 1e-15 (night) … 1e-13 (sunny day) m^(−2/3)
 * (STANDARDS.md "Free-space optical channel"; Andrews &amp; Phillips, Laser Beam Propagation
 * through Random Media, 2nd ed. 2005, ch. 12); fog and rain damp the day-time heating;</li>
 * <li>rain: wavelength-independent scattering, specific attenuation 1.076·R^0.67 dB/km
 * (Carbonneau's FSO rain model as quoted in ITU-R P.1814 §2.2) with R the rain rate in mm/h;</li>
 * <li>sky-radiance factor: diffuse day-light relative to a clear sky (haze and fog scatter
 * more sunlight into the receiver's field of view, heavy rain cloud darkens it).</li>
 * </ul>
 */
public enum Weather {
    CLEAR(23.0, 1e-15, 1e-14, 0.0, 1.0),
    HAZE(4.0, 2e-15, 2e-14, 0.0, 1.5),
    LIGHT_FOG(0.7, 1e-15, 5e-15, 0.0, 2.0),
    DENSE_FOG(0.05, 1e-15, 2e-15, 0.0, 2.0),
    RAIN(4.0, 2e-15, 5e-15, 12.5, 0.5);

    /** Meteorological visibility, km. */
    public final double visibilityKm;
    /** Refractive-index structure constant at night, m^(−2/3). */
    public final double cn2Night;
    /** Refractive-index structure constant by day, m^(−2/3). */
    public final double cn2Day;
    /** Rain rate, mm/h (0 when dry). */
    public final double rainRateMmPerHour;
    /** Day-time sky radiance relative to a clear sky. */
    public final double skyRadianceFactor;

    Weather(double visibilityKm, double cn2Night, double cn2Day, double rainRateMmPerHour, double skyRadianceFactor) {
        this.visibilityKm = visibilityKm;
        this.cn2Night = cn2Night;
        this.cn2Day = cn2Day;
        this.rainRateMmPerHour = rainRateMmPerHour;
        this.skyRadianceFactor = skyRadianceFactor;
    }

    public double cn2(boolean daylight) {
        return daylight ? cn2Day : cn2Night;
    }
}
