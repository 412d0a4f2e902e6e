package org.qkdv2i.radio.pcap;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;

/**
 * How a {@link RadioFrame} sits in a pcap record.
 * <ul>
 * <li>{@link RadioTechnology#ITS_G5}: LINKTYPE_ETHERNET, an Ethernet II frame: destination MAC,
 * source MAC, EtherType = {@link RadioFrame#protocol()}, payload. This is what Linux shows for an
 * 802.11p OCB interface after the LLC/SNAP header, and what Wireshark dissects as GeoNetworking
 * (0x8947) or WSMP (0x88DC).</li>
 * <li>{@link RadioTechnology#CV2X_PC5}: LINKTYPE_USER0 (147) with an 8-octet pseudo-header,
 * all big-endian: source Layer-2 ID (3 octets), destination Layer-2 ID (3), PPPP (1; 0 =
 * unknown), PDCP SDU type (1; 3 = non-IP), then the PDCP SDU (for non-IP: the V2X message
 * family octet of TS 24.386 §7.1 and the message). In Wireshark, set a "User DLT" (DLT 147)
 * with header size 9 and payload protocol {@code gnw} to read ETSI-family (3) frames.</li>
 * </ul>
 * Other metadata (channel, power, RSSI) is not kept: classic pcap has no field for it.
 */
public final class PcapFrames {
    /** Octets of the PC5 pseudo-header before the PDCP SDU. */
    public static final int PC5_HEADER_LENGTH = 8;

    private PcapFrames() {
    }

    /** The link type a capture of this technology uses. */
    public static int linkType(RadioTechnology technology) {
        return technology == RadioTechnology.CV2X_PC5 ? PcapWriter.LINKTYPE_USER0 : PcapWriter.LINKTYPE_ETHERNET;
    }

    /**
     * The pcap record data for a frame.
     *
     * @throws IllegalArgumentException if the frame's addresses or protocol do not fit the technology
     */
    public static byte[] encode(RadioTechnology technology, RadioFrame f) {
        byte[] payload = f.payload();
        if (technology == RadioTechnology.ITS_G5) {
            if (f.source().octets() != 6) {
                throw new IllegalArgumentException("an ITS-G5 frame needs MAC addresses, not " + f.source());
            }
            if (f.protocol() < 0x0600) {
                throw new IllegalArgumentException("protocol 0x" + Integer.toHexString(f.protocol())
                        + " is not an EtherType");
            }
            return ByteBuffer.allocate(14 + payload.length).put(f.destination().toBytes()).put(f.source().toBytes())
                    .putShort((short) f.protocol()).put(payload).array();
        }
        if (f.source().octets() != 3) {
            throw new IllegalArgumentException("a PC5 frame needs 24-bit Layer-2 IDs, not " + f.source());
        }
        if (f.protocol() > 0xFF) {
            throw new IllegalArgumentException("PDCP SDU type " + f.protocol() + " does not fit one octet");
        }
        SidelinkParameters sl = f.metadata().sidelink();
        return ByteBuffer.allocate(PC5_HEADER_LENGTH + payload.length).put(f.source().toBytes())
                .put(f.destination().toBytes()).put((byte) (sl == null ? 0 : sl.pppp())).put((byte) f.protocol())
                .put(payload).array();
    }

    /**
     * The frame a record holds, with its timestamp as metadata.
     *
     * @throws IllegalArgumentException if the record is too short for its link header
     */
    public static RadioFrame decode(RadioTechnology technology, PcapRecord r) {
        byte[] d = r.data();
        FrameMetadata m = FrameMetadata.NONE.withTimestamp(r.timestamp());
        if (technology == RadioTechnology.ITS_G5) {
            if (d.length < 14) {
                throw new IllegalArgumentException("record of " + d.length + " octets is shorter than an Ethernet header");
            }
            int type = (d[12] & 0xFF) << 8 | d[13] & 0xFF;
            return new RadioFrame(LinkAddress.mac(Arrays.copyOfRange(d, 6, 12)),
                    LinkAddress.mac(Arrays.copyOfRange(d, 0, 6)), type, Arrays.copyOfRange(d, 14, d.length), m);
        }
        if (d.length < PC5_HEADER_LENGTH) {
            throw new IllegalArgumentException("record of " + d.length + " octets is shorter than the PC5 header");
        }
        int pppp = d[6] & 0xFF;
        if (pppp >= 1 && pppp <= 8) {
            m = m.withSidelink(SidelinkParameters.ofPriority(pppp));
        }
        return new RadioFrame(LinkAddress.layer2Id(u24(d, 0)), LinkAddress.layer2Id(u24(d, 3)), d[7] & 0xFF,
                Arrays.copyOfRange(d, PC5_HEADER_LENGTH, d.length), m);
    }

    private static int u24(byte[] d, int at) {
        return (d[at] & 0xFF) << 16 | (d[at + 1] & 0xFF) << 8 | d[at + 2] & 0xFF;
    }
}
