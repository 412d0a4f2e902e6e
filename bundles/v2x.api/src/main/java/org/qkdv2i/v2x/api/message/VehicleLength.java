package org.qkdv2i.v2x.api.message;

/**
 * {@code VehicleLength}: VehicleLengthValue (1..1023, 10 cm; 1022 out of range, 1023
 * unavailable) and VehicleLengthConfidenceIndication (ENUMERATED 0..4: noTrailerPresent,
 * trailerPresentWithKnownLength, trailerPresentWithUnknownLength, trailerPresenceIsUnknown,
 * unavailable).
 */
public record VehicleLength(int value, int confidenceIndication) {
    public static final int VALUE_UNAVAILABLE = 1023;
    public static final int CONFIDENCE_UNAVAILABLE = 4;

    public VehicleLength {
        Check.range("vehicleLengthValue", value, 1, 1023);
        Check.range("vehicleLengthConfidenceIndication", confidenceIndication, 0, 4);
    }
}
