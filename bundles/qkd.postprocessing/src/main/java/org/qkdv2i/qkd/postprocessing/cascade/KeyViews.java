package org.qkdv2i.qkd.postprocessing.cascade;

import org.qkdv2i.qkd.postprocessing.Bits;

/**
 * One party's key seen in the order of every pass: a bit-packed copy per pass, built on first use
 * by one gather over the plan's shuffle, so that any range parity is a word-wise XOR/popcount
 * (len/64 operations) instead of a gather of len random bits. Pass 0 is the key itself.
 */
final class KeyViews {
    private final CascadePlan plan;
    private final long[] key;
    private final long[][] views;
    /** The plan's inverse shuffle of each pass whose view exists (fetched once; the plan may build it lazily). */
    private final int[][] invs;

    KeyViews(CascadePlan plan, long[] key) {
        this.plan = plan;
        this.key = key;
        this.views = new long[plan.passes()][];
        this.invs = new int[plan.passes()][];
        views[0] = key;
    }

    long[] view(int p) {
        long[] v = views[p];
        if (v == null) {
            v = plan.permute(key, p);
            invs[p] = plan.inv(p);
            views[p] = v;
        }
        return v;
    }

    int rangeParity(int p, int lo, int hi) {
        return Bits.parity(view(p), lo, hi);
    }

    long[] topParities(int p) {
        int nb = plan.blocks(p), k = plan.blockSize(p), n = plan.length();
        long[] out = new long[Bits.words(nb)];
        long[] mask = plan.firstBlockMask[p];
        if (mask != null && views[p] == null) {
            // two blocks or fewer: parity of block 0 is <key, mask>, block 1 follows from the total
            long a = 0, t = 0;
            int words = Bits.words(n);
            for (int w = 0; w < words; w++) {
                a ^= key[w] & mask[w];
                t ^= key[w];
            }
            if ((n & 63) != 0) {
                t ^= key[words - 1] & (-1L << n); // bits past n are not the key's (a caller may leave them set)
            }
            int b0 = Long.bitCount(a) & 1;
            out[0] = b0;
            if (nb == 2) {
                out[0] |= (long) (b0 ^ (Long.bitCount(t) & 1)) << 1;
            }
            return out;
        }
        long[] v = view(p);
        for (int b = 0; b < nb; b++) {
            int lo = b * k;
            out[b >>> 6] |= (long) Bits.parity(v, lo, Math.min(n, lo + k)) << b;
        }
        return out;
    }

    /** Flips original bit {@code orig} in the key and in every view built so far. */
    void flip(int orig) {
        Bits.flip(key, orig);
        for (int q = 1; q < views.length; q++) {
            if (views[q] != null) {
                Bits.flip(views[q], invs[q][orig]);
            }
        }
    }

    /** Zeroises the views (not the key itself). */
    void wipeViews() {
        for (int q = 1; q < views.length; q++) {
            Bits.wipe(views[q]);
            views[q] = null;
        }
    }
}
