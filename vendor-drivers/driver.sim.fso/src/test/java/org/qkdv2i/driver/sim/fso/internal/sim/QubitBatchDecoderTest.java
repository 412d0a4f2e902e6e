package org.qkdv2i.driver.sim.fso.internal.sim;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import org.junit.Test;

/** The kept-buffer encoder and decoder of qubit frames: same bytes, reuse across sizes, refusals, wiping. */
public class QubitBatchDecoderTest {

    private static QubitBatch batch(long first, int pulses, int arrivals, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        QubitBatch q = new QubitBatch(first, pulses, 12.5, 4);
        long idx = first;
        for (int i = 0; i < arrivals; i++) {
            idx += r.nextInt(1, (pulses - 1) / arrivals); // gaps of one to three varint bytes
            q.add(idx, r.nextInt(3), r.nextInt(2), r.nextInt(2), r.nextInt(1, 20));
        }
        return q;
    }

    private static byte[] encode(QubitBatch q, byte[][] scratch) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (scratch == null) {
            q.writeTo(new DataOutputStream(b));
        } else {
            scratch[0] = q.writeTo(new DataOutputStream(b), scratch[0]);
        }
        return b.toByteArray();
    }

    @Test
    public void keptBuffersEncodeAndDecodeLikeFreshOnesAcrossBatchSizes() throws IOException {
        byte[][] scratch = { null };
        QubitBatch.Decoder decoder = new QubitBatch.Decoder();
        int[] sizes = { 900, 20, 3000, 0, 150 };
        for (int k = 0; k < sizes.length; k++) {
            QubitBatch q = batch(1000L * k * 1_000_000, 1_000_000, sizes[k], k);
            byte[] fresh = encode(q, null);
            byte[] kept = encode(q, scratch);
            assertArrayEquals("batch " + k, fresh, kept);
            byte[] used = scratch[0];
            for (byte b : used) {
                assertEquals("the encoding buffer is zeroed after the frame", 0, b);
            }
            QubitBatch r = decoder.read(new DataInputStream(new ByteArrayInputStream(kept)));
            assertEquals(q.firstPulse, r.firstPulse);
            assertEquals(q.pulses, r.pulses);
            assertEquals(q.lightCps, r.lightCps, 0);
            assertEquals(q.size(), r.size());
            for (int i = 0; i < q.size(); i++) {
                assertEquals(q.index(i), r.index(i));
                assertEquals(q.state[i], r.state[i]);
            }
            decoder.wipe();
            for (int i = 0; i < r.size(); i++) {
                assertEquals("states wiped", 0, r.state[i]);
            }
        }
    }

    @Test
    public void truncatedFramesAreRefusedWithAnIoExceptionEvenWithLargerKeptBuffers() throws IOException {
        QubitBatch.Decoder decoder = new QubitBatch.Decoder();
        // a large frame first: the decoder's buffers are larger than what follows
        decoder.read(new DataInputStream(new ByteArrayInputStream(encode(batch(0, 1_000_000, 2000, 9), null))));
        decoder.wipe();
        byte[] good = encode(batch(0, 1_000_000, 50, 10), null);
        for (int cut = QubitBatch.HEADER_BYTES; cut < good.length; cut += 7) {
            byte[] bad = Arrays.copyOf(good, good.length);
            // claim fewer payload bytes than the arrivals need: the last ones run off the declared end
            int declared = cut - QubitBatch.HEADER_BYTES;
            if (declared < 2 * 50) {
                continue; // refused by the header check already
            }
            bad[24] = (byte) (declared >>> 24);
            bad[25] = (byte) (declared >>> 16);
            bad[26] = (byte) (declared >>> 8);
            bad[27] = (byte) declared;
            try {
                decoder.read(new DataInputStream(new ByteArrayInputStream(bad)));
                fail("a frame cut at " + declared + " payload bytes was read");
            } catch (IOException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("qubit"));
            } finally {
                decoder.wipe();
            }
        }
    }
}
