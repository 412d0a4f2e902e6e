package org.qkdv2i.v2x.api.message;

/** {@code RelevanceTrafficDirection ::= ENUMERATED} (TS 102 894-2). The ordinal is the ASN.1 value. */
public enum RelevanceTrafficDirection {
    ALL_TRAFFIC_DIRECTIONS,
    UPSTREAM_TRAFFIC,
    DOWNSTREAM_TRAFFIC,
    OPPOSITE_TRAFFIC;
}
