package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

import org.qkdv2i.driver.sim.fso.internal.sim.VarLongs;

/** Compact encodings of the round messages: varints and bit/2-bit packing. */
final class Wire {

    private Wire() {
    }

    static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        int shift = 0, b;
        do {
            if (shift > 63) {
                throw new IOException("varint too long");
            }
            b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return v;
    }

    /** Values 0/1 packed 8 per byte, written in one call. */
    static void writeBits(DataOutputStream out, byte[] v, int n) throws IOException {
        byte[] buf = new byte[(n + 7) >>> 3];
        int full = n >>> 3;
        for (int j = 0, i = 0; j < full; j++, i += 8) { // a byte at a time: no read-modify-write per value
            buf[j] = (byte) ((v[i] & 1) | (v[i + 1] & 1) << 1 | (v[i + 2] & 1) << 2 | (v[i + 3] & 1) << 3
                    | (v[i + 4] & 1) << 4 | (v[i + 5] & 1) << 5 | (v[i + 6] & 1) << 6 | (v[i + 7] & 1) << 7);
        }
        for (int i = full << 3; i < n; i++) {
            buf[i >>> 3] |= (byte) ((v[i] & 1) << (i & 7));
        }
        out.write(buf);
    }

    static byte[] readBits(DataInputStream in, int n) throws IOException {
        byte[] buf = new byte[(n + 7) >>> 3];
        in.readFully(buf);
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (buf[i >>> 3] >> (i & 7) & 1);
        }
        return v;
    }

    /** Values 0..3 packed 4 per byte, written in one call. */
    static void writeCrumbs(DataOutputStream out, byte[] v, int n) throws IOException {
        byte[] buf = new byte[(n + 3) >>> 2];
        int full = n >>> 2;
        for (int j = 0, i = 0; j < full; j++, i += 4) {
            buf[j] = (byte) ((v[i] & 3) | (v[i + 1] & 3) << 2 | (v[i + 2] & 3) << 4 | (v[i + 3] & 3) << 6);
        }
        for (int i = full << 2; i < n; i++) {
            buf[i >>> 2] |= (byte) ((v[i] & 3) << (2 * (i & 3)));
        }
        out.write(buf);
    }

    static byte[] readCrumbs(DataInputStream in, int n) throws IOException {
        byte[] buf = new byte[(n + 3) >>> 2];
        in.readFully(buf);
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (buf[i >>> 2] >> (2 * (i & 3)) & 3);
        }
        return v;
    }

    /** Ascending positions as varint gaps from {@code first}: byte count, then the gaps, in one call. */
    static void writeGaps(DataOutputStream out, long[] idx, int n, long first) throws IOException {
        // ≈ 2 bytes per gap at the usual click rates; grown when a long gap list needs more
        // (a 10 bytes per gap array was 10 MB to clear per round at 300 m)
        byte[] buf = new byte[n * 3 + 16];
        int k = 0;
        long prev = first;
        for (int i = 0; i < n; i++) {
            long g = idx[i] - prev;
            prev = idx[i];
            if (k + 10 > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, k + 10));
            }
            if (g >= 0x80 && g < 0x4000) { // the usual gap: two varint bytes
                buf[k] = (byte) (g | 0x80);
                buf[k + 1] = (byte) (g >>> 7);
                k += 2;
            } else {
                k = VarLongs.put(buf, k, g);
            }
        }
        out.writeInt(k);
        out.write(buf, 0, k);
    }

    /** Reads what {@link #writeGaps} wrote; every position must be below {@code end}. */
    static long[] readGaps(DataInputStream in, int n, long first, long end) throws IOException {
        int bytes = in.readInt();
        if (bytes < n || bytes > 10L * n) {
            throw new IOException("malformed position list");
        }
        byte[] buf = new byte[bytes];
        in.readFully(buf);
        long[] idx = new long[n];
        long prev = first;
        int[] pos = {0};
        try {
            int k = 0;
            for (int i = 0; i < n; i++) {
                int b0 = buf[k], b1 = k + 1 < bytes ? buf[k + 1] : 0;
                if (b0 < 0 && b1 >= 0 && k + 1 < bytes) { // the usual two-byte gap
                    prev += (b0 & 0x7F) | b1 << 7;
                    k += 2;
                } else {
                    pos[0] = k;
                    prev += VarLongs.get(buf, pos);
                    k = pos[0];
                }
                if (prev >= end || prev < first) {
                    throw new IOException("position outside the round");
                }
                idx[i] = prev;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IOException("truncated position list");
        }
        return idx;
    }

    static int checkedCount(int n, int max) throws IOException {
        if (n < 0 || n > max) {
            throw new IOException("count " + n + " out of range");
        }
        return n;
    }

    /** A DataOutputStream over a growable buffer. */
    static final class Buffer extends DataOutputStream {
        Buffer() {
            this(256);
        }

        /** With room for {@code capacity} bytes: the round's large frames (≈ 1.5 MB of click positions) grew by doubling. */
        Buffer(int capacity) {
            super(new ByteArrayOutputStream(Math.max(32, capacity)));
        }

        byte[] bytes() throws IOException {
            flush();
            return ((ByteArrayOutputStream) out).toByteArray();
        }
    }

    static DataInputStream reader(byte[] b) {
        return new DataInputStream(new java.io.ByteArrayInputStream(b));
    }
}
