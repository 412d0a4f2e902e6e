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
 * <li>ROOT's DAU without one: ML-DSA-65 + ML-KEM-768 (first contact of a pair);</li>
 * <li>RSU to vehicle, first contact versus fast transition (PMK-R1 from the base station over
 * their DPN session, KMAC256 MICs; {@link FastTransition}), all four endpoints in this JVM.</li>
 * </ol>
 * Reports wall-clock p50/p90/p99 per set-up and process CPU per set-up (both ends run in
 * this JVM, so CPU covers initiator + responder). Run (after {@code mvn -pl bundles/dpn install}):
 *
 * <pre>
 * cd bundles/dpn && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.qkdv2i.dpn.internal.DpnSetupBenchmark [iterations] [pqPairs] [ft]
 * </pre>
 */
public final class DpnSetupBenchmark {

    private DpnSetupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int pqPairs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        boolean ftOnly = args.length > 2 && args[2].equals("ft");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.out.printf(Locale.ROOT, "DPN session set-up, %d cores, Java %s, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        if (ftOnly) {
            Path dir = Files.createTempDirectory("dpn-bench");
            try {
                fastTransition(dir, n, pqPairs);
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return;
        }
        try (TestNet net = new TestNet()) {
            Node a = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
            Node b = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
            // the first row also warms up the JIT for the whole path (sockets, frames, HKDF, AES-GCM)
            run("stand-in DAU (DPN cost only)", a, b, n, n);
        }

        Path dir = Files.createTempDirectory("dpn-bench");
        try {
            realDau(dir, n, pqPairs);
            fastTransition(dir, n, pqPairs);
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

    /**
     * A base station with two RSUs (it opened its sessions to them), {@code vehicles} vehicles: each
     * vehicle's first contact with RSU 1 (ML-DSA + ML-KEM; seeds its PMK-R0 at the base station),
     * then {@code n} fast transitions of those vehicles to RSU 2, round robin.
     */
    private static void fastTransition(Path dir, int n, int vehicles) throws Exception {
        try (TestNet net = new TestNet()) {
            Node bs = realNode(net, dir, "ft-bs", DeviceRole.BASE_STATION);
            Node rsu1 = realNode(net, dir, "ft-rsu-1", DeviceRole.RSU);
            Node rsu2 = realNode(net, dir, "ft-rsu-2", DeviceRole.RSU);
            for (Node r : new Node[] {rsu1, rsu2}) {
                bs.endpoint.connect(r.endpoint.listenAddress(), r.dau.id());
                TestNet.await("attached", () -> r.sessionWith(bs) != null);
            }
            int warm = Math.min(5, vehicles);
            Node[] cars = new Node[vehicles + warm];
            long[] wall = new long[vehicles];
            long cpu = 0;
            for (int k = 0; k < cars.length; k++) {
                cars[k] = realNode(net, dir, "ft-car-" + k, DeviceRole.VEHICLE);
                Node car = cars[k];
                long c0 = processCpu();
                long t0 = System.nanoTime();
                DpnSession s = rsu1.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
                long t1 = System.nanoTime();
                s.close();
                long c1 = processCpu();
                if (!((Session) s).postQuantumAuthenticated() || s.fastTransition()) {
                    throw new IllegalStateException("expected a first contact (ML-DSA + ML-KEM)");
                }
                if (k >= warm) {
                    wall[k - warm] = t1 - t0;
                    cpu += c1 - c0;
                }
                int held = k + 1;
                TestNet.await("PMK-R0 at the base station", () -> bs.endpoint.fastTransition().heldKeys() == held);
            }
            report("RSU > vehicle, first contact (ML-DSA + ML-KEM)", wall, cpu);

            for (int i = 0; i < Math.min(n, 500); i++) {
                // warm-up of the fast path (JIT)
                rsu2.endpoint.connect(cars[i % cars.length].endpoint.listenAddress(), cars[i % cars.length].dau.id())
                        .close();
            }
            long[] fw = new long[n];
            long full0 = rsu2.endpoint.fullSetUps();
            long c0 = processCpu();
            for (int i = 0; i < n; i++) {
                Node car = cars[i % cars.length];
                long t0 = System.nanoTime();
                DpnSession s = rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
                fw[i] = System.nanoTime() - t0;
                s.close();
            }
            long fc = processCpu() - c0;
            if (rsu2.endpoint.fullSetUps() != full0) {
                throw new IllegalStateException((rsu2.endpoint.fullSetUps() - full0) + " set-ups were not fast");
            }
            report("RSU > vehicle, fast transition (PMK-R1 + KMAC256)", fw, fc);
        }
    }

    private static Node realNode(TestNet net, Path dir, String name, DeviceRole role) throws Exception {
        DauComponent d = RealZap.dau(dir, name, role == DeviceRole.VEHICLE ? DauKind.DAU_V : DauKind.DAU_N, role, "z",
                0.10, net.directory);
        net.directory.enrol(d.identityRecord());
        return net.add(d, Settings.of(name));
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
