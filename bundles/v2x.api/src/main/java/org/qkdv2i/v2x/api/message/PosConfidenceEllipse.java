package org.qkdv2i.v2x.api.message;

/**
 * {@code PosConfidenceEllipse}: semi-axes as SemiAxisLength (0..4095, 1 cm; 4094 out of
 * range, 4095 unavailable) and the orientation of the major axis as HeadingValue (0..3601,
 * 0.1 degree from WGS84 north; 3601 unavailable).
 */
public record PosConfidenceEllipse(int semiMajorConfidence, int semiMinorConfidence, int semiMajorOrientation) {
    public static final int SEMI_AXIS_UNAVAILABLE = 4095;
    public static final int HEADING_UNAVAILABLE = 3601;
    /** Nothing known about the position's confidence. */
    public static final PosConfidenceEllipse UNAVAILABLE =
            new PosConfidenceEllipse(SEMI_AXIS_UNAVAILABLE, SEMI_AXIS_UNAVAILABLE, HEADING_UNAVAILABLE);

    public PosConfidenceEllipse {
        Check.range("semiMajorConfidence", semiMajorConfidence, 0, 4095);
        Check.range("semiMinorConfidence", semiMinorConfidence, 0, 4095);
        Check.range("semiMajorOrientation", semiMajorOrientation, 0, 3601);
    }
}
