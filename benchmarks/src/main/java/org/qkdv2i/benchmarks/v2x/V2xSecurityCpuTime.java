package org.qkdv2i.benchmarks.v2x;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Companion to {@link V2xSecurityBenchmark} for the shared 2-core machine: the same workloads
 * timed by this thread's CPU time (ThreadMXBean) and the wall clock, after a warm-up round, so
 * other processes do not hide the code's own cost. Prints a Markdown table with messages per
 * CPU-second (= per core). Receive-only rows open batches of 1,024 messages protected or signed
 * beforehand (untimed). Arguments: [seconds per row (default 2)].
 */
public final class V2xSecurityCpuTime {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int BATCH = 1024;

    private V2xSecurityCpuTime() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        V2xSecureMessages m = new V2xSecureMessages(Duration.ofSeconds(30));
        for (int round = 0; round < 2; round++) { // round 0: JIT warm-up, not printed
            if (round == 1) {
                System.out.println("| message, path | operation | msgs | CPU µs/msg | wall µs/msg | msgs per CPU-second |");
                System.out.println("|---|---|---|---|---|---|");
            }
            double s = round == 0 ? seconds / 2 : seconds;
            for (V2xSecureMessages.Kind k : V2xSecureMessages.Kind.values()) {
                row(round, k + ", ECDSA P-256", "encode+sign", time(() -> m.sendSigned(k), s));
                row(round, k + ", ECDSA P-256", "verify+decode", receive(() -> m.sendSigned(k), w -> m.receiveSigned(k, w), s));
                row(round, k + ", ECDSA P-256", "round trip", time(() -> m.receiveSigned(k, m.sendSigned(k)), s));
                row(round, k + ", PSK AES-128-CCM", "encode+protect", time(() -> m.sendPsk(k), s));
                row(round, k + ", PSK AES-128-CCM", "open+decode", receive(() -> m.sendPsk(k), w -> m.receivePsk(k, w), s));
                row(round, k + ", PSK AES-128-CCM", "round trip", time(() -> m.receivePsk(k, m.sendPsk(k)), s));
                // where the PSK receive time goes: its two big parts, each alone
                row(round, k + ", PSK AES-128-CCM", "(part) 1609.2 decode of the EncryptedData",
                        receive(() -> m.securedPart(k, m.sendPsk(k)), m::decodeSecured, s));
                row(round, k + ", PSK AES-128-CCM", "(part) channel open",
                        receive(() -> m.securedPart(k, m.sendPsk(k)), m::openPskOnly, s));
            }
        }
        m.close();
    }

    private static void row(int round, String what, String op, double[] r) {
        if (round == 1) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %,.0f |%n", what, op, (long) r[2], r[0], r[1],
                    1e6 / r[0]);
        }
    }

    /** @return {CPU µs/op, wall µs/op, ops} */
    private static double[] time(Supplier<Object> op, double seconds) {
        long budget = (long) (seconds * 1e9);
        long ops = 0;
        long wall0 = System.nanoTime();
        long cpu0 = MX.getCurrentThreadCpuTime();
        Object sink = null;
        do {
            for (int i = 0; i < 16; i++) {
                sink = op.get();
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

    /** Receiver's cost alone: batches made untimed, then received (timed). */
    private static double[] receive(Supplier<byte[]> send, java.util.function.Function<byte[], Object> receive,
            double seconds) {
        long budget = (long) (seconds * 1e9);
        long ops = 0;
        long cpu = 0;
        long wall = 0;
        byte[][] wires = new byte[BATCH][];
        Object sink = null;
        while (cpu < budget) {
            for (int i = 0; i < BATCH; i++) {
                wires[i] = send.get();
            }
            long wall0 = System.nanoTime();
            long cpu0 = MX.getCurrentThreadCpuTime();
            for (byte[] w : wires) {
                sink = receive.apply(w);
            }
            cpu += MX.getCurrentThreadCpuTime() - cpu0;
            wall += System.nanoTime() - wall0;
            ops += BATCH;
        }
        if (sink == null) {
            throw new IllegalStateException();
        }
        return new double[] {cpu / 1e3 / ops, wall / 1e3 / ops, ops};
    }
}
