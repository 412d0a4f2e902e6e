package org.qkdv2i.v2x.codec.internal.net;

import java.io.ByteArrayOutputStream;

/** Big-endian octet writer. */
final class ByteOut {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    ByteOut u8(int v) {
        out.write(v);
        return this;
    }

    ByteOut u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    ByteOut u32(long v) {
        return u16((int) (v >>> 16) & 0xFFFF).u16((int) v & 0xFFFF);
    }

    ByteOut u48(long v) {
        return u16((int) (v >>> 32) & 0xFFFF).u32(v & 0xFFFF_FFFFL);
    }

    ByteOut bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
