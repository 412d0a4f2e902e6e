package org.qkdv2i.v2x.api.message;

/**
 * J2735 {@code PositionalAccuracy}: semiMajor and semiMinor (0..255, 5 cm; 254 out of range,
 * 255 unavailable) and orientation (0..65535, 360/65535 degree; 65535 unavailable).
 */
public record PositionalAccuracy(int semiMajor, int semiMinor, int orientation) {
    public static final PositionalAccuracy UNAVAILABLE = new PositionalAccuracy(255, 255, 65535);

    public PositionalAccuracy {
        Check.range("semiMajor", semiMajor, 0, 255);
        Check.range("semiMinor", semiMinor, 0, 255);
        Check.range("orientation", orientation, 0, 65535);
    }
}
