package org.qkdv2i.v2x.api.radio;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One link-layer frame as a radio sends or receives it: addresses, the upper-layer protocol
 * and the payload after the link header (for ITS-G5 what follows LLC/SNAP; for PC5 the PDCP
 * SDU). How {@code protocol} and the addresses are read depends on the radio's
 * {@link RadioTechnology}. The payload is copied in and out.
 */
public final class RadioFrame {
    /** EtherType of GeoNetworking (ETSI EN 302 636-4-1 / IEEE registration). */
    public static final int ETHERTYPE_GEONETWORKING = 0x8947;
    /** EtherType of WSMP (IEEE 1609.3). */
    public static final int ETHERTYPE_WSMP = 0x88DC;
    /** PC5 PDCP SDU type "Non-IP" (3GPP TS 36.323 §6.3.14). */
    public static final int PC5_SDU_TYPE_NON_IP = 3;

    private final LinkAddress source;
    private final LinkAddress destination;
    private final int protocol;
    private final byte[] payload;
    private final FrameMetadata metadata;

    /**
     * @param source sender's link address
     * @param destination receiver's link address (broadcast or a group/Layer-2 destination ID)
     * @param protocol EtherType (ITS-G5) or PDCP SDU type (PC5), 0..0xFFFF
     * @param payload the frame body
     * @param metadata radio metadata; {@link FrameMetadata#NONE} if none
     */
    public RadioFrame(LinkAddress source, LinkAddress destination, int protocol, byte[] payload, FrameMetadata metadata) {
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        if (source.octets() != destination.octets()) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination
                    + " are different kinds of address");
        }
        if (protocol < 0 || protocol > 0xFFFF) {
            throw new IllegalArgumentException("protocol " + protocol + " outside 0..65535");
        }
        this.protocol = protocol;
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.metadata = Objects.requireNonNull(metadata, "metadata");
    }

    public LinkAddress source() {
        return source;
    }

    public LinkAddress destination() {
        return destination;
    }

    public int protocol() {
        return protocol;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    public FrameMetadata metadata() {
        return metadata;
    }

    /** The same frame with other metadata (a receiver adds RSSI and time, for example). */
    public RadioFrame withMetadata(FrameMetadata newMetadata) {
        return new RadioFrame(source, destination, protocol, payload, newMetadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RadioFrame f && f.source.equals(source) && f.destination.equals(destination)
                && f.protocol == protocol && Arrays.equals(f.payload, payload) && f.metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, protocol, Arrays.hashCode(payload), metadata);
    }

    @Override
    public String toString() {
        return "RadioFrame[" + source + " -> " + destination + ", protocol=0x" + Integer.toHexString(protocol)
                + ", " + payload.length + " octets " + HexFormat.of().formatHex(payload, 0, Math.min(16, payload.length))
                + (payload.length > 16 ? "..." : "") + ", " + metadata + "]";
    }
}
