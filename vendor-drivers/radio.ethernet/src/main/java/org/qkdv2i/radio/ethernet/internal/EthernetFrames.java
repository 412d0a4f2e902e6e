package org.qkdv2i.radio.ethernet.internal;

import java.util.Arrays;

import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;

/**
 * Ethernet II (IEEE 802.3 §3.2 with a type field): destination (6), source (6), EtherType (2),
 * payload. An 802.11p OCB interface presents its data frames this way after LLC/SNAP, so these
 * are the octets Wireshark shows for a capture on the interface. A real NIC pads short frames to
 * 60 octets on the wire: the payload of a received frame may end in padding (the GeoNetworking and
 * WSMP decoders of v2x.codec ignore it).
 */
final class EthernetFrames {
    private EthernetFrames() {
    }

    static byte[] encode(RadioFrame f) {
        byte[] payload = f.payload();
        byte[] b = new byte[PacketSockets.ETH_HEADER + payload.length];
        System.arraycopy(f.destination().toBytes(), 0, b, 0, 6);
        System.arraycopy(f.source().toBytes(), 0, b, 6, 6);
        b[12] = (byte) (f.protocol() >> 8);
        b[13] = (byte) f.protocol();
        System.arraycopy(payload, 0, b, PacketSockets.ETH_HEADER, payload.length);
        return b;
    }

    /** The frame, or null when it is too short or its type field is an 802.3 length (< 0x0600). */
    static RadioFrame decode(byte[] b, FrameMetadata metadata) {
        if (b.length < PacketSockets.ETH_HEADER) {
            return null;
        }
        int type = (b[12] & 0xFF) << 8 | b[13] & 0xFF;
        if (type < 0x0600) {
            return null;
        }
        return new RadioFrame(LinkAddress.mac(Arrays.copyOfRange(b, 6, 12)), LinkAddress.mac(Arrays.copyOfRange(b, 0, 6)),
                type, Arrays.copyOfRange(b, PacketSockets.ETH_HEADER, b.length), metadata);
    }
}
