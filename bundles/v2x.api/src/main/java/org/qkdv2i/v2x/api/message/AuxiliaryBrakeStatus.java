package org.qkdv2i.v2x.api.message;

/** SAE J2735 {@code AuxiliaryBrakeStatus ::= ENUMERATED {unavailable, off, on, reserved}}. The ordinal is the ASN.1 value. */
public enum AuxiliaryBrakeStatus {
    UNAVAILABLE,
    OFF,
    ON,
    RESERVED;
}
