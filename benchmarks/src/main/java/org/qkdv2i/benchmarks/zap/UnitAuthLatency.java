package org.qkdv2i.benchmarks.zap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.zap.api.AuthenticatedPeer;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.qkdv2i.zap.internal.DauComponent;
import org.qkdv2i.zap.internal.DauSettings;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

/**
 * Unit-authentication handshake latency (issue 5 benchmark): two real DAUs on emulated PUFs in
 * one thread, messages passed in memory (no network), both sides' work counted. Modes: KMAC256
 * challenge-response under an enrolled relation, and the post-quantum first contact (ML-KEM-768
 * both ways, ML-DSA-65 signatures both ways, sealed relation written). Prints wall p50/p90/p99
 * and thread CPU per handshake, and the message sizes.
 *
 * <p>Usage: {@code UnitAuthLatency [kmacRuns=20000] [pqRuns=500]} (a quarter of each, at least
 * 50, runs untimed first).
 */
public final class UnitAuthLatency {

    private UnitAuthLatency() {
    }

    /** A directory that holds the two DAUs (the real one is the DPN identity log). */
    private static final class Directory implements IdentityDirectory {
        final Map<DeviceId, IdentityRecord> records = new ConcurrentHashMap<>();
        final Set<Listener> listeners = ConcurrentHashMap.newKeySet();

        @Override
        public Optional<IdentityRecord> find(DeviceId id) {
            return Optional.ofNullable(records.get(id));
        }

        @Override
        public boolean isRevoked(DeviceId id) {
            return false;
        }

        @Override
        public void addListener(Listener l) {
            listeners.add(l);
        }

        @Override
        public void removeListener(Listener l) {
            listeners.remove(l);
        }

        /** Makes the DAUs drop their relations with these IDs (they do so on a revocation notice). */
        void forgetRelations(DeviceId... ids) {
            for (Listener l : listeners) {
                for (DeviceId id : ids) {
                    l.changed(id, true);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int kmacRuns = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int pqRuns = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path dir = Files.createTempDirectory("unit-auth");
        Directory directory = new Directory();
        SecureRandom random = new SecureRandom();
        List<org.qkdv2i.zap.api.MeasuredComponent> sw = List.of(Measurement.software("org.qkdv2i.zap", "0.1.0"));
        DauComponent bs = DauComponent.create(new EmulatedSramPuf(EmulatedSramPuf.Settings.of("bs-E", 0.10, dir),
                random), DauSettings.of("bs-E", DauKind.DAU_N, DeviceRole.BASE_STATION, "z", dir), sw,
                Optional.of(directory), Clock.systemUTC(), random);
        DauComponent rsu = DauComponent.create(new EmulatedSramPuf(EmulatedSramPuf.Settings.of("rsu-7", 0.10, dir),
                random), DauSettings.of("rsu-7", DauKind.DAU_N, DeviceRole.RSU, "z", dir), sw,
                Optional.of(directory), Clock.systemUTC(), random);
        directory.records.put(bs.id(), bs.identityRecord());
        directory.records.put(rsu.id(), rsu.identityRecord());

        // post-quantum first contact every time: before each run both DAUs are told (as a revocation
        // notice would) to drop their relation with the other, so the run finds none; the KMAC rows
        // then run over the relation the last post-quantum run left
        int[] sizes = new int[3];
        Result pq = measure("post-quantum (ML-KEM-768 + ML-DSA-65)", () -> {
            directory.forgetRelations(bs.id(), rsu.id());
            run(bs.initiate(rsu.id()), rsu.respond(), true, sizes);
        }, pqRuns);
        int[] pqSizes = sizes.clone();
        Result kmac = measure("KMAC256 relation", () -> run(rsu.initiate(bs.id()), bs.respond(), false, sizes),
                kmacRuns);
        System.out.printf(Locale.ROOT, "%-40s %8s %9s %9s %9s %12s  %s%n", "mode", "runs", "p50 us", "p90 us", "p99 us",
                "CPU us/run", "message bytes");
        pq.print(pqSizes);
        kmac.print(sizes);
        System.out.printf(Locale.ROOT, "ratio post-quantum / KMAC CPU: %.0fx%n", pq.cpuMicros / kmac.cpuMicros);
        bs.close();
        rsu.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @FunctionalInterface
    private interface Handshake {
        void run() throws Exception;
    }

    private record Result(String mode, int runs, double p50, double p90, double p99, double cpuMicros) {
        void print(int[] sizes) {
            System.out.printf(Locale.ROOT, "%-40s %8d %9.1f %9.1f %9.1f %12.1f  %d / %d / %d%n", mode, runs, p50, p90,
                    p99, cpuMicros, sizes[0], sizes[1], sizes[2]);
        }
    }

    private static Result measure(String mode, Handshake h, int runs) throws Exception {
        for (int i = 0; i < Math.max(50, runs / 4); i++) {
            h.run();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] wall = new long[runs];
        long cpu0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            h.run();
            wall[i] = System.nanoTime() - t0;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        Arrays.sort(wall);
        return new Result(mode, runs, wall[runs / 2] / 1e3, wall[runs * 9 / 10] / 1e3, wall[runs * 99 / 100] / 1e3,
                cpu / 1e3 / runs);
    }

    private static void run(UnitAuthentication i, UnitAuthentication r, boolean postQuantum, int[] sizes)
            throws Exception {
        byte[] m1 = i.firstMessage().orElseThrow();
        byte[] m2 = r.receive(m1).orElseThrow();
        byte[] m3 = i.receive(m2).orElseThrow();
        r.receive(m3);
        AuthenticatedPeer a = i.result().orElseThrow();
        AuthenticatedPeer b = r.result().orElseThrow();
        if (a.postQuantum() != postQuantum || !Arrays.equals(a.secret().bytes(), b.secret().bytes())) {
            throw new IllegalStateException("handshake did not run as " + (postQuantum ? "post-quantum" : "KMAC"));
        }
        a.secret().destroy();
        b.secret().destroy();
        sizes[0] = m1.length;
        sizes[1] = m2.length;
        sizes[2] = m3.length;
    }
}
