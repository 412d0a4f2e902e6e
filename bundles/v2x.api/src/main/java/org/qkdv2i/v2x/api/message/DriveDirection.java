package org.qkdv2i.v2x.api.message;

/** {@code DriveDirection ::= ENUMERATED {forward, backward, unavailable}}. The ordinal is the ASN.1 value. */
public enum DriveDirection {
    FORWARD,
    BACKWARD,
    UNAVAILABLE;
}
