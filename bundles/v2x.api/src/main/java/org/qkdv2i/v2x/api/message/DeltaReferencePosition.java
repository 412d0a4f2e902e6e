package org.qkdv2i.v2x.api.message;

/**
 * {@code DeltaReferencePosition}: DeltaLatitude and DeltaLongitude (-131071..131072,
 * 0.1 microdegree; 131072 unavailable) and DeltaAltitude (-12700..12800, 1 cm; 12800
 * unavailable).
 */
public record DeltaReferencePosition(int deltaLatitude, int deltaLongitude, int deltaAltitude) {
    public DeltaReferencePosition {
        Check.range("deltaLatitude", deltaLatitude, -131071, 131072);
        Check.range("deltaLongitude", deltaLongitude, -131071, 131072);
        Check.range("deltaAltitude", deltaAltitude, -12700, 12800);
    }
}
