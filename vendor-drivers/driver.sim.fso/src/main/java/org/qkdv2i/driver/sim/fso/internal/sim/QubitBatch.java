package org.qkdv2i.driver.sim.fso.internal.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * What travels on the emulated quantum channel for one batch of pulses: the pulses that
 * deliver at least one photon to Bob's detector (the detector efficiency acts as the
 * equivalent beam splitter in front of an ideal detector), each with its pulse index, the
 * polarisation state (basis, bit) it carries when it arrives, the photon number Alice emitted
 * and Alice's intensity class, plus the light level at the receiver during the batch.
 *
 * <p>Channel-side type: Bob's protocol code never sees it; {@link BobDetector} turns it into
 * {@link BobDetections}. The class and photon number are emulation bookkeeping (statistics,
 * tests); neither Eve's attacks nor the detector model read the class.
 */
public final class QubitBatch {

    /** First pulse index of the batch. */
    public final long firstPulse;
    /** Pulses the source emitted in this batch. */
    public final int pulses;
    /** Background light reaching Bob's detectors (sky + any flooding), counts/s summed over both. */
    public final double lightCps;
    int size;
    long[] index;
    byte[] cls;
    byte[] basis;
    byte[] bit;
    byte[] photons;

    public QubitBatch(long firstPulse, int pulses, double lightCps, int capacity) {
        this.firstPulse = firstPulse;
        this.pulses = pulses;
        this.lightCps = lightCps;
        int c = Math.max(16, capacity);
        index = new long[c];
        cls = new byte[c];
        basis = new byte[c];
        bit = new byte[c];
        photons = new byte[c];
    }

    void add(long idx, int c, int b, int v, int n) {
        if (size == index.length) {
            int c2 = size * 2;
            index = Arrays.copyOf(index, c2);
            cls = Arrays.copyOf(cls, c2);
            basis = Arrays.copyOf(basis, c2);
            bit = Arrays.copyOf(bit, c2);
            photons = Arrays.copyOf(photons, c2);
        }
        index[size] = idx;
        cls[size] = (byte) c;
        basis[size] = (byte) b;
        bit[size] = (byte) v;
        photons[size] = (byte) Math.min(n, 15);
        size++;
    }

    public int size() {
        return size;
    }

    public long index(int i) {
        return index[i];
    }

    public int intensityClass(int i) {
        return cls[i];
    }

    public int basis(int i) {
        return basis[i];
    }

    public int bit(int i) {
        return bit[i];
    }

    public int photons(int i) {
        return photons[i];
    }

    /** Replaces the state of arrival {@code i} (an eavesdropper resending). */
    void setState(int i, int b, int v) {
        basis[i] = (byte) b;
        bit[i] = (byte) v;
    }

    /** A copy (Alice keeps the original, the channel carries the copy). */
    QubitBatch copy() {
        QubitBatch q = new QubitBatch(firstPulse, pulses, lightCps, size);
        System.arraycopy(index, 0, q.index, 0, size);
        System.arraycopy(cls, 0, q.cls, 0, size);
        System.arraycopy(basis, 0, q.basis, 0, size);
        System.arraycopy(bit, 0, q.bit, 0, size);
        System.arraycopy(photons, 0, q.photons, 0, size);
        q.size = size;
        return q;
    }

    /**
     * Wire form: header, byte count, then per arrival a varint index gap and one packed byte
     * (class | basis &lt;&lt; 2 | bit &lt;&lt; 3 | photons &lt;&lt; 4), encoded in one array so the stream
     * sees one write per batch.
     */
    public void writeTo(DataOutputStream out) throws IOException {
        byte[] buf = new byte[size * 11];
        int k = 0;
        long prev = firstPulse;
        for (int i = 0; i < size; i++) {
            k = VarLongs.put(buf, k, index[i] - prev);
            prev = index[i];
            buf[k++] = (byte) (cls[i] | basis[i] << 2 | bit[i] << 3 | photons[i] << 4);
        }
        out.writeLong(firstPulse);
        out.writeInt(pulses);
        out.writeDouble(lightCps);
        out.writeInt(size);
        out.writeInt(k);
        out.write(buf, 0, k);
    }

    public static QubitBatch readFrom(DataInputStream in) throws IOException {
        long first = in.readLong();
        int pulses = in.readInt();
        double light = in.readDouble();
        int n = in.readInt();
        int bytes = in.readInt();
        if (pulses < 0 || n < 0 || n > pulses || !(light >= 0) || bytes < 2L * n || bytes > 11L * n) {
            throw new IOException("malformed qubit batch header");
        }
        byte[] buf = new byte[bytes];
        in.readFully(buf);
        QubitBatch q = new QubitBatch(first, pulses, light, n);
        long prev = first;
        int[] pos = {0};
        try {
            for (int i = 0; i < n; i++) {
                prev += VarLongs.get(buf, pos);
                if (prev >= first + pulses) {
                    throw new IOException("qubit outside its batch");
                }
                int packed = buf[pos[0]++] & 0xFF;
                q.add(prev, packed & 3, packed >> 2 & 1, packed >> 3 & 1, packed >> 4);
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IOException("truncated qubit batch");
        }
        return q;
    }
}
