package org.qkdv2i.qkd.postprocessing.cascade;

import org.qkdv2i.qkd.postprocessing.Bits;

/**
 * Alice's side of Cascade: a parity oracle over her (reference) key. It answers whatever Bob asks
 * and counts what it disclosed. Not thread-safe; one per block.
 */
public final class CascadeAlice implements ParityOracle {
    private final CascadePlan plan;
    private final KeyViews views;
    private long disclosed;

    /** @param key Alice's key, {@code plan.length()} bits; kept by reference, not modified. */
    public CascadeAlice(CascadePlan plan, long[] key) {
        if (key.length < Bits.words(plan.length())) {
            throw new IllegalArgumentException("key shorter than the plan");
        }
        this.plan = plan;
        this.views = new KeyViews(plan, key);
    }

    @Override
    public ParityResponse answer(ParityRequest r) {
        int topCount = 0;
        long[] top = new long[0];
        if (r.topLevelPass() >= 0) {
            if (r.topLevelPass() >= plan.passes()) {
                throw new IllegalArgumentException("no such pass");
            }
            topCount = plan.blocks(r.topLevelPass());
            top = views.topParities(r.topLevelPass());
        }
        int c = r.count();
        long[] par = new long[Bits.words(c)];
        int n = plan.length();
        int[] ps = r.pass(), fs = r.from(), ts = r.to();
        for (int i = 0; i < c; i++) {
            int p = ps[i], from = fs[i], to = ts[i];
            if (p < 0 || p >= plan.passes() || from < 0 || to > n || from >= to) {
                throw new IllegalArgumentException("bad parity range");
            }
            par[i >>> 6] |= (long) views.rangeParity(p, from, to) << i;
        }
        disclosed += topCount + c;
        return new ParityResponse(topCount, top, c, par);
    }

    /** Zeroises the shuffled copies of the key this oracle made (the caller owns the key itself). */
    public void wipe() {
        views.wipeViews();
    }

    /** Parity bits disclosed so far. */
    public long disclosedParities() {
        return disclosed;
    }
}
