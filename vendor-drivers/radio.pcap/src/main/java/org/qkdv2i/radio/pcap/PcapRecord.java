package org.qkdv2i.radio.pcap;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One captured packet: its time, the octets kept and the length it had on the wire (larger
 * than the data when the writer's snapshot length cut it). The data is copied in and out.
 */
public final class PcapRecord {
    private final Instant timestamp;
    private final byte[] data;
    private final int originalLength;

    public PcapRecord(Instant timestamp, byte[] data, int originalLength) {
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
        this.data = Objects.requireNonNull(data, "data").clone();
        if (originalLength < this.data.length) {
            throw new IllegalArgumentException("original length " + originalLength + " below the captured "
                    + this.data.length);
        }
        this.originalLength = originalLength;
    }

    public PcapRecord(Instant timestamp, byte[] data) {
        this(timestamp, data, data.length);
    }

    public Instant timestamp() {
        return timestamp;
    }

    public byte[] data() {
        return data.clone();
    }

    public int capturedLength() {
        return data.length;
    }

    public int originalLength() {
        return originalLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcapRecord r && r.timestamp.equals(timestamp) && Arrays.equals(r.data, data)
                && r.originalLength == originalLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, Arrays.hashCode(data), originalLength);
    }

    @Override
    public String toString() {
        return "PcapRecord[" + timestamp + ", " + data.length + "/" + originalLength + " octets]";
    }
}
