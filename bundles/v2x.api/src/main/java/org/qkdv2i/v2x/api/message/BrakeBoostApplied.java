package org.qkdv2i.v2x.api.message;

/** SAE J2735 {@code BrakeBoostApplied ::= ENUMERATED {unavailable, off, on}}. The ordinal is the ASN.1 value. */
public enum BrakeBoostApplied {
    UNAVAILABLE,
    OFF,
    ON;
}
