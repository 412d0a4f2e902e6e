package org.qkdv2i.dpn.identitylog.internal;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Big-endian, length-prefixed fields: the one canonical encoding used for entries, commands and heads. */
final class Wire {

    private Wire() {
    }

    static final class Out {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Out u8(int v) {
            out.write(v);
            return this;
        }

        Out i32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Out i64(long v) {
            i32((int) (v >>> 32));
            return i32((int) v);
        }

        Out raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        /** u32 length, then the bytes. */
        Out bytes(byte[] b) {
            i32(b.length);
            return raw(b);
        }

        /** u16 length, then UTF-8. */
        Out str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("text field longer than 65535 bytes");
            }
            out.write(b.length >>> 8);
            out.write(b.length);
            return raw(b);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Reads what {@link Out} wrote; any inconsistency is a {@link MalformedException}. */
    static final class In {
        private final ByteBuffer buf;

        In(byte[] b) {
            buf = ByteBuffer.wrap(b);
        }

        int u8() throws MalformedException {
            try {
                return buf.get() & 0xFF;
            } catch (BufferUnderflowException e) {
                throw new MalformedException("truncated");
            }
        }

        int i32() throws MalformedException {
            try {
                return buf.getInt();
            } catch (BufferUnderflowException e) {
                throw new MalformedException("truncated");
            }
        }

        long i64() throws MalformedException {
            try {
                return buf.getLong();
            } catch (BufferUnderflowException e) {
                throw new MalformedException("truncated");
            }
        }

        byte[] raw(int n) throws MalformedException {
            if (n < 0 || n > buf.remaining()) {
                throw new MalformedException("field of " + n + " bytes, " + buf.remaining() + " left");
            }
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        byte[] bytes() throws MalformedException {
            return raw(i32());
        }

        String str() throws MalformedException {
            int n = (u8() << 8) | u8();
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw(n))).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedException("text field is not UTF-8");
            }
        }

        void end() throws MalformedException {
            if (buf.hasRemaining()) {
                throw new MalformedException(buf.remaining() + " trailing bytes");
            }
        }
    }

    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }
}
