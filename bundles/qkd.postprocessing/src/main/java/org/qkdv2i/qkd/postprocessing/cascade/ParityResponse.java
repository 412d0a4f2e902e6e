package org.qkdv2i.qkd.postprocessing.cascade;

import java.nio.ByteBuffer;

import org.qkdv2i.qkd.postprocessing.Bits;

/**
 * Alice → Bob: the parities asked for, bit-packed: {@code topCount} top-level block parities (if
 * the request started a pass) and {@code count} range parities in request order. Every bit here
 * is disclosed to the eavesdropper and counts toward λ_EC.
 */
public record ParityResponse(int topCount, long[] top, int count, long[] parities) {
    public int disclosedBits() {
        return topCount + count;
    }

    public int topParity(int b) {
        return Bits.bit(top, b);
    }

    public int parity(int i) {
        return Bits.bit(parities, i);
    }

    /** Wire form: int topCount, int count, top parity bytes, range parity bytes (LSB first). */
    public byte[] encode() {
        byte[] a = Bits.toBytes(top, topCount), c = Bits.toBytes(parities, count);
        return ByteBuffer.allocate(8 + a.length + c.length).putInt(topCount).putInt(count).put(a).put(c).array();
    }

    public static ParityResponse decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        int tc = b.getInt(), c = b.getInt();
        if (tc < 0 || c < 0 || data.length != 8 + (tc + 7L) / 8 + (c + 7L) / 8) {
            throw new IllegalArgumentException("malformed parity response");
        }
        byte[] a = new byte[(tc + 7) / 8], d = new byte[(c + 7) / 8];
        b.get(a).get(d);
        return new ParityResponse(tc, Bits.fromBytes(a, tc), c, Bits.fromBytes(d, c));
    }
}
