package org.qkdv2i.qkd.postprocessing.cascade;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.Entropy;
import org.qkdv2i.qkd.postprocessing.hash.PolynomialHash;

public class CascadeTest {
    private static final double[] QBERS = {0.01, 0.02, 0.05, 0.08};

    /** Mean f over runs, asserting every run ends error-free (or, failing that, is caught by verification). */
    private static double meanEfficiency(CascadeVariant v, int n, double q, int runs, long seed) {
        CascadePlan plan = CascadePlan.create(v, n, q, seed);
        double sum = 0;
        int residualRuns = 0;
        for (int r = 0; r < runs; r++) {
            SplittableRandom rnd = new SplittableRandom(seed * 1000 + r);
            long[] a = Bits.random(n, rnd);
            long[] b = Bits.withErrors(a, n, q, rnd);
            int errors = Bits.hammingDistance(a, b, n);
            CascadeResult res = Cascade.reconcile(plan, a, b);
            int residual = Bits.hammingDistance(a, res.key(), n);
            if (residual != 0) {
                residualRuns++;
                byte[] point = new byte[16];
                rnd.nextBytes(point);
                int t = PolynomialHash.tagBits(n, 1e-12);
                assertFalse("verification must catch a failed block",
                        PolynomialHash.matches(PolynomialHash.tag(a, n, point, t), PolynomialHash.tag(res.key(), n, point, t)));
            } else {
                assertEquals(errors, res.corrected());
            }
            sum += res.disclosedParities() / (n * Entropy.h((double) errors / n));
        }
        if (v == CascadeVariant.OPTIMISED) {
            assertEquals(v + " q=" + q + " n=" + n + ": runs with residual errors", 0, residualRuns);
        } else {
            assertTrue(v + " q=" + q + ": residual errors in " + residualRuns + "/" + runs, residualRuns * 50 <= runs);
        }
        return sum / runs;
    }

    @Test
    public void optimisedRemovesAllErrorsWithEfficiencyInThePublishedRange() {
        // Martinez-Mateo et al. 2015 report f of about 1.05-1.10 for their optimised schedules; measured
        // here (fixed seeds): n = 1e4 -> 1.08..1.16 (the 14 passes' top-level parities weigh most at
        // 1%), n = 1e5 -> 1.04..1.06 (all parities counted)
        for (double q : QBERS) {
            double f4 = meanEfficiency(CascadeVariant.OPTIMISED, 10_000, q, 60, 11);
            assertTrue("n=1e4 q=" + q + " f=" + f4, f4 > 1.0 && f4 < 1.20);
            double f5 = meanEfficiency(CascadeVariant.OPTIMISED, 100_000, q, 8, 12);
            assertTrue("n=1e5 q=" + q + " f=" + f5, f5 > 1.0 && f5 < 1.08);
        }
    }

    @Test
    public void originalRemovesErrorsWithEfficiencyInThePublishedRange() {
        // Brassard-Salvail schedule at n = 1e4: published f = 1.14-1.21 for Q = 1-10%;
        // measured here 1.15 (1%) .. 1.23 (8%)
        for (double q : QBERS) {
            double f = meanEfficiency(CascadeVariant.ORIGINAL, 10_000, q, 60, 21);
            assertTrue("q=" + q + " f=" + f, f > 1.10 && f < 1.27);
        }
    }

    @Test
    public void optimisedBeatsOriginalAtTwoPercent() {
        double fo = meanEfficiency(CascadeVariant.ORIGINAL, 100_000, 0.02, 5, 31);
        double fm = meanEfficiency(CascadeVariant.OPTIMISED, 100_000, 0.02, 5, 31);
        assertTrue(fm + " < " + fo, fm < fo - 0.05);
        assertTrue("f at 2% = " + fm, fm <= 1.10);
    }

    @Test
    public void runsOverEncodedMessagesAndBothSidesCountTheSameDisclosure() {
        int n = 20_000;
        double q = 0.03;
        CascadePlan planA = CascadePlan.create(CascadeVariant.OPTIMISED, n, q, 77);
        CascadePlan planB = CascadePlan.create(CascadeVariant.OPTIMISED, n, q, 77);
        SplittableRandom rnd = new SplittableRandom(8);
        long[] a = Bits.random(n, rnd);
        long[] b = Bits.withErrors(a, n, q, rnd);
        long[] bCopy = b.clone();
        CascadeAlice alice = new CascadeAlice(planA, a);
        CascadeBob bob = new CascadeBob(planB, b);
        long wireBits = 0;
        for (ParityRequest r; (r = bob.nextRequest()) != null; ) {
            byte[] req = r.encode();
            ParityResponse resp = alice.answer(ParityRequest.decode(req));
            byte[] wire = resp.encode();
            wireBits += resp.disclosedBits();
            bob.accept(ParityResponse.decode(wire));
        }
        CascadeResult res = bob.result();
        assertEquals(0, Bits.hammingDistance(a, res.key(), n));
        assertEquals(alice.disclosedParities(), res.disclosedParities());
        assertEquals(wireBits, res.disclosedParities());
        assertTrue(res.rounds() > planB.passes());
        assertEquals("Bob's input is not modified", 0, Bits.hammingDistance(b, bCopy, n));
    }

