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
    private int size;
    private long[] index = new long[1024];
    private byte[] cls = new byte[1024];
    private byte[] basis = new byte[1024];
    private byte[] bit = new byte[1024];
    private byte[] photons = new byte[1024];
    private final long[] sent = new long[3];
    // per batch: first pulse and the cumulative class posterior of a pulse that delivered nothing
    private int batches;
    private long[] batchFirst = new long[64];
    private double[] batchCum0 = new double[64];
    private double[] batchCum1 = new double[64];

    public AliceLedger(double aliceZ, RandomGenerator rng) {
        this.aliceZ = aliceZ;
        this.rng = rng;
    }

    void addBatch(QubitBatch q, long[] classCounts, double cum0, double cum1) {
        if (batches == batchFirst.length) {
            batchFirst = Arrays.copyOf(batchFirst, batches * 2);
            batchCum0 = Arrays.copyOf(batchCum0, batches * 2);
            batchCum1 = Arrays.copyOf(batchCum1, batches * 2);
        }
        batchFirst[batches] = q.firstPulse;
        batchCum0[batches] = cum0;
        batchCum1[batches] = cum1;
        batches++;
        int need = size + q.size;
        if (need > index.length) {
            int c = Math.max(need, index.length * 2);
            index = Arrays.copyOf(index, c);
            cls = Arrays.copyOf(cls, c);
            basis = Arrays.copyOf(basis, c);
            bit = Arrays.copyOf(bit, c);
            photons = Arrays.copyOf(photons, c);
        }
        System.arraycopy(q.index, 0, index, size, q.size);
        System.arraycopy(q.cls, 0, cls, size, q.size);
        System.arraycopy(q.basis, 0, basis, size, q.size);
        System.arraycopy(q.bit, 0, bit, size, q.size);
        System.arraycopy(q.photons, 0, photons, size, q.size);
        size = need;
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
        return size;
    }

    /**
     * Walks Bob's clicks in pulse order and fills Alice's class, basis, bit and photon number
     * (0 when no photon arrived) for each; {@code clicks} must be ascending.
     */
    public void resolve(long[] clicks, int n, byte[] outCls, byte[] outBasis, byte[] outBit, byte[] outPhotons) {
        if (n == 0) {
            return;
        }
        int j = lowerBound(index, size, clicks[0]);
        int b = Math.max(0, lowerBound(batchFirst, batches, clicks[0] + 1) - 1);
        for (int i = 0; i < n; i++) {
            long idx = clicks[i];
            while (j < size && index[j] < idx) {
                j++;
            }
            if (j < size && index[j] == idx) {
                outCls[i] = cls[j];
                outBasis[i] = basis[j];
                outBit[i] = bit[j];
                outPhotons[i] = photons[j];
                continue;
            }
            while (b + 1 < batches && batchFirst[b + 1] <= idx) {
                b++;
            }
            double u = rng.nextDouble();
            outCls[i] = (byte) (u < batchCum0[b] ? 0 : u < batchCum1[b] ? 1 : 2);
            outBasis[i] = (byte) (rng.nextDouble() < aliceZ ? 0 : 1);
            outBit[i] = (byte) (rng.nextBoolean() ? 1 : 0);
            outPhotons[i] = 0;
        }
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

    /** Forgets the round (Alice's raw key is secret). */
    public void wipe() {
        Arrays.fill(bit, (byte) 0);
        Arrays.fill(basis, (byte) 0);
        size = 0;
        batches = 0;
        Arrays.fill(sent, 0);
    }
}
