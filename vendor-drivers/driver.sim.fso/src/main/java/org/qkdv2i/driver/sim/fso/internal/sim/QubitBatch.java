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
 *
 * <p>Per arrival two arrays: the pulse index and one packed state byte
 * {@code class | basis << 2 | bit << 3 | min(photons, 15) << 4}, which is also its wire form.
 */
public final class QubitBatch {

    private static final java.lang.invoke.VarHandle INTS = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static final int BASIS_SHIFT = 2;
    static final int BIT_SHIFT = 3;
    static final int PHOTON_SHIFT = 4;

    /** First pulse index of the batch. */
    public final long firstPulse;
    /** Pulses the source emitted in this batch. */
    public final int pulses;
    /** Background light reaching Bob's detectors (sky + any flooding), counts/s summed over both. */
    public final double lightCps;
    int size;
    long[] index;
    byte[] state;
    /** Alice's ledger records this batch's state array itself: change a copy (copy on write). */
    boolean ledgerOwnsState;

    public QubitBatch(long firstPulse, int pulses, double lightCps, int capacity) {
        this.firstPulse = firstPulse;
        this.pulses = pulses;
        this.lightCps = lightCps;
        int c = Math.max(16, capacity);
        index = new long[c];
        state = new byte[c];
    }

    /** A batch on recycled arrays ({@link BatchArrays}); {@code state} must be zeroed. */
    QubitBatch(long firstPulse, int pulses, double lightCps, long[] index, byte[] state) {
        this.firstPulse = firstPulse;
        this.pulses = pulses;
        this.lightCps = lightCps;
        this.index = index;
        this.state = state;
    }

    static int pack(int c, int b, int v, int n) {
        return c | b << BASIS_SHIFT | v << BIT_SHIFT | Math.min(n, 15) << PHOTON_SHIFT;
    }

    void add(long idx, int c, int b, int v, int n) {
        add(idx, pack(c, b, v, n));
    }

    void add(long idx, int packed) {
        if (size == index.length) {
            grow();
        }
        index[size] = idx;
        state[size] = (byte) packed;
        size++;
    }

    void grow() {
        index = Arrays.copyOf(index, size * 2);
        state = Arrays.copyOf(state, size * 2);
    }

    public int size() {
        return size;
    }

    public long index(int i) {
        return index[i];
    }

    public int intensityClass(int i) {
        return state[i] & 3;
    }

    public int basis(int i) {
        return state[i] >> BASIS_SHIFT & 1;
    }

    public int bit(int i) {
        return state[i] >> BIT_SHIFT & 1;
    }

    public int photons(int i) {
        return (state[i] & 0xFF) >> PHOTON_SHIFT;
    }

    /** Replaces the polarisation of arrival {@code i} (an eavesdropper resending). */
    void setState(int i, int b, int v) {
        if (ledgerOwnsState) {
            state = state.clone(); // Alice's record keeps what she sent
            ledgerOwnsState = false;
        }
        state[i] = (byte) (state[i] & ~(1 << BASIS_SHIFT | 1 << BIT_SHIFT) | b << BASIS_SHIFT | v << BIT_SHIFT);
    }

    /**
     * Wire form: header, byte count, then per arrival a varint index gap and the packed state
     * byte, encoded in one array so the stream sees one write per batch.
     */
    public void writeTo(DataOutputStream out) throws IOException {
        byte[] buf = new byte[size * 6 + 1]; // gaps < 2^31 need at most 5 varint bytes; 1 byte of slack
        int k = 0;
        long prev = firstPulse;
        long[] ix = index;
        byte[] st = state;
        for (int i = 0; i < size; i++) {
            long g = ix[i] - prev;
            prev = ix[i];
            if (g >= 0x80 && g < 0x4000) {
                // the usual gap of a few hundred pulses: two varint bytes and the state in one store
                INTS.set(buf, k, (int) (g & 0x7F | 0x80 | (g >>> 7) << 8) | (st[i] & 0xFF) << 16);
                k += 3;
                continue;
            }
            k = VarLongs.put(buf, k, g);
            buf[k++] = st[i];
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
        long[] ix = q.index;
        byte[] st = q.state;
        long prev = first, end = first + pulses;
        int k = 0;
        try {
            for (int i = 0; i < n; i++) {
                int b = buf[k++];
                long g;
                if (b >= 0) {
                    g = b;
                } else {
                    int b2 = buf[k++];
                    if (b2 >= 0) {
                        g = (b & 0x7F) | (long) b2 << 7;
                    } else {
                        int[] pos = { k - 2 };
                        g = VarLongs.get(buf, pos);
                        k = pos[0];
                    }
                }
                prev += g;
                if (g < 0 || prev >= end) {
                    throw new IOException("qubit outside its batch");
                }
                ix[i] = prev;
                st[i] = buf[k++];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IOException("truncated qubit batch");
        }
        if (k != bytes) {
            throw new IOException("qubit batch length mismatch");
        }
        q.size = n;
        return q;
    }
}
