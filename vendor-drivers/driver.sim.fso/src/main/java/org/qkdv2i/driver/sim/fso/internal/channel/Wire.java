package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

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

    /** Values 0/1 packed 8 per byte. */
    static void writeBits(DataOutputStream out, byte[] v, int n) throws IOException {
        for (int i = 0; i < n; i += 8) {
            int b = 0;
            for (int k = 0; k < 8 && i + k < n; k++) {
                b |= (v[i + k] & 1) << k;
            }
            out.write(b);
        }
    }

    static byte[] readBits(DataInputStream in, int n) throws IOException {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i += 8) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            for (int k = 0; k < 8 && i + k < n; k++) {
                v[i + k] = (byte) (b >> k & 1);
            }
        }
        return v;
    }

    /** Values 0..3 packed 4 per byte. */
    static void writeCrumbs(DataOutputStream out, byte[] v, int n) throws IOException {
        for (int i = 0; i < n; i += 4) {
            int b = 0;
            for (int k = 0; k < 4 && i + k < n; k++) {
                b |= (v[i + k] & 3) << (2 * k);
            }
            out.write(b);
        }
    }

    static byte[] readCrumbs(DataInputStream in, int n) throws IOException {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i += 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            for (int k = 0; k < 4 && i + k < n; k++) {
                v[i + k] = (byte) (b >> (2 * k) & 3);
            }
        }
        return v;
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
            super(new ByteArrayOutputStream(256));
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
