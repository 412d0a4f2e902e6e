package org.qkdv2i.radio.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * Writes a classic libpcap file (tcpdump.org "LINKTYPE"/file format; IETF draft-ietf-opsawg-pcap):
 * a 24-octet global header (magic 0xa1b2c3d4, version 2.4, microsecond timestamps,
 * little-endian) and per packet a 16-octet record header. Not thread-safe; flushes after every
 * record so a reader (tshark, a test) sees complete records.
 */
public final class PcapWriter implements AutoCloseable {
    /** LINKTYPE_ETHERNET: IEEE 802.3 / Ethernet II frames without FCS. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_USER0 (DLT_USER0): reserved for private use; PC5 frames here (see {@link PcapFrames}). */
    public static final int LINKTYPE_USER0 = 147;
    /** Default snapshot length: whole frames up to 65535 octets. */
    public static final int DEFAULT_SNAPLEN = 65535;
    /** The global header as it sits on disk (little-endian microsecond magic). */
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;

    private final OutputStream out;
    private final int snaplen;
    private final int linkType;

    /**
     * Writes the global header to {@code out} and returns a writer for its records.
     *
     * @param linkType a LINKTYPE value, e.g. {@link #LINKTYPE_ETHERNET}
     * @param snaplen the largest number of octets kept per packet (1..262144)
     */
    public static PcapWriter create(OutputStream out, int linkType, int snaplen) throws IOException {
        PcapWriter w = new PcapWriter(out, linkType, snaplen);
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen)
                .putInt(linkType);
        out.write(h.array());
        out.flush();
        return w;
    }

    /** A writer that appends records to a file whose global header (same link type) is already there. */
    public static PcapWriter append(OutputStream out, int linkType, int snaplen) {
        return new PcapWriter(out, linkType, snaplen);
    }

    private PcapWriter(OutputStream out, int linkType, int snaplen) {
        this.out = Objects.requireNonNull(out, "out");
        if (snaplen < 1 || snaplen > 262_144) {
            throw new IllegalArgumentException("snaplen " + snaplen + " outside 1..262144");
        }
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type " + linkType + " outside 0..65535");
        }
        this.snaplen = snaplen;
        this.linkType = linkType;
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    /** Writes one packet at {@code time}, cut to the snapshot length. */
    public void write(Instant time, byte[] packet) throws IOException {
        Objects.requireNonNull(time, "time");
        int kept = Math.min(packet.length, snaplen);
        long seconds = time.getEpochSecond();
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("time " + time + " outside the 32-bit pcap seconds range");
        }
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt((int) seconds).putInt(time.getNano() / 1000).putInt(kept).putInt(packet.length);
        out.write(h.array());
        out.write(packet, 0, kept);
        out.flush();
    }

    public void write(PcapRecord record) throws IOException {
        write(record.timestamp(), record.data());
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
