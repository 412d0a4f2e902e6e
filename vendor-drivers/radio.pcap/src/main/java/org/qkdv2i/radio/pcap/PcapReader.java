package org.qkdv2i.radio.pcap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads a classic libpcap file of either byte order, with microsecond or nanosecond
 * timestamps. A damaged file ends in an {@link IOException} naming what is wrong, never in
 * another exception.
 */
public final class PcapReader implements AutoCloseable {
    /** Largest record accepted, whatever the header claims (libpcap's own cap). */
    public static final int MAX_RECORD = 262_144;

    private final InputStream in;
    private final ByteOrder order;
    private final boolean nanos;
    private final int linkType;
    private final int snaplen;
    private long records;

    /** Reads and checks the global header. */
    public PcapReader(InputStream in) throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        ByteBuffer h = ByteBuffer.wrap(readFully(24, "global header"));
        h.order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(0);
        ByteOrder o = ByteOrder.LITTLE_ENDIAN;
        if (magic != PcapWriter.MAGIC_MICROS && magic != PcapWriter.MAGIC_NANOS) {
            o = ByteOrder.BIG_ENDIAN;
            h.order(o);
            magic = h.getInt(0);
        }
        if (magic != PcapWriter.MAGIC_MICROS && magic != PcapWriter.MAGIC_NANOS) {
            throw new IOException(String.format("not a pcap file (magic %08x; pcapng is not read)", h.getInt(0)));
        }
        this.order = o;
        this.nanos = magic == PcapWriter.MAGIC_NANOS;
        int major = h.getShort(4) & 0xFFFF;
        if (major != 2) {
            throw new IOException("pcap version " + major + "." + (h.getShort(6) & 0xFFFF) + " (2.x expected)");
        }
        this.snaplen = h.getInt(16);
        this.linkType = h.getInt(20) & 0xFFFF; // upper bits: FCS length flags (pcap draft §4)
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    public boolean nanosecondTimestamps() {
        return nanos;
    }

    /** The next record, or {@code null} at the clean end of the file. */
    public PcapRecord next() throws IOException {
        byte[] first = in.readNBytes(16);
        if (first.length == 0) {
            return null;
        }
        if (first.length < 16) {
            throw new EOFException("record " + (records + 1) + ": header cut after " + first.length + " octets");
        }
        ByteBuffer h = ByteBuffer.wrap(first).order(order);
        long seconds = h.getInt(0) & 0xFFFF_FFFFL;
        long fraction = h.getInt(4) & 0xFFFF_FFFFL;
        long captured = h.getInt(8) & 0xFFFF_FFFFL;
        long original = h.getInt(12) & 0xFFFF_FFFFL;
        if (fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            throw new IOException("record " + (records + 1) + ": sub-second field " + fraction + " out of range");
        }
        if (captured > MAX_RECORD) {
            throw new IOException("record " + (records + 1) + ": captured length " + captured + " exceeds "
                    + MAX_RECORD);
        }
        if (original < captured || original > Integer.MAX_VALUE) {
            throw new IOException("record " + (records + 1) + ": original length " + original
                    + " below the captured length " + captured);
        }
        byte[] data = readFully((int) captured, "record " + (records + 1) + " data");
        records++;
        return new PcapRecord(Instant.ofEpochSecond(seconds, nanos ? fraction : fraction * 1000), data, (int) original);
    }

    private byte[] readFully(int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException(what + " cut after " + b.length + " of " + n + " octets");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
