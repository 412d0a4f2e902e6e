package org.qkdv2i.qkd.postprocessing.hash;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;

public class ToeplitzPoolTest {
    @Test
    public void hashesOnSharedTablesAreCorrectAndDropTheirBuffersOnRelease() {
        ToeplitzPool pool = new ToeplitzPool(64L << 20);
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 20_000, m = 7_000;
        ToeplitzHash a = pool.borrow(n, m);
        long[] seed1 = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        a.apply(Bits.random(n, rnd), seed1); // another end's key went through the shared tables
        long withBuffers = a.retainedBytes();
        pool.release(a);
        assertTrue("buffers dropped", a.retainedBytes() < withBuffers);
        ToeplitzHash b = pool.borrow(n, m);
        ToeplitzHash c = pool.borrow(n, m - 1); // same transform length: the same tables
        assertEquals(1, pool.builds());
        assertEquals(1, pool.tableCount());
        assertTrue(pool.tableBytes() > 0);
        long[] key = Bits.random(n, rnd);
        long[] seed = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        assertArrayEquals(ToeplitzHash.hashNaive(key, n, seed, m), b.apply(key, seed));
        long[] seedC = Bits.random(ToeplitzHash.seedBits(n, m - 1), rnd);
        assertArrayEquals(ToeplitzHash.hashNaive(key, n, seedC, m - 1), c.apply(key, seedC));
        pool.release(b);
        // a released hash still works (it allocates again): a late caller gets a right answer, not a crash
        assertArrayEquals(ToeplitzHash.hashNaive(key, n, seed, m), b.apply(key, seed));
    }

    @Test
    public void keepsTablesWithinTheByteBoundLeastRecentlyUsedFirst() {
        ToeplitzPool probe = new ToeplitzPool(1L << 30);
        probe.borrow(20_000, 7_000);
        long one = probe.tableBytes();
        ToeplitzPool pool = new ToeplitzPool(one + one / 2); // room for one set of this size
        SplittableRandom rnd = new SplittableRandom(5);
        pool.borrow(20_000, 7_000);
        ToeplitzHash big = pool.borrow(200_000, 70_000); // another length: the first set goes
        assertEquals(1, pool.tableCount());
        assertEquals(2, pool.builds());
        long[] key = Bits.random(200_000, rnd), seed = Bits.random(ToeplitzHash.seedBits(200_000, 70_000), rnd);
        assertArrayEquals(ToeplitzHash.hash(key, 200_000, seed, 70_000), big.apply(key, seed));
        pool.borrow(20_000, 7_000);
        assertEquals(3, pool.builds());
        assertTrue(pool.tableBytes() <= Math.max(pool.maxTableBytes(), one * 4));
    }

    @Test
    public void manyThreadsHashOnOneSetOfTablesAtOnce() throws Exception {
        ToeplitzPool pool = new ToeplitzPool(64L << 20);
        int threads = 6, n = 8_000, m = 3_000;
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.List<java.util.concurrent.Future<Integer>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long s0 = t;
                fs.add(ex.submit(() -> {
                    SplittableRandom r = new SplittableRandom(s0);
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < 30; i++) {
                        long[] key = Bits.random(n, r), seed = Bits.random(ToeplitzHash.seedBits(n, m), r);
                        ToeplitzHash h = pool.borrow(n, m);
                        try {
                            if (java.util.Arrays.equals(ToeplitzHash.hashNaive(key, n, seed, m), h.apply(key, seed))) {
                                ok++;
                            }
                        } finally {
                            pool.release(h);
                        }
                    }
                    return ok;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : fs) {
                assertEquals(30, (int) f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(1, pool.tableCount());
            assertTrue("at most one lost race per thread: " + pool.builds(), pool.builds() <= threads);
        } finally {
            ex.shutdownNow();
        }
    }
}
