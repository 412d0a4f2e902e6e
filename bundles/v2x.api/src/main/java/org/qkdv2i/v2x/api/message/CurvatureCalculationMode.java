package org.qkdv2i.v2x.api.message;

/** {@code CurvatureCalculationMode ::= ENUMERATED {yawRateUsed, yawRateNotUsed, unavailable, ...}}; extension values are not defined. The ordinal is the ASN.1 value. */
public enum CurvatureCalculationMode {
    YAW_RATE_USED,
    YAW_RATE_NOT_USED,
    UNAVAILABLE;
}
