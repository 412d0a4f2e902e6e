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
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class V2xSecurityBenchmark {

    static final int BATCH = 1024;

    @Param({"CAM", "BSM"})
    public V2xSecureMessages.Kind kind;

    V2xSecureMessages messages;
    private byte[] signedWire;

    @Setup(Level.Trial)
    public void setup() {
        messages = new V2xSecureMessages(Duration.ofMinutes(5));
    }

    /** A fresh signed message per iteration (its generation time stays within the receiver's limit). */
    @Setup(Level.Iteration)
    public void sign() {
        signedWire = messages.sendSigned(kind);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        messages.close();
    }

    @Benchmark
    public byte[] ecdsaEncodeSign() {
        return messages.sendSigned(kind);
    }

    @Benchmark
    public Object ecdsaVerifyDecode() {
        return messages.receiveSigned(kind, signedWire);
    }

    @Benchmark
    public Object ecdsaRoundTrip() {
        return messages.receiveSigned(kind, messages.sendSigned(kind));
    }

    @Benchmark
    public byte[] pskEncodeProtect() {
        return messages.sendPsk(kind);
    }

    /** Messages protected (untimed) before each invocation, for {@link #pskOpenDecode}. */
    @State(Scope.Thread)
    public static class PskBatch {
        byte[][] wires = new byte[BATCH][];

        @Setup(Level.Invocation)
        public void protect(V2xSecurityBenchmark b) {
            for (int i = 0; i < BATCH; i++) {
                wires[i] = b.messages.sendPsk(b.kind);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object pskOpenDecode(PskBatch batch) {
        Object last = null;
        for (byte[] w : batch.wires) {
            last = messages.receivePsk(kind, w);
        }
        return last;
    }

    @Benchmark
    public Object pskRoundTrip() {
        return messages.receivePsk(kind, messages.sendPsk(kind));
    }
}
