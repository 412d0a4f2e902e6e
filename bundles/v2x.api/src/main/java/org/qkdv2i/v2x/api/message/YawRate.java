package org.qkdv2i.v2x.api.message;

/**
 * {@code YawRate}: YawRateValue (-32766..32767, 0.01 degree/s, left positive; 32767
 * unavailable) and YawRateConfidence (ENUMERATED 0..8: degSec-000-01 .. degSec-100-00,
 * 7 outOfRange, 8 unavailable).
 */
public record YawRate(int value, int confidence) {
    public static final int VALUE_UNAVAILABLE = 32767;
    public static final int CONFIDENCE_UNAVAILABLE = 8;

    public YawRate {
        Check.range("yawRateValue", value, -32766, 32767);
        Check.range("yawRateConfidence", confidence, 0, 8);
    }

    /** Degrees per second (left positive), NaN when unavailable. */
    public double degreesPerSecond() {
        return value == VALUE_UNAVAILABLE ? Double.NaN : value / 100.0;
    }
}
