package org.qkdv2i.v2x.api.message;

/** {@code VehicleRole ::= ENUMERATED} (16 values, TS 102 894-2). The ordinal is the ASN.1 value. */
public enum VehicleRole {
    DEFAULT,
    PUBLIC_TRANSPORT,
    SPECIAL_TRANSPORT,
    DANGEROUS_GOODS,
    ROAD_WORK,
    RESCUE,
    EMERGENCY,
    SAFETY_CAR,
    AGRICULTURE,
    COMMERCIAL,
    MILITARY,
    ROAD_OPERATOR,
    TAXI,
    RESERVED1,
    RESERVED2,
    RESERVED3;
}
