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

    /** Bytes of the frame header: first pulse, pulses, light, arrivals, payload bytes. */
    static final int HEADER_BYTES = 8 + 4 + 8 + 4 + 4;
    private static final java.lang.invoke.VarHandle BE_LONGS = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle BE_INTS = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /**
     * Wire form: header, byte count, then per arrival a varint index gap and the packed state
     * byte, encoded in one array so the stream sees one write per batch.
     */
    public void writeTo(DataOutputStream out) throws IOException {
        writeTo(out, null);
    }

    /**
     * The same, encoded in {@code scratch} when it is large enough (else in a new array, returned for
     * the next batch): the city's links send 1,000 frames per simulated second. The header goes into
     * the same array (big-endian, as DataOutputStream writes it), so the stream sees one write; the
     * used part is zeroed afterwards (the state bytes are Alice's bits and bases).
     */
    public byte[] writeTo(DataOutputStream out, byte[] scratch) throws IOException {
        int need = HEADER_BYTES + size * 6 + 1; // gaps < 2^31 need at most 5 varint bytes; 1 byte of slack
        byte[] buf = scratch != null && scratch.length >= need ? scratch : new byte[Math.max(need, 4096)];
        int k = HEADER_BYTES;
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
        BE_LONGS.set(buf, 0, firstPulse);
        BE_INTS.set(buf, 8, pulses);
        BE_LONGS.set(buf, 12, Double.doubleToLongBits(lightCps));
        BE_INTS.set(buf, 20, size);
        BE_INTS.set(buf, 24, k - HEADER_BYTES);
        try {
            out.write(buf, 0, k);
        } finally {
            Arrays.fill(buf, 0, Math.min(buf.length, k + 4), (byte) 0); // k + 4: the 4-byte store's spill
        }
        return buf;
    }

    public static QubitBatch readFrom(DataInputStream in) throws IOException {
        return new Decoder().read(in);
    }

    /**
     * Reads batches into arrays it keeps (Bob's detector thread decodes 1,000 frames per simulated
     * second at the city's rates): a batch it returns is valid until the next {@link #read}; call
     * {@link #wipe} when it has been measured (its states are Alice's bits and bases). One thread.
     */
    public static final class Decoder {
        private final byte[] header = new byte[HEADER_BYTES];
        private byte[] buf = new byte[0];
        private long[] index = new long[0];
        private byte[] state = new byte[0];
        private int used, bytesUsed;

        public QubitBatch read(DataInputStream in) throws IOException {
            // the header in one read (DataInputStream.readInt reads byte by byte through the buffered stream)
            byte[] h = header;
            in.readFully(h);
            long first = (long) BE_LONGS.get(h, 0);
            int pulses = (int) BE_INTS.get(h, 8);
            double light = Double.longBitsToDouble((long) BE_LONGS.get(h, 12));
            int n = (int) BE_INTS.get(h, 20);
            int bytes = (int) BE_INTS.get(h, 24);
            if (pulses < 0 || n < 0 || n > pulses || !(light >= 0) || bytes < 2L * n || bytes > 11L * n) {
                throw new IOException("malformed qubit batch header");
            }
            if (buf.length < bytes) {
                buf = new byte[Math.max(bytes, buf.length + (buf.length >>> 1))];
            }
            if (index.length < Math.max(16, n)) {
                int c = Math.max(Math.max(16, n), index.length + (index.length >>> 1));
                index = new long[c];
                state = new byte[c];
            }
            byte[] buf = this.buf;
            bytesUsed = bytes;
            in.readFully(buf, 0, bytes);
            QubitBatch q = new QubitBatch(first, pulses, light, index, state);
            long[] ix = index;
            byte[] st = state;
            used = n;
            long prev = first, end = first + pulses;
            int k = 0;
            try {
                for (int i = 0; i < n; i++) {
                    if (k >= bytes) {
                        throw new IOException("truncated qubit batch");
                    }
                    int b = buf[k++];
                    long g;
                    if (b >= 0) {
                        g = b;
                    } else {
                        int b2 = k < bytes ? buf[k++] : -1; // past the end: the varint path reports it
                        if (b2 >= 0) {
                            g = (b & 0x7F) | (long) b2 << 7;
                        } else {
                            int[] pos = { k - 2 };
                            g = VarLongs.get(buf, pos);
                            k = pos[0];
                            if (k > bytes) {
                                throw new IOException("truncated qubit batch");
                            }
                        }
                    }
                    prev += g;
                    if (g < 0 || prev >= end) {
                        throw new IOException("qubit outside its batch");
                    }
                    ix[i] = prev;
                    if (k >= bytes) {
                        throw new IOException("truncated qubit batch");
                    }
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

        /** Zeroes the last batch's states and raw bytes (Alice's bits and bases as they arrived). */
        public void wipe() {
            Arrays.fill(state, 0, used, (byte) 0);
            Arrays.fill(buf, 0, bytesUsed, (byte) 0);
            used = 0;
            bytesUsed = 0;
        }
    }
}
