package org.qkdv2i.v2x.codec.net;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import org.qkdv2i.v2x.api.radio.LinkAddress;

/**
 * An Ethernet II frame without FCS (IEEE 802.3 §3.2 with an EtherType, the form pcap
 * LINKTYPE_ETHERNET holds and Linux raw sockets carry): destination, source, EtherType,
 * payload. 802.11p frames are captured in this form too (the EtherType from their LLC/SNAP).
 */
public final class EthernetFrame {
    public static final int ETHERTYPE_GEONETWORKING = 0x8947;
    public static final int ETHERTYPE_WSMP = 0x88DC;
    /** Smallest EtherType; smaller values are IEEE 802.3 length fields. */
    public static final int MIN_ETHERTYPE = 0x0600;
    public static final int HEADER_LENGTH = 14;

    private final LinkAddress destination;
    private final LinkAddress source;
    private final int etherType;
    private final byte[] payload;

    public EthernetFrame(LinkAddress destination, LinkAddress source, int etherType, byte[] payload) {
        this.destination = Checks.notNull("destination", destination);
        this.source = Checks.notNull("source", source);
        if (destination.octets() != 6 || source.octets() != 6) {
            throw new IllegalArgumentException("Ethernet addresses are 6-octet MAC addresses");
        }
        this.etherType = Checks.range("EtherType", etherType, MIN_ETHERTYPE, 0xFFFF);
        this.payload = Checks.notNull("payload", payload).clone();
    }

    public LinkAddress destination() {
        return destination;
    }

    public LinkAddress source() {
        return source;
    }

    public int etherType() {
        return etherType;
    }

    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EthernetFrame f && f.destination.equals(destination) && f.source.equals(source)
                && f.etherType == etherType && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, source, etherType, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "EthernetFrame[" + source + " -> " + destination + ", 0x" + Integer.toHexString(etherType) + ", "
                + HexFormat.of().formatHex(payload) + "]";
    }
}
