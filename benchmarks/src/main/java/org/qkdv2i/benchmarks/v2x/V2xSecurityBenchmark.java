package org.qkdv2i.benchmarks.v2x;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 6: encode+protect and verify+decode per message, CAM and BSM, ECDSA P-256 SignedData
 * versus the DAU's PSK AES-128-CCM channel (workloads in {@link V2xSecureMessages}); messages per
 * second on one thread (= per core). Target: PSK path ≥ 100,000 messages/s per core.
 * {@code pskOpenDecode} opens batches of {@value #BATCH} messages protected before each
 * invocation (untimed), because the channel's replay window accepts each message once;
 * {@code *RoundTrip} is both ends' work for one message on one core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class V2xSecurityBenchmark {

    static final int BATCH = 1024;

    /** The workload, shared by the benchmark methods and {@link PskBatch} (one per thread). */
    @State(Scope.Thread)
    public static class Messages {
        @Param({"CAM", "BSM"})
        public V2xSecureMessages.Kind kind;

        V2xSecureMessages m;
        byte[] signedWire;

        @Setup(Level.Trial)
        public void setup() {
            m = new V2xSecureMessages(Duration.ofMinutes(5));
        }

        /** A fresh signed message per iteration (its generation time stays within the receiver's limit). */
        @Setup(Level.Iteration)
        public void sign() {
            signedWire = m.sendSigned(kind);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            m.close();
        }
    }

    /**
     * Messages protected (untimed) before each invocation of {@link #pskOpenDecode}. It keeps the
     * {@link Messages} it protected with: JMH hands a setup method's state parameter and a benchmark
     * method's state parameter of the same class as two instances, and only this one's receiver
     * holds the sender's key.
     */
    @State(Scope.Thread)
    public static class PskBatch {
        byte[][] wires = new byte[BATCH][];
        Messages s;

        @Setup(Level.Invocation)
        public void protect(Messages s) {
            this.s = s;
            for (int i = 0; i < BATCH; i++) {
                wires[i] = s.m.sendPsk(s.kind);
            }
        }
    }

    @Benchmark
    public byte[] ecdsaEncodeSign(Messages s) {
        return s.m.sendSigned(s.kind);
    }

    @Benchmark
    public Object ecdsaVerifyDecode(Messages s) {
        return s.m.receiveSigned(s.kind, s.signedWire);
    }

    @Benchmark
    public Object ecdsaRoundTrip(Messages s) {
        return s.m.receiveSigned(s.kind, s.m.sendSigned(s.kind));
    }

    @Benchmark
    public byte[] pskEncodeProtect(Messages s) {
        return s.m.sendPsk(s.kind);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object pskOpenDecode(PskBatch batch) {
        Object last = null;
        for (byte[] w : batch.wires) {
            last = batch.s.m.receivePsk(batch.s.kind, w);
        }
        return last;
    }

    @Benchmark
    public Object pskRoundTrip(Messages s) {
        return s.m.receivePsk(s.kind, s.m.sendPsk(s.kind));
    }
}
