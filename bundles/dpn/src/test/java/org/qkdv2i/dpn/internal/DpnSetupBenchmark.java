package org.qkdv2i.dpn.internal;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.internal.DauComponent;

/**
 * DPN session set-up time over TCP on 127.0.0.1 (connect, ZAP unit authentication, policy,
 * HKDF, key confirmation; then close), measured three ways:
 * <ol>
 * <li>stand-in DAU: the DPN's own cost (socket, frames, HKDF, AES-GCM confirmation);</li>
 * <li>ROOT's DAU with an enrolled relation: KMAC256 challenge-response (the usual case);</li>
 * <li>ROOT's DAU without one: ML-DSA-65 + ML-KEM-768 (first contact of a pair).</li>
 * </ol>
 * Reports wall-clock p50/p90/p99 per set-up and process CPU per set-up (both ends run in
 * this JVM, so CPU covers initiator + responder). Run (after {@code mvn -pl bundles/dpn install}):
 *
 * <pre>
 * cd bundles/dpn && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.qkdv2i.dpn.internal.DpnSetupBenchmark [iterations] [pqPairs]
 * </pre>
 */
public final class DpnSetupBenchmark {

    private DpnSetupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int pqPairs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.out.printf(Locale.ROOT, "DPN session set-up, %d cores, Java %s, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        try (TestNet net = new TestNet()) {
            Node a = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
            Node b = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
            // the first row also warms up the JIT for the whole path (sockets, frames, HKDF, AES-GCM)
            run("stand-in DAU (DPN cost only)", a, b, n, n);
        }

        Path dir = Files.createTempDirectory("dpn-bench");
        try {
            realDau(dir, n, pqPairs);
        } finally {
            // the emulated PUFs' cell skews and the sealed relations: test state, not kept
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void realDau(Path dir, int n, int pqPairs) throws Exception {
        try (TestNet net = new TestNet()) {
            DauComponent bs = RealZap.dau(dir, "bs-E", DauKind.DAU_N, DeviceRole.BASE_STATION, "z", 0.10, net.directory);
            DauComponent rsu = RealZap.dau(dir, "rsu-7", DauKind.DAU_N, DeviceRole.RSU, "z", 0.10, net.directory);
            net.directory.enrol(bs.identityRecord());
            net.directory.enrol(rsu.identityRecord());
            Node a = net.add(bs, Settings.of("bs-E"));
            Node b = net.add(rsu, Settings.of("rsu-7"));
            Policy bothWays = Policy.parse(new String[] {"BASE_STATION<>RSU"}, false, new String[0], new String[0]);
            a.policy = bothWays;
            b.policy = bothWays;
            // first contact (ML-DSA + ML-KEM), then once the other way so both relations are confirmed
            // (each time waiting until the far end closed too, or connect() returns its open session)
            a.endpoint.connect(b.endpoint.listenAddress(), b.dau.id()).close();
            TestNet.await("closed", () -> b.endpoint.sessions().isEmpty());
            b.endpoint.connect(a.endpoint.listenAddress(), a.dau.id()).close();
            TestNet.await("closed", () -> a.endpoint.sessions().isEmpty());
            DpnSession check = a.endpoint.connect(b.endpoint.listenAddress(), b.dau.id());
            if (((Session) check).postQuantumAuthenticated()) {
                throw new IllegalStateException("expected KMAC set-ups over the enrolled relation");
            }
            check.close();
            run("real DAU, enrolled relation (KMAC256)", a, b, n / 4, n);
        }

        try (TestNet net = new TestNet()) {
            long[] wall = new long[pqPairs];
            long cpu = 0;
            int warm = Math.min(5, pqPairs);
            for (int i = -warm; i < pqPairs; i++) {
                int k = i + warm;
                DauComponent bs = RealZap.dau(dir, "pq-bs-" + k, DauKind.DAU_N, DeviceRole.BASE_STATION, "z", 0.10, net.directory);
                DauComponent rsu = RealZap.dau(dir, "pq-rsu-" + k, DauKind.DAU_N, DeviceRole.RSU, "z", 0.10, net.directory);
                net.directory.enrol(bs.identityRecord());
                net.directory.enrol(rsu.identityRecord());
                Node a = net.add(bs, Settings.of("pq-bs-" + k));
                Node b = net.add(rsu, Settings.of("pq-rsu-" + k));
                long c0 = processCpu();
                long t0 = System.nanoTime();
                DpnSession s = a.endpoint.connect(b.endpoint.listenAddress(), b.dau.id());
                long t1 = System.nanoTime();
                s.close();
                long c1 = processCpu();
                if (!((Session) s).postQuantumAuthenticated()) {
                    throw new IllegalStateException("expected a first-contact (ML-DSA + ML-KEM) set-up");
                }
                if (i >= 0) {
                    wall[i] = t1 - t0;
                    cpu += c1 - c0;
                }
                a.endpoint.stop();
                b.endpoint.stop();
            }
            report("real DAU, first contact (ML-DSA-65 + ML-KEM-768)", wall, cpu);
        }
    }

    private static void run(String what, Node a, Node b, int warmUp, int n) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            a.endpoint.connect(b.endpoint.listenAddress(), b.dau.id()).close();
        }
        long[] wall = new long[n];
        long c0 = processCpu();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            DpnSession s = a.endpoint.connect(b.endpoint.listenAddress(), b.dau.id());
            wall[i] = System.nanoTime() - t0;
            s.close();
        }
        report(what, wall, processCpu() - c0);
    }

    private static void report(String what, long[] wall, long cpuNanos) {
        long[] w = wall.clone();
        Arrays.sort(w);
        System.out.printf(Locale.ROOT, "%-52s n=%5d  wall p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  CPU %.2f ms/set-up%n",
                what, w.length, ms(w[w.length / 2]), ms(w[(int) (w.length * 0.9)]), ms(w[(int) (w.length * 0.99)]),
                cpuNanos / 1e6 / w.length);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
