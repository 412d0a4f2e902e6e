package org.qkdv2i.v2x.api.message;

/** SAE J2735 {@code TractionControlStatus}, {@code AntiLockBrakeStatus} and {@code StabilityControlStatus}: {@code ENUMERATED {unavailable, off, on, engaged}}. The ordinal is the ASN.1 value. */
public enum ControlStatus {
    UNAVAILABLE,
    OFF,
    ON,
    ENGAGED;
}
