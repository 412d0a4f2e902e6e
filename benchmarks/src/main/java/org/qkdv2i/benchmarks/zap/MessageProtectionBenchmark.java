package org.qkdv2i.benchmarks.zap;

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
 * Issue 5 targets: protect + open of a 300-byte message on the symmetric paths ≥ 100× faster
 * than ECDSA P-256 verify and ≥ 200,000 messages/s per core. Each symmetric benchmark is one
 * message protected by the sender's channel and opened (all checks) by the receiver's — both ends'
 * work on one core; {@code ecdsaSignVerify} is the asymmetric counterpart. {@code rawAesGcm} is
 * Bouncy Castle's AES-256-GCM alone (encrypt + decrypt, no framing) to show the cipher's share.
 * The post-quantum rows are the ML-KEM-768 / ML-DSA-65 costs of unit authentication without an
 * enrolled relation. Average time per operation, single thread. Five warm-up iterations: on the
 * shared 2-core machine under load the JIT threads get little CPU, and with one or two the first
 * measured iterations still ran interpreted code (10-60x slower). On a loaded machine prefer
 * {@link MessageProtectionCpuTime} (thread CPU time).
 *
 * <p>The AES-256-GCM channel runs on both backends: {@code gcm*} on Bouncy Castle (the default),
 * {@code gcmJdk*} with {@code aesGcm = JDK} (SunJCE, AES-NI); {@code jdkAesGcm} is SunJCE's
 * cipher alone. {@code gcmOpenOnly} is the receiver's cost alone (per message; batches of 1,024
 * protected untimed before each invocation), parameter {@code aesGcm}.
 *
 * <pre>
 * cd /work/main &amp;&amp; mvn -B -q -o -pl bundles/zap install &amp;&amp; mvn -B -q -o -pl benchmarks package -DskipTests
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.openjdk.jmh.Main \
 *     'org.qkdv2i.benchmarks.zap.MessageProtectionBenchmark.(gcm|rawAesGcm|jdkAesGcm|ecdsa)' -f 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class MessageProtectionBenchmark {

    private MessageCrypto crypto;

    @Setup(Level.Trial)
    public void setup() {
        crypto = new MessageCrypto();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        crypto.close();
    }

    @Benchmark
    public byte[] gcmProtectOpen() throws Exception {
        return crypto.gcm();
    }

    @Benchmark
    public byte[] gcmJdkProtectOpen() throws Exception {
        return crypto.gcmJdk();
    }

    /** Receiver's side only, on either backend. */
    @State(Scope.Thread)
    public static class OpenBatch {
        static final int SIZE = 1024;

        @Param({"BOUNCY_CASTLE", "JDK"})
        public String aesGcm;

        MessageCrypto crypto;
        byte[][] wires;

        @Setup(Level.Trial)
        public void setup() {
            crypto = new MessageCrypto();
        }

        /** Untimed: 1,024 messages in order for a strict receiver (about 1-10 ms of work each time). */
        @Setup(Level.Invocation)
        public void protectBatch() {
            wires = "JDK".equals(aesGcm) ? crypto.gcmJdkBatch(SIZE) : crypto.gcmBatch(SIZE);
        }

        byte[] open(byte[] wire) throws Exception {
            return "JDK".equals(aesGcm) ? crypto.gcmJdkOpen(wire) : crypto.gcmOpen(wire);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            crypto.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(OpenBatch.SIZE)
    public int gcmOpenOnly(OpenBatch b) throws Exception {
        int n = 0;
        for (byte[] w : b.wires) {
            n += b.open(w).length;
        }
        return n;
    }

    @Benchmark
    public byte[] jdkAesGcm() throws Exception {
        return crypto.jdkAesGcm();
    }

    @Benchmark
    public byte[] ieee1609CcmProtectOpen() throws Exception {
        return crypto.ieee1609Ccm();
    }

    @Benchmark
    public byte[] kmacProtectOpen() throws Exception {
        return crypto.kmac();
    }

    @Benchmark
    public byte[] rawAesGcm() throws Exception {
        return crypto.rawAesGcm();
    }

    @Benchmark
    public Object ecdsaSign() {
        return crypto.ecdsaSign();
    }

    @Benchmark
    public boolean ecdsaVerify() {
        return crypto.ecdsaVerify();
    }

    @Benchmark
    public boolean ecdsaSignVerify() {
        return crypto.ecdsaSignVerify();
    }

    @Benchmark
    public Object mlkem768Keygen() {
        return crypto.mlkemKeygen();
    }

    @Benchmark
    public byte[] mlkem768Encaps() {
        return crypto.mlkemEncaps();
    }

    @Benchmark
    public byte[] mlkem768Decaps() {
        return crypto.mlkemDecaps();
    }

    @Benchmark
    public Object mldsa65Keygen() {
        return crypto.mldsaKeygen();
    }

    @Benchmark
    public byte[] mldsa65Sign() {
        return crypto.mldsaSign();
    }

    @Benchmark
    public boolean mldsa65Verify() {
        return crypto.mldsaVerify();
    }
}
