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
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzHash;

/**
 * Toeplitz privacy amplification of an n-bit reconciled key to m = n/2 bits (a typical
 * finite-key ratio at short range): Mbit/s of input = n / (µs/op). The instance (NTT tables,
 * buffers) is reused as a driver would; a fresh key and seed per invocation are not needed for
 * timing because the NTT's work does not depend on the data. {@code amplify}: seed transformed per
 * call; {@code amplifyPrepared}: the seed transformed once ({@link ToeplitzHash#prepare});
 * {@code threads} = 2 lets the hash use the common ForkJoin pool as well.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class ToeplitzBenchmark {
    @Param({"1000000", "10000000"})
    public int n;

    @Param({"1"})
    public int threads;

    private ToeplitzHash hash;
    private ToeplitzHash.Prepared prepared;
    private long[] key;
    private long[] seed;

    @Setup(Level.Trial)
    public void setup() {
        int m = n / 2;
        hash = new ToeplitzHash(n, m, threads);
        SplittableRandom rnd = new SplittableRandom(n);
        key = Bits.random(n, rnd);
        seed = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        prepared = hash.prepare(seed);
    }

    @Benchmark
    public long[] amplify() {
        return hash.apply(key, seed);
    }

    @Benchmark
    public long[] amplifyPrepared() {
        return prepared.apply(key);
    }
}
