package org.qkdv2i.benchmarks.postprocessing;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.cascade.Cascade;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlan;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeResult;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeVariant;

/**
 * Cascade, both parties in one thread (Alice's oracle answers Bob's requests in process, no
 * serialisation): time per sifted block of n bits, so Mbit/s = n / (µs/op). The plan (block
 * sizes and shuffles) is built once per (n, QBER) as a driver would cache it; each invocation
 * reconciles one of 8 pre-generated key pairs with binomial errors at the given QBER.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class CascadeBenchmark {
    @Param({"10000", "100000", "1000000"})
    public int n;

    @Param({"0.01", "0.02", "0.05"})
    public double qber;

    @Param({"OPTIMISED", "ORIGINAL"})
    public CascadeVariant variant;

    private CascadePlan plan;
    private long[][] alice;
    private long[][] bob;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        plan = CascadePlan.create(variant, n, qber, 12345);
        alice = new long[8][];
        bob = new long[8][];
        SplittableRandom rnd = new SplittableRandom(n ^ Double.doubleToLongBits(qber));
        for (int i = 0; i < 8; i++) {
            alice[i] = Bits.random(n, rnd);
            bob[i] = Bits.withErrors(alice[i], n, qber, rnd);
        }
    }

    @Benchmark
    public CascadeResult reconcile() {
        int i = next++ & 7;
        return Cascade.reconcile(plan, alice[i], bob[i]);
    }
}
