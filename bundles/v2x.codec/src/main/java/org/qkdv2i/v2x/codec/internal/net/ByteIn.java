package org.qkdv2i.v2x.codec.internal.net;

import java.util.Arrays;

import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/** Big-endian octet reader over untrusted input: every read is bounds-checked into a typed failure. */
final class ByteIn {
    private final byte[] in;
    private int pos;

    ByteIn(byte[] in) {
        this.in = in;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return in.length - pos;
    }

    private void need(int n, String field) {
        if (in.length - pos < n) {
            throw fail(Kind.TRUNCATED, field, pos, "needs " + n + " octet(s), " + remaining() + " left");
        }
    }

    int u8(String field) {
        need(1, field);
        return in[pos++] & 0xFF;
    }

    int u16(String field) {
        need(2, field);
        int v = (in[pos] & 0xFF) << 8 | in[pos + 1] & 0xFF;
        pos += 2;
        return v;
    }

    long u32(String field) {
        need(4, field);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | in[pos + i] & 0xFF;
        }
        pos += 4;
        return v;
    }

    long u48(String field) {
        need(6, field);
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | in[pos + i] & 0xFF;
        }
        pos += 6;
        return v;
    }

    int peek(String field) {
        need(1, field);
        return in[pos] & 0xFF;
    }

    byte[] bytes(int n, String field) {
        need(n, field);
        byte[] b = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return b;
    }

    byte[] rest() {
        byte[] b = Arrays.copyOfRange(in, pos, in.length);
        pos = in.length;
        return b;
    }

    /** A failure at an octet offset (reported as bit offset octet x 8 + bit). */
    static NetFailure fail(Kind kind, String field, int octetOffset, int bit, String detail) {
        return new NetFailure(new DecodeError(kind, field, octetOffset * 8L + bit, detail));
    }

    static NetFailure fail(Kind kind, String field, int octetOffset, String detail) {
        return fail(kind, field, octetOffset, 0, detail);
    }
}
