package org.qkdv2i.v2x.api.message;

/**
 * {@code Curvature}: CurvatureValue (-1023..1023, 10^-4 per metre, i.e. 10000 / radius in
 * metres, left turns positive; 0 straight, 1023 unavailable) and CurvatureConfidence
 * (ENUMERATED 0..7, 6 outOfRange, 7 unavailable).
 */
public record Curvature(int value, int confidence) {
    public static final int VALUE_UNAVAILABLE = 1023;
    public static final int CONFIDENCE_UNAVAILABLE = 7;

    public Curvature {
        Check.range("curvatureValue", value, -1023, 1023);
        Check.range("curvatureConfidence", confidence, 0, 7);
    }
}
