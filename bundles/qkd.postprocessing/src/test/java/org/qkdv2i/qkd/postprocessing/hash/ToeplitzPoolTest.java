package org.qkdv2i.qkd.postprocessing.hash;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;

public class ToeplitzPoolTest {
    @Test
    public void lendsReturnedInstancesBySizeAndHashesCorrectlyAfterAnotherKey() {
        ToeplitzPool pool = new ToeplitzPool(64L << 20);
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 20_000, m = 7_000;
        ToeplitzHash h = pool.borrow(n, m);
        long[] seed1 = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        h.apply(Bits.random(n, rnd), seed1); // another end's key went through it
        pool.release(h);
        assertEquals(1, pool.idleCount());
        assertTrue(pool.idleBytes() > 0);
        ToeplitzHash again = pool.borrow(n, m);
        assertSame(h, again);
        assertEquals(0, pool.idleCount());
        assertNotSame(h, pool.borrow(n, m)); // lent out: a second borrower gets its own
        assertNotSame(h, pool.borrow(n, m - 1)); // another size
        long[] key = Bits.random(n, rnd);
        long[] seed = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        assertArrayEquals(ToeplitzHash.hashNaive(key, n, seed, m), again.apply(key, seed));
        assertEquals(3, pool.builds());
    }

    @Test
    public void keepsIdleInstancesWithinTheByteBound() {
        ToeplitzHash probe = new ToeplitzHash(20_000, 7_000);
        ToeplitzPool pool = new ToeplitzPool(probe.retainedBytes() * 2);
        ToeplitzHash a = pool.borrow(20_000, 7_000), b = pool.borrow(20_000, 7_000), c = pool.borrow(20_000, 7_000);
        pool.release(a);
        pool.release(b);
        pool.release(c);
        assertEquals(2, pool.idleCount());
        assertTrue(pool.idleBytes() <= pool.maxIdleBytes());
        new ToeplitzPool(0).release(a); // keeps nothing
    }

    @Test
    public void threadsBorrowingTogetherNeverShareAnInstance() throws Exception {
        ToeplitzPool pool = new ToeplitzPool(64L << 20);
        int threads = 6, n = 8_000, m = 3_000;
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long s0 = t;
                fs.add(ex.submit(() -> {
                    SplittableRandom r = new SplittableRandom(s0);
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
            assertTrue(pool.builds() <= threads);
        } finally {
            ex.shutdownNow();
        }
    }
}
