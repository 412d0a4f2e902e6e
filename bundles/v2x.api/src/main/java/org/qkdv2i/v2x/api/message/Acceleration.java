package org.qkdv2i.v2x.api.message;

/**
 * {@code LongitudinalAcceleration}, {@code LateralAcceleration} and
 * {@code VerticalAcceleration} share one shape: the value (-160..161, 0.1 m/s²; 161
 * unavailable; sign per the DE: forward, left and up are positive) and
 * AccelerationConfidence (0..102, 0.1 m/s²; 101 out of range, 102 unavailable).
 */
public record Acceleration(int value, int confidence) {
    public static final int VALUE_UNAVAILABLE = 161;
    public static final int CONFIDENCE_UNAVAILABLE = 102;
    public static final Acceleration UNAVAILABLE = new Acceleration(VALUE_UNAVAILABLE, CONFIDENCE_UNAVAILABLE);

    public Acceleration {
        Check.range("accelerationValue", value, -160, 161);
        Check.range("accelerationConfidence", confidence, 0, 102);
    }

    /** m/s², NaN when unavailable. */
    public double metresPerSecondSquared() {
        return value == VALUE_UNAVAILABLE ? Double.NaN : value / 10.0;
    }
}
