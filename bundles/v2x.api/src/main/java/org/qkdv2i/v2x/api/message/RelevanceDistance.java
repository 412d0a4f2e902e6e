package org.qkdv2i.v2x.api.message;

/** {@code RelevanceDistance ::= ENUMERATED} (TS 102 894-2). The ordinal is the ASN.1 value. */
public enum RelevanceDistance {
    LESS_THAN_50M,
    LESS_THAN_100M,
    LESS_THAN_200M,
    LESS_THAN_500M,
    LESS_THAN_1000M,
    LESS_THAN_5KM,
    LESS_THAN_10KM,
    OVER_10KM;
}
