package org.qkdv2i.v2x.codec.internal;

import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/**
 * Reads X.691 unaligned PER. Every read is bounds- and range-checked and fails with a
 * {@link DecodeFailure} naming the component ({@code ctx + "." + leaf}, joined only when
 * failing) and the bit offset where it starts. Positions are relative to the whole input so
 * that errors inside open types still point into the original bytes.
 */
final class BitReader {
    private final byte[] data;
    private final long base;
    private final long limit;
    private long pos;

    BitReader(byte[] data) {
        this(data, 0, data.length * 8L, 0);
    }

    private BitReader(byte[] data, long startBit, long endBit, long base) {
        this.data = data;
        this.pos = startBit;
        this.limit = endBit;
        this.base = base;
    }

    /** Current position in bits from the start of the whole input. */
    long position() {
        return base + pos;
    }

    long remaining() {
        return limit - pos;
    }

    static String name(String ctx, String leaf) {
        return ctx == null || ctx.isEmpty() ? leaf : leaf == null || leaf.isEmpty() ? ctx : ctx + "." + leaf;
    }

    DecodeFailure fail(Kind kind, String ctx, String leaf, long atBit, String detail) {
        return new DecodeFailure(new DecodeError(kind, name(ctx, leaf), atBit, detail));
    }

    private void need(long n, String ctx, String leaf) {
        if (n > limit - pos) {
            throw fail(Kind.TRUNCATED, ctx, leaf, position(),
                    "needs " + n + " bits, " + (limit - pos) + " left");
        }
    }

    /** {@code n} bits (0..63) as an unsigned number. */
    long bits(int n, String ctx, String leaf) {
        need(n, ctx, leaf);
        long v = 0;
        for (int i = 0; i < n; i++) {
            int b = data[(int) (pos >>> 3)] >>> (7 - (int) (pos & 7)) & 1;
            v = v << 1 | b;
            pos++;
        }
        return v;
    }

    boolean bit(String ctx, String leaf) {
        need(1, ctx, leaf);
        boolean b = (data[(int) (pos >>> 3)] >>> (7 - (int) (pos & 7)) & 1) != 0;
        pos++;
        return b;
    }

    /** X.691 §11.5.7: a constrained whole number lb..ub; a field value above ub is an error. */
    long constrained(long lb, long ub, String ctx, String leaf) {
        long at = position();
        long v = bits(Uper.bitsForRange(lb, ub), ctx, leaf) + lb;
        if (v > ub) {
            throw fail(Kind.OUT_OF_RANGE, ctx, leaf, at, v + " outside " + lb + ".." + ub);
        }
        return v;
    }

    int constrainedInt(long lb, long ub, String ctx, String leaf) {
        return (int) constrained(lb, ub, ctx, leaf);
    }

    /** X.691 §11.6: normally small non-negative whole number. */
    long normallySmall(String ctx, String leaf) {
        if (!bit(ctx, leaf)) {
            return bits(6, ctx, leaf);
        }
        long at = position();
        int len = lengthGeneral(ctx, leaf);
        if (len < 1 || len > 7) {
            throw fail(Kind.UNSUPPORTED, ctx, leaf, at, "normally small number of " + len + " octets");
        }
        return bits(8 * len, ctx, leaf);
    }

    /** X.691 §11.9 (unaligned, unconstrained length) up to 16383; fragmented lengths are refused. */
    int lengthGeneral(String ctx, String leaf) {
        long at = position();
        if (!bit(ctx, leaf)) {
            return (int) bits(7, ctx, leaf);
        }
        if (!bit(ctx, leaf)) {
            return (int) bits(14, ctx, leaf);
        }
        throw fail(Kind.UNSUPPORTED, ctx, leaf, at, "fragmented length (16K octets or more)");
    }

    /** X.691 §11.8: unconstrained whole number (extension values of extensible INTEGERs), up to 8 octets. */
    long unconstrained(String ctx, String leaf) {
        long at = position();
        int len = lengthGeneral(ctx, leaf);
        if (len < 1 || len > 8) {
            throw fail(Kind.UNSUPPORTED, ctx, leaf, at, "integer of " + len + " octets");
        }
        long v = bits(8, ctx, leaf);
        v = (byte) v; // sign of the first octet
        for (int i = 1; i < len; i++) {
            v = v << 8 | bits(8, ctx, leaf);
        }
        return v;
    }

    byte[] octets(int n, String ctx, String leaf) {
        need(8L * n, ctx, leaf);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) bits(8, ctx, leaf);
        }
        return out;
    }

    void skip(long n, String ctx, String leaf) {
        need(n, ctx, leaf);
        pos += n;
    }

    /**
     * X.691 §11.2: an open type's octets as a reader confined to them, with this reader moved
     * past them. The content's own decoder must consume all but the padding.
     */
    BitReader openType(String ctx, String leaf) {
        int len = lengthGeneral(ctx, leaf);
        need(8L * len, ctx, leaf);
        BitReader inner = new BitReader(data, pos, pos + 8L * len, base);
        pos += 8L * len;
        return inner;
    }

    /**
     * X.691 §19.7-8: after the root of an extensible SEQUENCE whose extension bit was set,
     * reads the extension-addition bitmap and skips every present addition (open types). The
     * ASN.1 versions this codec implements define no additions, so all are unknown and
     * ignored, as X.691 asks of a decoder.
     */
    void skipExtensionAdditions(String ctx) {
        long at = position();
        // "normally small length" (X.691 §11.9.3.4): 0 + (n-1) in 6 bits, or 1 + a general length n
        long n = bit(ctx, "extensionBitmap") ? lengthGeneral(ctx, "extensionBitmap")
                : bits(6, ctx, "extensionBitmap") + 1;
        if (n < 1 || n > 4096) {
            throw fail(Kind.UNSUPPORTED, ctx, "extensionBitmap", at, n + " extension additions");
        }
        long present = 0;
        long[] flags = new long[(int) ((n + 63) / 64)];
        for (int i = 0; i < n; i++) {
            if (bit(ctx, "extensionBitmap")) {
                flags[i / 64] |= 1L << (i % 64);
                present++;
            }
        }
        if (present == 0) {
            throw fail(Kind.MALFORMED, ctx, "extensionBitmap", at, "extension bit set but no addition present");
        }
        for (int i = 0; i < n; i++) {
            if ((flags[i / 64] >>> (i % 64) & 1) != 0) {
                openType(ctx, "extensionAddition");
            }
        }
    }

    /** Fails unless only padding (fewer than 8 bits) remains. */
    void expectEnd(String ctx) {
        if (limit - pos >= 8) {
            throw fail(Kind.TRAILING_DATA, ctx, null, position(),
                    ((limit - pos) / 8) + " octets after the end of the encoding");
        }
    }
}