    @Test
    public void errorFreeKeyCostsOnlyTopLevelParities() {
        int n = 10_000;
        CascadePlan plan = CascadePlan.create(CascadeVariant.OPTIMISED, n, 0.02, 1);
        long[] a = Bits.random(n, new SplittableRandom(2));
        CascadeResult res = Cascade.reconcile(plan, a, a.clone());
        long tops = 0;
        for (int p = 0; p < plan.passes(); p++) {
            tops += plan.blocks(p);
        }
        assertEquals(tops, res.disclosedParities());
        assertEquals(0, res.corrected());
    }

    @Test
    public void blockSchedulesFollowThePapers() {
        CascadePlan o = CascadePlan.create(CascadeVariant.ORIGINAL, 100_000, 0.02, 1);
        assertEquals(4, o.passes());
        assertEquals(37, o.blockSize(0)); // ceil(0.73 / 0.02)
        assertEquals(74, o.blockSize(1));
        assertEquals(296, o.blockSize(3));
        CascadePlan m = CascadePlan.create(CascadeVariant.OPTIMISED, 100_000, 0.02, 1);
        assertEquals(14, m.passes());
        assertEquals(64, m.blockSize(0));   // alpha = log2(50) - 0.5 = 5.14 -> 2^6
        assertEquals(512, m.blockSize(1));  // 2^ceil(17.14 / 2)
        assertEquals(4096, m.blockSize(2));
        assertEquals(50_000, m.blockSize(3));
        assertEquals(2, m.blocks(13));
    }

    @Test(expected = IllegalStateException.class)
    public void bobRefusesAResponseWithoutARequest() {
        CascadePlan plan = CascadePlan.create(CascadeVariant.OPTIMISED, 100, 0.02, 1);
        new CascadeBob(plan, new long[2]).accept(new ParityResponse(0, new long[0], 0, new long[0]));
    }

    @Test
    public void oddLengthsAndTinyKeysWork() {
        for (int n : new int[] {1, 2, 3, 65, 129, 1001}) {
            CascadePlan plan = CascadePlan.create(CascadeVariant.OPTIMISED, n, 0.05, n);
            SplittableRandom rnd = new SplittableRandom(n);
            for (int r = 0; r < 20; r++) {
                long[] a = Bits.random(n, rnd);
                long[] b = Bits.withErrors(a, n, 0.05, rnd);
                CascadeResult res = Cascade.reconcile(plan, a, b);
                assertEquals("n=" + n, 0, Bits.hammingDistance(a, res.key(), n));
            }
        }
    }

    @Test
    public void bitsPastTheKeyLengthInAlicesArrayAreIgnored() {
        // Alice's key is used by reference; a caller's array may carry garbage past n in its last word
        int n = 100_001;
        CascadePlan plan = CascadePlan.create(CascadeVariant.OPTIMISED, n, 0.01, 3);
        SplittableRandom rnd = new SplittableRandom(4);
        long[] a = Bits.random(n, rnd);
        long[] b = Bits.withErrors(a, n, 0.01, rnd);
        long[] dirty = a.clone();
        dirty[dirty.length - 1] |= -1L << n;
        CascadeResult res = Cascade.reconcile(plan, dirty, b);
        assertEquals(0, Bits.hammingDistance(a, res.key(), n));
    }

    @Test(expected = IllegalStateException.class)
    public void contradictoryParitiesEndTheRunInsteadOfLoopingForever() {
        int n = 10_000;
        CascadePlan plan = CascadePlan.create(CascadeVariant.OPTIMISED, n, 0.01, 3);
        long[] a = Bits.random(n, new SplittableRandom(6));
        CascadeAlice honest = new CascadeAlice(plan, a);
        // a peer that inverts every top-level parity of the last pass: no key satisfies all passes
        Cascade.run(new CascadeBob(plan, a.clone()), r -> {
            ParityResponse x = honest.answer(r);
            if (r.topLevelPass() == plan.passes() - 1) {
                long[] top = x.top().clone();
                top[0] ^= 1;
                return new ParityResponse(x.topCount(), top, x.count(), x.parities());
            }
            return x;
        });
    }

    @Test
    public void overlappingPassesNeedFewerRoundTripsAndStillRemoveEveryError() {
        int n = 100_000;
        CascadePlan plan = CascadePlan.create(CascadeVariant.OPTIMISED, n, 0.02, 13);
        long classicRounds = 0, overlapRounds = 0;
        double fSum = 0;
        for (int r = 0; r < 6; r++) {
            SplittableRandom rnd = new SplittableRandom(100 + r);
            long[] a = Bits.random(n, rnd);
            long[] b = Bits.withErrors(a, n, 0.02, rnd);
            int errors = Bits.hammingDistance(a, b, n);
            classicRounds += Cascade.reconcile(plan, a, b).rounds();
            CascadeAlice alice = new CascadeAlice(plan, a);
            CascadeResult res = Cascade.run(new CascadeBob(plan, b, 5), alice);
            assertEquals(0, Bits.hammingDistance(a, res.key(), n));
            assertEquals(errors, res.corrected());
            assertEquals(alice.disclosedParities(), res.disclosedParities());
            overlapRounds += res.rounds();
            fSum += res.efficiency();
        }
        assertTrue(overlapRounds + " vs " + classicRounds, overlapRounds < 0.85 * classicRounds);
        assertTrue("f = " + fSum / 6, fSum / 6 > 1.0 && fSum / 6 < 1.10);
    }
}
