package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import org.junit.Test;
import org.qkdv2i.driver.sim.fso.internal.sim.VarLongs;

/** Wire encodings: click positions as varint gaps (the two-byte fast paths give the plain varint bytes), bits and crumbs. */
public class WireTest {

    private static byte[] write(long[] idx, long first) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Wire.writeGaps(out, idx, idx.length, first);
        }
        return bytes.toByteArray();
    }

    @Test
    public void everyGapSizeRoundTripsAndMatchesPlainVarints() throws IOException {
        long first = 1L << 40;
        long[] gaps = { 0, 1, 127, 128, 129, 1000, 16383, 16384, 16385, 1L << 21, (1L << 35) + 7, 5, 0x3FFF, 0x80 };
        long[] idx = new long[gaps.length];
        long p = first;
        for (int i = 0; i < gaps.length; i++) {
            p += gaps[i];
            idx[i] = p;
        }
        byte[] wire = write(idx, first);
        // reference: 4-byte count, then VarLongs.put for each gap
        byte[] ref = new byte[gaps.length * 10];
        int k = 0;
        for (long g : gaps) {
            k = VarLongs.put(ref, k, g);
        }
        assertEquals(k, wire.length - 4);
        assertArrayEquals(Arrays.copyOf(ref, k), Arrays.copyOfRange(wire, 4, wire.length));
        long[] back = Wire.readGaps(new DataInputStream(new ByteArrayInputStream(wire)), idx.length, first, p + 1);
        assertArrayEquals(idx, back);
    }

    @Test
    public void manyLongGapsOutgrowTheFirstBuffer() throws IOException {
        long[] idx = new long[1000];
        long p = 0;
        for (int i = 0; i < idx.length; i++) {
            p += 1L << 40; // six varint bytes each, twice the first buffer's two-byte estimate
            idx[i] = p;
        }
        byte[] wire = write(idx, 0);
        assertArrayEquals(idx, Wire.readGaps(new DataInputStream(new ByteArrayInputStream(wire)), idx.length, 0, p + 1));
    }

    @Test(expected = IOException.class)
    public void truncatedTwoByteGapIsRefused() throws IOException {
        // claims 2 positions in 2 bytes, the second gap's varint cut after its first byte
        byte[] wire = { 0, 0, 0, 2, 5, (byte) 0x81 };
        Wire.readGaps(new DataInputStream(new ByteArrayInputStream(wire)), 2, 0, 1000);
    }

    /** Bits and crumbs packed a byte at a time (plus a tail) read back as written, for every tail length. */
    @Test
    public void bitsAndCrumbsRoundTrip() throws IOException {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int n = 0; n < 40; n++) {
            byte[] bits = new byte[n], crumbs = new byte[n];
            for (int i = 0; i < n; i++) {
                bits[i] = (byte) rnd.nextInt(2);
                crumbs[i] = (byte) rnd.nextInt(4);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                Wire.writeBits(out, bits, n);
                Wire.writeCrumbs(out, crumbs, n);
            }
            byte[] wire = bytes.toByteArray();
            assertEquals((n + 7) / 8 + (n + 3) / 4, wire.length);
            if (n >= 8) { // LSB first: value i is bit i of the stream
                assertEquals(bits[0] | bits[1] << 1 | bits[7] << 7, wire[0] & 0x83);
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire));
            assertArrayEquals(bits, Wire.readBits(in, n));
            assertArrayEquals(crumbs, Wire.readCrumbs(in, n));
        }
    }
}
