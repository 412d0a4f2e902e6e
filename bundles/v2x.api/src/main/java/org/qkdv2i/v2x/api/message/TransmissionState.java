package org.qkdv2i.v2x.api.message;

/** SAE J2735 {@code TransmissionState ::= ENUMERATED} (8 values, not extensible). The ordinal is the ASN.1 value. */
public enum TransmissionState {
    NEUTRAL,
    PARK,
    FORWARD_GEARS,
    REVERSE_GEARS,
    RESERVED1,
    RESERVED2,
    RESERVED3,
    UNAVAILABLE;
}
