package org.qkdv2i.driver.sim.fso.internal.sim;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.Assert.assertEquals;

/** Test access to the package-private parts of {@link QubitBatch}. */
public final class QubitBatchCodecAccess {

    private QubitBatchCodecAccess() {
    }

    /** Three arrivals in a 1000-pulse batch, encoded. */
    public static byte[] sampleWire() throws IOException {
        QubitBatch q = new QubitBatch(5000, 1000, 123.5, 4);
        q.add(5000, 0, 1, 1, 1);
        q.add(5300, 1, 0, 0, 2);
        q.add(5999, 2, 1, 0, 15);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        q.writeTo(new DataOutputStream(b));
        QubitBatch r = QubitBatch.readFrom(new DataInputStream(new java.io.ByteArrayInputStream(b.toByteArray())));
        assertEquals(5000, r.firstPulse);
        assertEquals(1000, r.pulses);
        assertEquals(123.5, r.lightCps, 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(q.index(i), r.index(i));
            assertEquals(q.intensityClass(i), r.intensityClass(i));
            assertEquals(q.basis(i), r.basis(i));
            assertEquals(q.bit(i), r.bit(i));
            assertEquals(q.photons(i), r.photons(i));
        }
        return b.toByteArray();
    }

    public static int decodedSize(DataInputStream in) throws IOException {
        return QubitBatch.readFrom(in).size();
    }
}
