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
        System.out.println("| Toeplitz n → m | mode | threads | wall ms/op | CPU ms/op | Mbit/s in (wall) | Mbit/s in (CPU) |");
        System.out.println("|---|---|---|---|---|---|---|");
        int[][] sizes = {{400_000, 150_000}, {1_000_000, 500_000}, {10_000_000, 5_000_000}};
        for (int[] nm : sizes) {
            for (String mode : new String[] {"instance", "prepared seed", "static hash()"}) {
                toeplitz(nm[0], nm[1], mode, 1);
            }
            toeplitz(nm[0], nm[1], "instance", 2);
            toeplitz(nm[0], nm[1], "prepared seed", 2);
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

    /**
     * One Toeplitz configuration. "instance": a reused {@link ToeplitzHash} (tables and buffers
     * kept), fresh seed transform per call; "prepared seed": the seed transformed once
     * ({@link ToeplitzHash#prepare}); "static hash()": {@link ToeplitzHash#hash} builds everything
     * per call, as a driver with varying block sizes does. With 2 threads the CPU column is the
     * whole process's CPU time (both threads, GC and JIT included).
     */
    private static void toeplitz(int n, int m, String mode, int threads) {
        ToeplitzHash t = new ToeplitzHash(n, m, threads);
        SplittableRandom rnd = new SplittableRandom(n);
        long[] key = Bits.random(n, rnd), seed = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        ToeplitzHash.Prepared prepared = mode.equals("prepared seed") ? t.prepare(seed) : null;
        Runnable op = switch (mode) {
            case "prepared seed" -> () -> prepared.apply(key);
            case "static hash()" -> () -> ToeplitzHash.hash(key, n, seed, m);
            default -> () -> t.apply(key, seed);
        };
        int reps = n >= 10_000_000 ? 4 : n >= 1_000_000 ? 30 : 60;
        for (int r = 0; r < reps; r++) {
            op.run();
        }
        long c0 = cpu(threads), t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            op.run();
        }
        double wall = (System.nanoTime() - t0) / 1e6 / reps, cpu = (cpu(threads) - c0) / 1e6 / reps;
        System.out.printf("| %d → %d | %s | %d | %.1f | %.1f | %.1f | %.1f |%n", n, m, mode, threads, wall, cpu,
                n / wall / 1e3, n / cpu / 1e3);
    }

    private static long cpu(int threads) {
        if (threads == 1) {
            return MX.getCurrentThreadCpuTime();
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
