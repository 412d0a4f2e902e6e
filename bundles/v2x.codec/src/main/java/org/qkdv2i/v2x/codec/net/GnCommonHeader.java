package org.qkdv2i.v2x.codec.net;

/**
 * The common header fields a sender chooses (EN 302 636-4-1 §9.7); header type/subtype come
 * from the {@link GnExtendedHeader} and the payload length from the payload.
 *
 * @param nextHeader what the payload is
 * @param trafficClass TC
 * @param mobile the mobility flag (0 stationary, 1 mobile)
 * @param maxHopLimit MHL 0..255 (1 for a single-hop broadcast)
 */
public record GnCommonHeader(NextHeader nextHeader, TrafficClass trafficClass, boolean mobile, int maxHopLimit) {
    /** Common header NH (§9.7.3); the ordinal is the field value. */
    public enum NextHeader {
        ANY, BTP_A, BTP_B, IPV6
    }

    public GnCommonHeader {
        Checks.notNull("next header", nextHeader);
        Checks.notNull("traffic class", trafficClass);
        Checks.range("maximum hop limit", maxHopLimit, 0, 255);
    }
}
