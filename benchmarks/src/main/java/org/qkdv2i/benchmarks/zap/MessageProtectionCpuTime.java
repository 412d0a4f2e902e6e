package org.qkdv2i.benchmarks.zap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Companion to {@link MessageProtectionBenchmark} for the shared 2-core machine: every workload
 * timed by this thread's CPU time (ThreadMXBean) and wall clock, after a warm-up round, so the
 * code's own cost is not hidden by other processes. Prints a Markdown table with messages per
 * CPU-second and the ratio to ECDSA P-256 verify and sign+verify. The AES-256-GCM channel is
 * measured on both backends of {@code MessageProtectionComponent}: Bouncy Castle (the default) and
 * {@code aesGcm = JDK} (SunJCE). Arguments: [seconds per row (default 2)].
 *
 * <pre>
 * cd /work/main &amp;&amp; mvn -B -q -o -pl bundles/zap install &amp;&amp; mvn -B -q -o -pl benchmarks package -DskipTests
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.qkdv2i.benchmarks.zap.MessageProtectionCpuTime 3
 * </pre>
 */
public final class MessageProtectionCpuTime {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    @FunctionalInterface
    private interface Op {
        Object run() throws Exception;
    }

    private MessageProtectionCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        MessageCrypto c = new MessageCrypto();
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("AES-256-GCM channel, Bouncy Castle (default), protect+open", c::gcm);
        ops.put("AES-256-GCM channel, aesGcm=JDK (SunJCE), protect+open", c::gcmJdk);
        ops.put("IEEE 1609.2 AES-128-CCM PSK, protect+open", c::ieee1609Ccm);
        ops.put("KMAC256 broadcast, protect+open", c::kmac);
        ops.put("BC AES-256-GCM alone, encrypt+decrypt", c::rawAesGcm);
        ops.put("JDK SunJCE AES-256-GCM alone, encrypt+decrypt", c::jdkAesGcm);
        ops.put("ECDSA P-256 sign", c::ecdsaSign);
        ops.put("ECDSA P-256 verify", c::ecdsaVerify);
        ops.put("ECDSA P-256 sign+verify", c::ecdsaSignVerify);
        ops.put("ML-KEM-768 keygen", c::mlkemKeygen);
        ops.put("ML-KEM-768 encaps", c::mlkemEncaps);
        ops.put("ML-KEM-768 decaps", c::mlkemDecaps);
        ops.put("ML-DSA-65 keygen", c::mldsaKeygen);
        ops.put("ML-DSA-65 sign", c::mldsaSign);
        ops.put("ML-DSA-65 verify", c::mldsaVerify);

        for (Op op : ops.values()) { // warm-up round: JIT
            time(op, seconds / 2);
        }
        Map<String, double[]> results = new LinkedHashMap<>();
        for (Map.Entry<String, Op> e : ops.entrySet()) {
            results.put(e.getKey(), time(e.getValue(), seconds));
        }
        results.put("AES-256-GCM channel, Bouncy Castle (default), open only", openOnly(c::gcmBatch, c::gcmOpen, seconds));
        results.put("AES-256-GCM channel, aesGcm=JDK (SunJCE), open only", openOnly(c::gcmJdkBatch, c::gcmJdkOpen, seconds));
        results.put("IEEE 1609.2 AES-128-CCM PSK, open only", openOnly(c::ieee1609CcmBatch, c::ieee1609CcmOpen, seconds));
        results.put("KMAC256 broadcast, open only", openOnly(c::kmacBatch, c::kmacOpen, seconds));
        double verify = results.get("ECDSA P-256 verify")[0];
        double signVerify = results.get("ECDSA P-256 sign+verify")[0];
        System.out.println("| 300-byte message, 1 thread | ops | CPU µs/op | wall µs/op | ops per CPU-second | ECDSA verify ÷ this | ECDSA sign+verify ÷ this |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<String, double[]> e : results.entrySet()) {
            double[] r = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %,.0f | %.1f | %.1f |%n", e.getKey(), (long) r[2], r[0],
                    r[1], 1e6 / r[0], verify / r[0], signVerify / r[0]);
        }
        c.close();
    }

    @FunctionalInterface
    private interface Batch {
        byte[][] make(int n);
    }

    @FunctionalInterface
    private interface Open {
        byte[] open(byte[] wire) throws Exception;
    }

    /** Receiver's cost alone: batches of 1,024 messages protected untimed, then opened (timed). */
    private static double[] openOnly(Batch batch, Open open, double seconds) throws Exception {
        for (int warm = 0; warm < 20; warm++) {
            for (byte[] w : batch.make(1024)) {
                open.open(w);
            }
        }
        long budget = (long) (seconds * 1e9);
        long ops = 0;
        long cpu = 0;
        long wall = 0;
        while (cpu < budget) {
            byte[][] wires = batch.make(1024);
            long wall0 = System.nanoTime();
            long cpu0 = MX.getCurrentThreadCpuTime();
            for (byte[] w : wires) {
                open.open(w);
            }
            cpu += MX.getCurrentThreadCpuTime() - cpu0;
            wall += System.nanoTime() - wall0;
            ops += wires.length;
        }
        return new double[] {cpu / 1e3 / ops, wall / 1e3 / ops, ops};
    }

    /** @return {CPU µs/op, wall µs/op, ops} */
    private static double[] time(Op op, double seconds) throws Exception {
        long budget = (long) (seconds * 1e9);
        long ops = 0;
        long wall0 = System.nanoTime();
        long cpu0 = MX.getCurrentThreadCpuTime();
        Object sink = null;
        do {
            for (int i = 0; i < 16; i++) {
                sink = op.run();
            }
            ops += 16;
        } while (MX.getCurrentThreadCpuTime() - cpu0 < budget);
        long cpu = MX.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        if (sink == null) {
            throw new IllegalStateException();
        }
        return new double[] {cpu / 1e3 / ops, wall / 1e3 / ops, ops};
    }
}
