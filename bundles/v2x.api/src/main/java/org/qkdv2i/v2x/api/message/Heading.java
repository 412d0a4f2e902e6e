package org.qkdv2i.v2x.api.message;

/**
 * {@code Heading}: HeadingValue (0..3601, 0.1 degree clockwise from WGS84 north; 3601
 * unavailable) and HeadingConfidence (1..127, 0.1 degree; 126 out of range, 127 unavailable).
 */
public record Heading(int value, int confidence) {
    public static final int VALUE_UNAVAILABLE = 3601;
    public static final int CONFIDENCE_UNAVAILABLE = 127;

    public Heading {
        Check.range("headingValue", value, 0, 3601);
        Check.range("headingConfidence", confidence, 1, 127);
    }

    /** Degrees clockwise from north, NaN when unavailable. */
    public double degrees() {
        return value == VALUE_UNAVAILABLE ? Double.NaN : value / 10.0;
    }
}
