package org.qkdv2i.qkd.postprocessing.cascade;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;

import org.junit.Test;

public class CascadePlanCacheTest {
    @Test
    public void reusesPlansAndEvictsTheLeastRecentlyUsed() {
        CascadePlanCache c = new CascadePlanCache(2);
        CascadePlan a = c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1);
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1));
        CascadePlan b = c.get(CascadeVariant.OPTIMISED, 2000, 0.02, 1);
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1)); // a is now the most recent
        c.get(CascadeVariant.ORIGINAL, 1000, 0.02, 1);                 // evicts b
        assertEquals(2, c.size());
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1));
        assertNotSame(b, c.get(CascadeVariant.OPTIMISED, 2000, 0.02, 1));
    }

    @Test
    public void estimatesWithTheSameScheduleShareAPlan() {
        CascadePlanCache c = new CascadePlanCache(4);
        // optimised schedule: 1.0 % and 0.9 % both give blocks of 128 and 1024 in the first two passes
        CascadePlan a = c.get(CascadeVariant.OPTIMISED, 100_000, 0.010, 3);
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 100_000, 0.009, 3));
        // 1.2 % gives 64 and 512: a plan of its own
        CascadePlan b = c.get(CascadeVariant.OPTIMISED, 100_000, 0.012, 3);
        assertNotSame(a, b);
        assertEquals(64, b.blockSize(0));
        assertEquals(128, a.blockSize(0));
        assertEquals(1024, a.blockSize(1));
        assertNotSame(a, c.get(CascadeVariant.OPTIMISED, 100_000, 0.010, 4)); // another seed
    }

    @Test
    public void aSharedPlanReconcilesLikeAFreshOneWithTheSameSchedule() {
        CascadePlanCache c = new CascadePlanCache(2);
        CascadePlan shared = c.get(CascadeVariant.OPTIMISED, 50_000, 0.010, 9);
        CascadePlan fresh = CascadePlan.create(CascadeVariant.OPTIMISED, 50_000, 0.0095, 9);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        long[] a = org.qkdv2i.qkd.postprocessing.Bits.random(50_000, rnd);
        long[] b = org.qkdv2i.qkd.postprocessing.Bits.withErrors(a, 50_000, 0.0095, rnd);
        CascadeResult x = Cascade.reconcile(c.get(CascadeVariant.OPTIMISED, 50_000, 0.0095, 9), a, b);
        CascadeResult y = Cascade.reconcile(fresh, a, b);
        assertSame(shared, c.get(CascadeVariant.OPTIMISED, 50_000, 0.0095, 9));
        assertEquals(y.disclosedParities(), x.disclosedParities());
        assertEquals(0, org.qkdv2i.qkd.postprocessing.Bits.hammingDistance(a, x.key(), 50_000));
    }

    @Test
    public void roundsQberUpInHalfPercentSteps() {
        assertEquals(0.005, CascadePlanCache.roundUp(0.0), 1e-12);
        assertEquals(0.02, CascadePlanCache.roundUp(0.02), 1e-12);
        assertEquals(0.025, CascadePlanCache.roundUp(0.0201), 1e-12);
        assertEquals(0.45, CascadePlanCache.roundUp(0.49), 1e-12);
    }
}
