package org.qkdv2i.benchmarks.postprocessing;

import java.util.SplittableRandom;

import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.Entropy;
import org.qkdv2i.qkd.postprocessing.cascade.Cascade;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlan;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeResult;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeVariant;

/**
 * Prints Cascade's reconciliation efficiency f = disclosed parities / (n·h(Q)) (Q the actual
 * error fraction of each block) and residual-error counts, mean over fixed seeds, for the table
 * in docs/benchmarks.md. Every parity Alice reveals is counted: top-level block parities of all
 * passes and one per BINARY step.
 */
public final class CascadeEfficiency {
    private CascadeEfficiency() {
    }

    public static void main(String[] args) {
        System.out.println("| variant | n | QBER | runs | mean f | min f | max f | blocks with residual errors | mean rounds |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (CascadeVariant v : CascadeVariant.values()) {
            for (int n : new int[] {10_000, 100_000, 1_000_000}) {
                for (double q : new double[] {0.01, 0.02, 0.05, 0.08}) {
                    int runs = n == 1_000_000 ? 10 : n == 100_000 ? 40 : 200;
                    CascadePlan plan = CascadePlan.create(v, n, q, 12345);
                    double sum = 0, min = Double.MAX_VALUE, max = 0;
                    long rounds = 0;
                    int residual = 0;
                    for (int r = 0; r < runs; r++) {
                        SplittableRandom rnd = new SplittableRandom(1000L * n + r);
                        long[] a = Bits.random(n, rnd);
                        long[] b = Bits.withErrors(a, n, q, rnd);
                        double actual = (double) Bits.hammingDistance(a, b, n) / n;
                        CascadeResult res = Cascade.reconcile(plan, a, b);
                        double f = res.disclosedParities() / (n * Entropy.h(actual));
                        sum += f;
                        min = Math.min(min, f);
                        max = Math.max(max, f);
                        rounds += res.rounds();
                        if (Bits.hammingDistance(a, res.key(), n) != 0) {
                            residual++;
                        }
                    }
                    System.out.printf("| %s | %d | %.0f%% | %d | %.3f | %.3f | %.3f | %d | %d |%n", v, n, q * 100, runs,
                            sum / runs, min, max, residual, rounds / runs);
                }
            }
        }
    }
}
