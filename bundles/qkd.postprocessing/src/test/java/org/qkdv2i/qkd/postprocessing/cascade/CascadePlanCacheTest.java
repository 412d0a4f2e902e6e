package org.qkdv2i.qkd.postprocessing.cascade;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

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

    @Test
    public void boundedByBytesEvictingTheLeastRecentlyUsed() {
        CascadePlan probe = CascadePlan.create(CascadeVariant.OPTIMISED, 100_000, 0.01, 1);
        long one = probe.retainedBytes();
        assertTrue("a plan of 10^5 bits keeps its shuffles: " + one, one > 8L * 100_000);
        CascadePlanCache c = new CascadePlanCache(100, 2 * one + one / 2); // room for two
        CascadePlan a = c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 1);
        CascadePlan b = c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 2);
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 1)); // a most recent
        c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 3);                 // evicts b
        assertEquals(2, c.size());
        assertTrue(c.bytes() <= c.maxBytes());
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 1));
        assertNotSame(b, c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 2));
        assertEquals(4, c.builds());
    }

    @Test
    public void aPlanLargerThanTheBoundIsStillReturnedAndKeptAlone() {
        CascadePlanCache c = new CascadePlanCache(100, 1000);
        c.get(CascadeVariant.OPTIMISED, 50_000, 0.01, 1);
        CascadePlan big = c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 1);
        assertEquals(1, c.size());
        assertSame(big, c.get(CascadeVariant.OPTIMISED, 100_000, 0.01, 1));
    }

    /** Both ends of a link (two threads, each with its own key) take the same plan from one shared cache and reconcile. */
    @Test
    public void sharedByManyThreadsOnePlanPerKeyAndValidAtTheOtherEnd() throws Exception {
        CascadePlanCache shared = new CascadePlanCache(64, 64L << 20);
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.List<java.util.concurrent.Future<CascadePlan>> got = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                got.add(pool.submit(() -> {
                    start.await();
                    CascadePlan p = null;
                    for (int i = 0; i < 50; i++) {
                        p = shared.get(CascadeVariant.OPTIMISED, 60_000, 0.02, 7);
                        shared.get(CascadeVariant.OPTIMISED, 30_000 + (i % 5) * 1000, 0.02, 7);
                    }
                    return p;
                }));
            }
            CascadePlan first = got.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);
            for (java.util.concurrent.Future<CascadePlan> f : got) {
                assertSame(first, f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(6, shared.size());
            assertTrue("at most one lost race per key and thread: " + shared.builds(), shared.builds() <= 6L * threads);
            // Alice's end and Bob's end: the plan one end built reconciles the other's key (the "wire" is in-process)
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
            long[] alice = org.qkdv2i.qkd.postprocessing.Bits.random(60_000, rnd);
            long[] bob = org.qkdv2i.qkd.postprocessing.Bits.withErrors(alice, 60_000, 0.02, rnd);
            CascadeAlice oracle = new CascadeAlice(shared.get(CascadeVariant.OPTIMISED, 60_000, 0.02, 7), alice);
            CascadeResult r = Cascade.run(new CascadeBob(first, bob), oracle);
            assertEquals(0, org.qkdv2i.qkd.postprocessing.Bits.hammingDistance(alice, r.key(), 60_000));
        } finally {
            pool.shutdownNow();
        }
    }
}
