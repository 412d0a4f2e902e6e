package org.qkdv2i.v2x.api.message;

/** {@code Termination ::= ENUMERATED {isCancellation, isNegation}} (EN 302 637-3). The ordinal is the ASN.1 value. */
public enum Termination {
    IS_CANCELLATION,
    IS_NEGATION;
}
