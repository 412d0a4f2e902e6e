package org.qkdv2i.v2x.codec.net;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A GeoNetworking packet (EN 302 636-4-1 §9): the basic header (version 1; lifetime,
 * remaining hop limit) followed either by the common and extended headers and the payload
 * (basic NH = 1), or by a secured packet (basic NH = 2: an {@code Ieee1609Dot2Data} of ETSI
 * TS 103 097, kept here as opaque octets; the common header is inside it). The payload is
 * copied in and out.
 */
public final class GnPacket {
    /** GeoNetworking protocol version written and accepted (EN 302 636-4-1 v1.3.1 and later). */
    public static final int VERSION = 1;

    private final GnLifetime lifetime;
    private final int remainingHopLimit;
    private final GnCommonHeader common;
    private final GnExtendedHeader extended;
    private final byte[] payload;

    private GnPacket(GnLifetime lifetime, int remainingHopLimit, GnCommonHeader common, GnExtendedHeader extended,
            byte[] payload) {
        this.lifetime = Checks.notNull("lifetime", lifetime);
        this.remainingHopLimit = Checks.range("remaining hop limit", remainingHopLimit, 0, 255);
        this.common = common;
        this.extended = extended;
        this.payload = Checks.notNull("payload", payload).clone();
    }

    /** An unsecured packet (basic header NH = common header). */
    public static GnPacket unsecured(GnLifetime lifetime, int remainingHopLimit, GnCommonHeader common,
            GnExtendedHeader extended, byte[] payload) {
        return new GnPacket(lifetime, remainingHopLimit, Checks.notNull("common header", common),
                Checks.notNull("extended header", extended), payload);
    }

    /** A secured packet (basic header NH = 2) carrying an encoded {@code Ieee1609Dot2Data}. */
    public static GnPacket secured(GnLifetime lifetime, int remainingHopLimit, byte[] ieee1609Dot2Data) {
        return new GnPacket(lifetime, remainingHopLimit, null, null, ieee1609Dot2Data);
    }

    /** A Single-Hop Broadcast over BTP-B as a CAM travels (RHL = MHL = 1, default lifetime, TC 2). */
    public static GnPacket shb(LongPositionVector source, byte[] btpPacket) {
        return unsecured(GnLifetime.DEFAULT, 1, new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B,
                new TrafficClass(false, false, 2), true, 1), new GnExtendedHeader.SingleHopBroadcast(source), btpPacket);
    }

    public boolean isSecured() {
        return common == null;
    }

    public GnLifetime lifetime() {
        return lifetime;
    }

    public int remainingHopLimit() {
        return remainingHopLimit;
    }

    /** The common header, or {@code null} for a secured packet. */
    public GnCommonHeader common() {
        return common;
    }

    /** The extended header, or {@code null} for a secured packet. */
    public GnExtendedHeader extended() {
        return extended;
    }

    /** A copy of the payload after the headers (or of the secured packet). */
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GnPacket p && p.lifetime.equals(lifetime) && p.remainingHopLimit == remainingHopLimit
                && Objects.equals(p.common, common) && Objects.equals(p.extended, extended)
                && Arrays.equals(p.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lifetime, remainingHopLimit, common, extended, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "GnPacket[" + (isSecured() ? "secured" : common + ", " + extended) + ", lifetime=" + lifetime
                + ", rhl=" + remainingHopLimit + ", payload=" + HexFormat.of().formatHex(payload) + "]";
    }
}
