package org.qkdv2i.v2x.api.message;

/**
 * {@code Altitude}: AltitudeValue (-100000..800001, 1 cm above the WGS84 ellipsoid; 800001
 * unavailable) and AltitudeConfidence (ENUMERATED 0..15: alt-000-01 .. alt-200-00,
 * 14 outOfRange, 15 unavailable).
 */
public record Altitude(int value, int confidence) {
    public static final int VALUE_UNAVAILABLE = 800001;
    public static final int CONFIDENCE_UNAVAILABLE = 15;
    public static final Altitude UNAVAILABLE = new Altitude(VALUE_UNAVAILABLE, CONFIDENCE_UNAVAILABLE);

    public Altitude {
        Check.range("altitudeValue", value, -100000, 800001);
        Check.range("altitudeConfidence", confidence, 0, 15);
    }

    /** Metres above the ellipsoid, NaN when unavailable. */
    public double metres() {
        return value == VALUE_UNAVAILABLE ? Double.NaN : value / 100.0;
    }
}
