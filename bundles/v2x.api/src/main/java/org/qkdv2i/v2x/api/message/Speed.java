package org.qkdv2i.v2x.api.message;

/**
 * {@code Speed}: SpeedValue (0..16383, 1 cm/s; 16383 unavailable) and SpeedConfidence
 * (1..127, 1 cm/s; 126 out of range, 127 unavailable).
 */
public record Speed(int value, int confidence) {
    public static final int VALUE_UNAVAILABLE = 16383;
    public static final int CONFIDENCE_UNAVAILABLE = 127;

    public Speed {
        Check.range("speedValue", value, 0, 16383);
        Check.range("speedConfidence", confidence, 1, 127);
    }

    /** Metres per second, NaN when unavailable. */
    public double metresPerSecond() {
        return value == VALUE_UNAVAILABLE ? Double.NaN : value / 100.0;
    }
}
