package org.qkdv2i.v2x.codec.net;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A BTP packet (ETSI EN 302 636-5-1 §7): a 4-octet header and the payload. BTP-A (interactive)
 * carries destination and source port; BTP-B (non-interactive, CAM and DENM) carries the
 * destination port and destination port info. Which one it is travels in the GeoNetworking
 * common header (NH 1 = BTP-A, 2 = BTP-B), not in the BTP octets.
 */
public final class BtpPacket {
    /** Well-known BTP ports (ETSI TS 103 248). */
    public static final int PORT_CAM = 2001;
    public static final int PORT_DENM = 2002;

    /** The two header formats. */
    public enum Type {
        A, B
    }

    private final Type type;
    private final int destinationPort;
    private final int sourcePortOrInfo;
    private final byte[] payload;

    /**
     * @param type BTP-A or BTP-B
     * @param destinationPort 0..65535
     * @param sourcePortOrInfo the source port (BTP-A) or the destination port info (BTP-B), 0..65535
     * @param payload the upper-layer PDU
     */
    public BtpPacket(Type type, int destinationPort, int sourcePortOrInfo, byte[] payload) {
        this.type = Checks.notNull("BTP type", type);
        this.destinationPort = Checks.range("BTP destination port", destinationPort, 0, 65535);
        this.sourcePortOrInfo = Checks.range(type == Type.A ? "BTP source port" : "BTP destination port info",
                sourcePortOrInfo, 0, 65535);
        this.payload = Checks.notNull("payload", payload).clone();
    }

    /** BTP-B to a port with destination port info 0 (as CAM and DENM are sent). */
    public static BtpPacket b(int destinationPort, byte[] payload) {
        return new BtpPacket(Type.B, destinationPort, 0, payload);
    }

    public Type type() {
        return type;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** The source port (BTP-A) or destination port info (BTP-B). */
    public int sourcePortOrInfo() {
        return sourcePortOrInfo;
    }

    public byte[] payload() {
        return payload.clone();
    }

    /** The common header NH that announces this packet. */
    public GnCommonHeader.NextHeader gnNextHeader() {
        return type == Type.A ? GnCommonHeader.NextHeader.BTP_A : GnCommonHeader.NextHeader.BTP_B;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BtpPacket p && p.type == type && p.destinationPort == destinationPort
                && p.sourcePortOrInfo == sourcePortOrInfo && Arrays.equals(p.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, destinationPort, sourcePortOrInfo, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "BtpPacket[" + type + ", port " + destinationPort + ", " + sourcePortOrInfo + ", "
                + HexFormat.of().formatHex(payload) + "]";
    }
}
