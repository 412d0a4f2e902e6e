package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Alice's private record of a round: the class, basis and bit of every pulse that reached
 * Bob's detector, how many pulses of each class she sent, and — for pulses that delivered no
 * photon — the means to draw their (never yet used) class, basis and bit when Bob reports a
 * noise click there. Drawing those lazily from the right conditional distribution is
 * statistically identical to having drawn all 10⁹ choices per second up front; nobody can
 * have seen them before.
 */
public final class AliceLedger {

    private final double aliceZ;
    private final RandomGenerator rng;
    private ChoiceBits choices;
    private final ChoiceBits ownChoices;
    private BatchArrays recycler;
    private int arrivals;
    private final long[] sent = new long[3];
    // per batch: its arrivals (the emitted batch's own arrays, not copies: an eavesdropper copies
    // the state array before she changes it, see QubitBatch.ledgerOwnsState), its pulse range and the
    // cumulative class posterior of a pulse that delivered nothing
    private int batches;
    private long[][] batchIndex = new long[64][];
    private byte[][] batchState = new byte[64][];
    private int[] batchSize = new int[64];
    private long[] batchFirst = new long[64];
    private long[] batchEnd = new long[64];
    private double[] batchCum0 = new double[64];
    private double[] batchCum1 = new double[64];

    /**
     * {@code rng} draws the intensity class of a pulse that delivered nothing (emulation); its basis
     * and bit, which are key material, come from the source's {@link ChoiceBits}.
     */
    public AliceLedger(double aliceZ, RandomGenerator rng) {
        this(aliceZ, rng, null);
    }

    /**
     * With {@code own} choices for the noise clicks (wiped with the ledger) instead of the source's: for
     * a ledger resolved on another thread than the one that goes on emitting (Alice's protocol resolves
     * round r while round r + 1 is emitted; {@link ChoiceBits} is for one thread).
     */
    public AliceLedger(double aliceZ, RandomGenerator rng, ChoiceBits own) {
        this.aliceZ = aliceZ;
        this.rng = rng;
        this.ownChoices = own;
        this.choices = own;
    }

    void addBatch(QubitBatch q, long[] classCounts, double cum0, double cum1, ChoiceBits source, BatchArrays arrays) {
        if (ownChoices == null) {
            choices = source;
        }
        recycler = arrays;
        if (batches == batchFirst.length) {
            int c = batches * 2;
            batchIndex = Arrays.copyOf(batchIndex, c);
            batchState = Arrays.copyOf(batchState, c);
            batchSize = Arrays.copyOf(batchSize, c);
            batchFirst = Arrays.copyOf(batchFirst, c);
            batchEnd = Arrays.copyOf(batchEnd, c);
            batchCum0 = Arrays.copyOf(batchCum0, c);
            batchCum1 = Arrays.copyOf(batchCum1, c);
        }
        batchIndex[batches] = q.index;
        batchState[batches] = q.state;
        q.ledgerOwnsState = true;
        batchSize[batches] = q.size;
        batchFirst[batches] = q.firstPulse;
        batchEnd[batches] = q.firstPulse + q.pulses;
        batchCum0[batches] = cum0;
        batchCum1[batches] = cum1;
        batches++;
        arrivals += q.size;
        for (int c = 0; c < 3; c++) {
            sent[c] += classCounts[c];
        }
    }

    /** Pulses of intensity class {@code c} sent in this round. */
    public long sent(int c) {
        return sent[c];
    }

    public long sentTotal() {
        return sent[0] + sent[1] + sent[2];
    }

    /** Arrivals recorded (pulses that delivered a photon to Bob's detector). */
    public int arrivals() {
        return arrivals;
    }

    /**
     * Walks Bob's clicks in pulse order and fills Alice's class, basis, bit and photon number
     * (0 when no photon arrived) for each; {@code clicks} must be ascending and inside the
     * batches recorded.
     */
    public void resolve(long[] clicks, int n, byte[] outCls, byte[] outBasis, byte[] outBit, byte[] outPhotons) {
        int i = 0;
        int b = Math.max(0, lowerBound(batchFirst, batches, n == 0 ? 0 : clicks[0] + 1) - 1);
        while (i < n) {
            if (b >= batches || clicks[i] < batchFirst[b]) {
                throw new IllegalArgumentException("click at pulse " + clicks[i] + " outside the pulses sent");
            }
            long end = batchEnd[b];
            long[] ix = batchIndex[b];
            byte[] st = batchState[b];
            int size = batchSize[b];
            int j = lowerBound(ix, size, clicks[i]);
            // merge of two ascending lists: Bob's clicks are a subset of the arrivals plus noise
            // clicks. An arrival at or before the click is decoded into slot i, which the next
            // arrival overwrites unless it was the click: no branch on how many arrivals lie between.
            while (i < n) {
                long c = clicks[i];
                if (c >= end) {
                    break;
                }
                if (j < size && ix[j] <= c) {
                    long a = ix[j];
                    int s = st[j++];
                    outCls[i] = (byte) (s & 3);
                    outBasis[i] = (byte) (s >> QubitBatch.BASIS_SHIFT & 1);
                    outBit[i] = (byte) (s >> QubitBatch.BIT_SHIFT & 1);
                    outPhotons[i] = (byte) ((s & 0xFF) >> QubitBatch.PHOTON_SHIFT);
                    i += a == c ? 1 : 0;
                } else {
                    noiseClick(i, b, outCls, outBasis, outBit, outPhotons);
                    i++;
                }
            }
            b++;
        }
    }

    /** A click where no photon arrived: Alice's never-used choices for that pulse, drawn now. */
    private void noiseClick(int i, int b, byte[] outCls, byte[] outBasis, byte[] outBit, byte[] outPhotons) {
        double u = rng.nextDouble();
        outCls[i] = (byte) (u < batchCum0[b] ? 0 : u < batchCum1[b] ? 1 : 2);
        outBasis[i] = (byte) (aliceZ == 0.5 ? choices.bits(1) : choices.nextDouble() < aliceZ ? 0 : 1);
        outBit[i] = (byte) choices.bits(1);
        outPhotons[i] = 0;
    }

    /** First position in a[0..n) whose value is ≥ key. */
    private static int lowerBound(long[] a, int n, long key) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Forgets the round (Alice's raw key is secret) and hands the batches' arrays back to the
     * source for the next round: call it only when nothing reads this round's batches any more.
     */
    public void wipe() {
        for (int b = 0; b < batches; b++) {
            Arrays.fill(batchState[b], (byte) 0);
        }
        if (recycler != null) {
            recycler.recycleAll(batchIndex, batchState, batches);
        }
        for (int b = 0; b < batches; b++) {
            batchState[b] = null;
            batchIndex[b] = null;
        }
        arrivals = 0;
        batches = 0;
        Arrays.fill(sent, 0);
        if (ownChoices != null) {
            ownChoices.wipe();
        }
    }
}
