package org.qkdv2i.driver.sim.fso.internal.physics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;

/** The fast samplers draw from the distributions they claim (tolerances: 5 standard deviations). */
public class SamplersTest {

    private static void assertProbability(String what, double expected, long hits, long n) {
        double sigma = Math.sqrt(expected * (1 - expected) / n);
        assertEquals(what, expected, (double) hits / n, 5 * sigma + 1e-12);
    }

    @Test
    public void zigguratExponentialHasTheExponentialLawIncludingItsTail() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 4_000_000;
        double[] t = { 0.01, 0.1, 0.5, 1, 2, 4, 7, 7.7, 8.5, 10 }; // 7.697 is the ziggurat's base edge
        long[] above = new long[t.length];
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; i++) {
            double e = Samplers.exponential(rng);
            assertTrue(e >= 0);
            sum += e;
            sum2 += e * e;
            for (int k = 0; k < t.length; k++) {
                if (e > t[k]) {
                    above[k]++;
                }
            }
        }
        assertEquals("mean", 1, sum / n, 5 / Math.sqrt(n));
        assertEquals("second moment", 2, sum2 / n, 5 * Math.sqrt(20.0 / n)); // Var(E²) = 24 − 4
        for (int k = 0; k < t.length; k++) {
            assertProbability("P(E > " + t[k] + ")", Math.exp(-t[k]), above[k], n);
        }
    }

    @Test
    public void geometricGapIsGeometric() {
        SplittableRandom rng = new SplittableRandom(2);
        for (double p : new double[] { 0.3, 1e-2, 1.8e-3 }) {
            double scale = Samplers.geometricScale(p);
            int n = 1_000_000;
            long zeros = 0, sum = 0;
            int[] ks = { 1, 10, 100, 1000 };
            long[] atLeast = new long[ks.length];
            for (int i = 0; i < n; i++) {
                long g = Samplers.geometricGap(rng, scale);
                zeros += g == 0 ? 1 : 0;
                sum += g;
                for (int k = 0; k < ks.length; k++) {
                    atLeast[k] += g >= ks[k] ? 1 : 0;
                }
            }
            assertProbability("P(gap = 0) at p = " + p, p, zeros, n);
            for (int k = 0; k < ks.length; k++) {
                assertProbability("P(gap >= " + ks[k] + ") at p = " + p, Math.pow(1 - p, ks[k]), atLeast[k], n);
            }
            double mean = (1 - p) / p, sd = Math.sqrt(1 - p) / p;
            assertEquals("mean gap at p = " + p, mean, (double) sum / n, 5 * sd / Math.sqrt(n));
        }
    }

    @Test
    public void binomialHasTheBinomialMeanVarianceAndSkewAtLargeAndSmallN() {
        SplittableRandom rng = new SplittableRandom(4);
        long[] ns = { 10, 1000, 1_000_000 };
        double[] ps = { 0.8, 0.05, 1e-5 };
        for (long n : ns) {
            for (double p : ps) {
                int draws = 40_000;
                double sum = 0, sum2 = 0, sum3 = 0;
                double mean = n * p, var = n * p * (1 - p);
                for (int i = 0; i < draws; i++) {
                    long k = Samplers.binomial(rng, n, p);
                    assertTrue(k >= 0 && k <= n);
                    double d = k - mean;
                    sum += d;
                    sum2 += d * d;
                    sum3 += d * d * d;
                }
                String at = "n = " + n + ", p = " + p;
                assertEquals("mean, " + at, 0, sum / draws, 5 * Math.sqrt(var / draws));
                // variance of the sample variance ≈ (μ4 − σ⁴)/draws with μ4 ≈ 3σ⁴ + σ²(1 − 6pq)
                double mu4 = 3 * var * var + var * (1 - 6 * p * (1 - p));
                assertEquals("variance, " + at, var, sum2 / draws, 5 * Math.sqrt((mu4 - var * var) / draws) + 1e-9);
                if (var > 1) { // third central moment n·p·q·(1 − 2p): the normal approximation has 0
                    double mu3 = var * (1 - 2 * p);
                    double sd3 = Math.sqrt(15 * var * var * var / draws); // ≈ √(μ6/draws) for near-normal
                    assertEquals("third moment, " + at, mu3, sum3 / draws, 5 * sd3);
                }
            }
        }
    }

    @Test
    public void binomialOfTinyAndSureProbabilities() {
        SplittableRandom rng = new SplittableRandom(5);
        assertEquals(0, Samplers.binomial(rng, 1_000_000, 0));
        assertEquals(1_000_000, Samplers.binomial(rng, 1_000_000, 1));
        long zeros = 0;
        for (int i = 0; i < 100_000; i++) {
            zeros += Samplers.binomial(rng, 1_000_000, 1e-7) == 0 ? 1 : 0;
        }
        assertProbability("P(0 of 10^6 at p = 1e-7)", Math.pow(1 - 1e-7, 1_000_000), zeros, 100_000);
    }

    @Test
    public void geometricGapEdgesNeverAndAlways() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Long.MAX_VALUE, Samplers.geometricGap(rng, Samplers.geometricScale(0)));
            assertTrue(Samplers.geometricGap(rng, Samplers.geometricScale(1)) <= 1);
        }
    }
}
