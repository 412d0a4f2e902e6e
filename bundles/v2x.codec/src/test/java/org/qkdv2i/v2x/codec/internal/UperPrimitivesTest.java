package org.qkdv2i.v2x.codec.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import java.util.HexFormat;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/** The X.691 unaligned building blocks, against hand-worked encodings. */
public class UperPrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String hex(BitWriter w) {
        return HEX.formatHex(w.toByteArray());
    }

    @Test
    public void constrainedWholeNumbersUseTheMinimalBitCount() {
        assertEquals(0, Uper.bitsForRange(5, 5));
        assertEquals(1, Uper.bitsForRange(0, 1));
        assertEquals(8, Uper.bitsForRange(0, 255));
        assertEquals(9, Uper.bitsForRange(0, 256));
        assertEquals(7, Uper.bitsForRange(1, 127)); // HeadingConfidence
        assertEquals(12, Uper.bitsForRange(0, 3601)); // HeadingValue
        assertEquals(31, Uper.bitsForRange(-900000000, 900000001)); // Latitude
        assertEquals(32, Uper.bitsForRange(-1800000000, 1800000001)); // Longitude
        assertEquals(42, Uper.bitsForRange(0, 4398046511103L)); // TimestampIts: no octet alignment in UPER
        BitWriter w = new BitWriter();
        w.constrained(3601, 0, 3601, "h"); // 1110 0001 0001
        w.constrained(-1, -1, 14, "lane"); // 0000
        assertEquals("e110", hex(w));
        assertThrows(IllegalArgumentException.class, () -> new BitWriter().constrained(3602, 0, 3601, "h"));
    }

    @Test
    public void lengthDeterminants() {
        BitWriter w = new BitWriter();
        w.lengthGeneral(5);
        w.lengthGeneral(200);
        w.lengthGeneral(16383);
        assertEquals("0580c8bfff", hex(w));
        assertThrows(IllegalArgumentException.class, () -> new BitWriter().lengthGeneral(16384));
        BitReader r = new BitReader(HEX.parseHex("0580c8bfffc0"));
        assertEquals(5, r.lengthGeneral("t", "a"));
        assertEquals(200, r.lengthGeneral("t", "b"));
        assertEquals(16383, r.lengthGeneral("t", "c"));
        try {
            r.lengthGeneral("t", "d");
            fail();
        } catch (DecodeFailure f) {
            assertEquals(Kind.UNSUPPORTED, f.error().kind()); // 11xxxxxx: fragmentation
            assertEquals(40, f.error().bitOffset());
        }
    }

    @Test
    public void normallySmallNumbers() {
        BitWriter w = new BitWriter();
        w.normallySmall(0); // 0 000000
        w.normallySmall(63); // 0 111111
        w.normallySmall(64); // 1 00000001 01000000
        // 0000000 0111111 1 00000001 01000000 (+ one padding bit)
        assertEquals("00fe0280", hex(w));
        BitReader r = new BitReader(w.toByteArray());
        assertEquals(0, r.normallySmall("t", "a"));
        assertEquals(63, r.normallySmall("t", "b"));
        assertEquals(64, r.normallySmall("t", "c"));
    }

    @Test
    public void unconstrainedIntegersAreMinimalTwosComplement() {
        BitWriter w = new BitWriter();
        w.unconstrained(-1);
        w.unconstrained(128);
        w.unconstrained(65536);
        assertEquals("01ff020080" + "03010000", hex(w));
        BitReader r = new BitReader(w.toByteArray());
        assertEquals(-1, r.unconstrained("t", "a"));
        assertEquals(128, r.unconstrained("t", "b"));
        assertEquals(65536, r.unconstrained("t", "c"));
    }

    @Test
    public void unknownExtensionAdditionsAreSkipped() {
        BitWriter w = new BitWriter();
        w.normallySmall(2); // three additions
        w.bit(true);
        w.bit(false);
        w.bit(true);
        w.openType(new byte[] {1, 2, 3});
        w.openType(new byte[] {4});
        w.bits(0x5A, 8); // what follows the extensible type
        BitReader r = new BitReader(w.toByteArray());
        r.skipExtensionAdditions("t");
        assertEquals(0x5A, r.bits(8, "t", "after"));
    }

    @Test
    public void aLongExtensionBitmapUsesAGeneralLength() {
        BitWriter w = new BitWriter();
        w.bit(true); // more than 64 additions: 1, then a general length of n (X.691 §11.9.3.4)
        w.lengthGeneral(70);
        for (int i = 0; i < 70; i++) {
            w.bit(i == 69);
        }
        w.openType(new byte[] {9, 9});
        w.bits(0xA5, 8);
        BitReader r = new BitReader(w.toByteArray());
        r.skipExtensionAdditions("t");
        assertEquals(0xA5, r.bits(8, "t", "after"));
    }

    @Test
    public void anExtensionBitmapWithNothingPresentIsMalformed() {
        BitWriter w = new BitWriter();
        w.normallySmall(0);
        w.bit(false);
        try {
            new BitReader(w.toByteArray()).skipExtensionAdditions("t");
            fail();
        } catch (DecodeFailure f) {
            assertEquals(Kind.MALFORMED, f.error().kind());
        }
    }

    @Test
    public void readsBeyondTheEndFailWithoutReading() {
        BitReader r = new BitReader(new byte[] {(byte) 0xFF});
        r.bits(5, "t", "a");
        try {
            r.bits(4, "t", "b");
            fail();
        } catch (DecodeFailure f) {
            assertEquals(Kind.TRUNCATED, f.error().kind());
            assertEquals("t.b", f.error().field());
            assertEquals(5, f.error().bitOffset());
        }
        try {
            new BitReader(new byte[2]).octets(1_000_000, "t", "huge");
            fail();
        } catch (DecodeFailure f) {
            assertEquals(Kind.TRUNCATED, f.error().kind());
        }
    }

    @Test
    public void anEmptyEncodingIsOneZeroOctet() {
        assertArrayEquals(new byte[1], new BitWriter().toByteArray());
        BitWriter w = new BitWriter();
        w.bit(true);
        assertArrayEquals(new byte[] {(byte) 0x80}, w.toByteArray());
        assertFalse(w.bitLength() == 8);
    }
}
