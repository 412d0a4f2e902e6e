package org.qkdv2i.benchmarks.postprocessing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.Entropy;
import org.qkdv2i.qkd.postprocessing.cascade.Cascade;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlan;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeResult;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeVariant;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzHash;

/**
 * Companion to the JMH benchmarks for a shared machine: the same workloads, timed by wall clock
 * and by the benchmark thread's CPU time (ThreadMXBean). When other processes load the two cores,
 * wall-clock throughput shows the share of the machine we got and CPU time what the code costs
 * per core. Prints Markdown tables. Run with -Xms4g -Xmx4g -XX:+AlwaysPreTouch.
 */
public final class PostprocessingCpuTime {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private PostprocessingCpuTime() {
    }

    public static void main(String[] args) {
        System.out.println("| Cascade variant | n | QBER | wall µs/op | CPU µs/op | Mbit/s (wall) | Mbit/s (CPU) | mean f |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (CascadeVariant v : new CascadeVariant[] {CascadeVariant.OPTIMISED, CascadeVariant.ORIGINAL}) {
            for (int n : new int[] {10_000, 100_000, 1_000_000}) {
                for (double q : new double[] {0.01, 0.02, 0.05}) {
                    cascade(v, n, q);
                }
            }
        }
        System.out.println();
        System.out.println("| Toeplitz n → m | wall ms/op | CPU ms/op | Mbit/s in (wall) | Mbit/s in (CPU) |");
        System.out.println("|---|---|---|---|---|");
        for (int n : new int[] {1_000_000, 10_000_000}) {
            toeplitz(n, n / 2);
        }
    }

    private static void cascade(CascadeVariant v, int n, double q) {
        CascadePlan plan = CascadePlan.create(v, n, q, 12345);
        SplittableRandom rnd = new SplittableRandom(n + 17);
        long[][] a = new long[8][], b = new long[8][];
        double[] h = new double[8];
        for (int i = 0; i < 8; i++) {
            a[i] = Bits.random(n, rnd);
            b[i] = Bits.withErrors(a[i], n, q, rnd);
            h[i] = Entropy.h((double) Bits.hammingDistance(a[i], b[i], n) / n);
        }
        int reps = Math.max(8, 40_000_000 / n);
        for (int r = 0; r < reps; r++) { // warm-up
            Cascade.reconcile(plan, a[r & 7], b[r & 7]);
        }
        double fSum = 0;
        long c0 = MX.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            CascadeResult res = Cascade.reconcile(plan, a[r & 7], b[r & 7]);
            fSum += res.disclosedParities() / (n * h[r & 7]);
        }
        double wall = (System.nanoTime() - t0) / 1e3 / reps, cpu = (MX.getCurrentThreadCpuTime() - c0) / 1e3 / reps;
        System.out.printf("| %s | %d | %.0f%% | %.0f | %.0f | %.1f | %.1f | %.3f |%n", v, n, q * 100, wall, cpu,
                n / wall, n / cpu, fSum / reps);
    }

    private static void toeplitz(int n, int m) {
        ToeplitzHash t = new ToeplitzHash(n, m);
        SplittableRandom rnd = new SplittableRandom(n);
        long[] key = Bits.random(n, rnd), seed = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        int reps = n >= 10_000_000 ? 3 : 10;
        for (int r = 0; r < reps; r++) {
            t.apply(key, seed);
        }
        long c0 = MX.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            t.apply(key, seed);
        }
        double wall = (System.nanoTime() - t0) / 1e6 / reps, cpu = (MX.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
        System.out.printf("| %d → %d | %.0f | %.0f | %.1f | %.1f |%n", n, m, wall, cpu, n / wall / 1e3, n / cpu / 1e3);
    }
}
