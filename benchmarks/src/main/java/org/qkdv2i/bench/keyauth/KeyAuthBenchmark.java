package org.qkdv2i.bench.keyauth;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KeyAuthenticator;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.kmm.internal.peer.HttpsPeerTransport;
import org.qkdv2i.kmm.internal.peer.PeerServer;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/**
 * Cost of key authentication per driver key block (issue 9), batched design: blocks are checked in
 * batches of at least {@link KeyAuthenticator#DEFAULT_MIN_BITS} bits of material, or what arrived
 * within {@link KeyAuthenticator#DEFAULT_MAX_DELAY_MILLIS} ms of a batch's first block.
 *
 * <ol>
 * <li><b>key-check value</b>: thread CPU of one one-time Wegman–Carter value (GHASH over GF(2^128) ⊕
 * pad, {@link KeyAuthenticator#tag}) of a batch of {@code minBits} made of blocks of each size; each end
 * of a link computes one per batch.</li>
 * <li><b>two KMM nodes over real HTTPS</b> (mutual TLS, dev PKI), key authentication off and on:
 * blocks fed to both ends as fast as one thread can; process CPU per block, key-check requests,
 * batches, bits spent per block and the time until every block is stored at both ends; then
 * <i>trickle</i>: one block at a time (two of 32 bytes: one alone is only the check's key), the
 * delay from the second end's delivery to "stored at both ends" (p50/p99: a batch short of its size
 * waits for the maximum delay); then <i>full batch</i>: a batch's worth of blocks at once, the delay
 * from the last block's delivery to "stored at both ends".</li>
 * </ol>
 * Bits spent: {@link KeyAuthenticator#BITS_SPENT_PER_BATCH} per batch, whatever its size.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' org.qkdv2i.bench.keyauth.KeyAuthBenchmark [sizes=32,1024,8192,65536] [blocks=2000] [paced=50]
 * </pre>
 */
public final class KeyAuthBenchmark {

    static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    static final String LINK = "L-AB";
    static final LinkEnd END_A = new LinkEnd(LINK, "A", "B", QkdRole.TRANSMITTER);
    static final LinkEnd END_B = new LinkEnd(LINK, "B", "A", QkdRole.RECEIVER);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opt.put(eq < 0 ? a : a.substring(0, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        int[] sizes = Arrays.stream(opt.getOrDefault("sizes", "32,1024,8192,65536").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int blocks = Integer.parseInt(opt.getOrDefault("blocks", "2000"));
        int paced = Integer.parseInt(opt.getOrDefault("paced", "50"));
        System.out.printf("machine: %d CPUs, %s %s, max heap %d MB, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                OS.getSystemLoadAverage());
        System.out.println();
        System.out.println("| block bytes | blocks per batch | key-check value of a batch, thread CPU µs (one end) | "
                + "µs per block | bits spent per batch | share of the batch's key |");
        System.out.println("|---|---|---|---|---|---|");
        for (int size : sizes) {
            tagCost(size);
        }
        System.out.println();
        System.out.println("| block bytes | key authentication | blocks | process CPU µs per block (both nodes) | "
                + "all stored at both ends after (ms) | key-check requests | batches | bits spent per block | "
                + "share of the key | trickle: delivery → stored at both ends p50 / p99 ms | "
                + "full batch: last delivery → stored at both ends p50 / p99 ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Path dir = Files.createTempDirectory("keyauth-bench");
        Path pki = dir.resolve("pki");
        DevPki.init(pki, List.of("A", "B"), List.of(), PW);
        for (int size : sizes) {
            for (boolean on : new boolean[] {false, true}) {
                try (Nodes n = new Nodes(dir.resolve(size + "-" + on), pki, on)) {
                    n.run(size, blocks, paced);
                }
            }
        }
        System.out.printf("%nload average at the end %.2f%n", OS.getSystemLoadAverage());
    }

    static int blocksPerBatch(int size) {
        return (int) Math.min(1024, Math.max(1, (KeyAuthenticator.DEFAULT_MIN_BITS / 8 + size - 1) / size));
    }

    private static void tagCost(int size) {
        SecureRandom rnd = new SecureRandom();
        int n = blocksPerBatch(size);
        List<byte[]> blocks = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            blocks.add(b);
            ids.add(UUID.randomUUID());
        }
        long bytes = (long) n * size;
        int iterations = (int) Math.max(2000, 200_000_000L / bytes);
        byte sink = 0;
        for (int i = 0; i < iterations / 4; i++) { // warm-up (JIT)
            sink ^= KeyAuthenticator.tag(LINK, ids, blocks)[0];
        }
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < iterations; i++) {
            sink ^= KeyAuthenticator.tag(LINK, ids, blocks)[0];
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        double us = cpu / 1e3 / iterations;
        System.out.printf("| %,d | %,d | %.2f | %.3f | %d | %.2f %% |%s%n", size, n, us, us / n,
                KeyAuthenticator.BITS_SPENT_PER_BATCH, 100.0 * KeyAuthenticator.KEY_BYTES / bytes,
                sink == 42 ? " " : "");
    }

    /** A's peer transport, counting key-check requests. */
    static final class Counting implements org.qkdv2i.kmm.internal.core.PeerTransport {
        private final org.qkdv2i.kmm.internal.core.PeerTransport t;
        private final java.util.concurrent.atomic.AtomicLong checks;

        Counting(org.qkdv2i.kmm.internal.core.PeerTransport t, java.util.concurrent.atomic.AtomicLong checks) {
            this.t = t;
            this.checks = checks;
        }

        @Override
        public ReserveResult reserve(String p, ReserveRequest r, long ms) throws PeerException {
            return t.reserve(p, r, ms);
        }

        @Override
        public InventoryResult inventory(String p, InventoryRequest r, long ms) throws PeerException {
            return t.inventory(p, r, ms);
        }

        @Override
        public AssignResult assign(String p, AssignRequest r, long ms) throws PeerException {
            return t.assign(p, r, ms);
        }

        @Override
        public ClaimResult claim(String p, ClaimRequest r, long ms) throws PeerException {
            return t.claim(p, r, ms);
        }

        @Override
        public KeyCheckResult keyCheck(String p, KeyCheckRequest r, long ms) throws PeerException {
            checks.incrementAndGet();
            return t.keyCheck(p, r, ms);
        }
    }

    /** Two KMM cores joined by the HTTPS peer channel (both directions). */
    static final class Nodes implements AutoCloseable {
        final List<AutoCloseable> closers = new ArrayList<>();
        final KmmCore a;
        final KmmCore b;
        final boolean on;
        /** Key-check requests A sent (A's node ID sorts first: it is the initiator). */
        final java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();

        Nodes(Path dir, Path pki, boolean on) throws Exception {
            this.on = on;
            NodeTls tlsA = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, pki.resolve("ca.pem"), null, null);
            NodeTls tlsB = BcNodeTls.load("B", pki.resolve("node-B.p12"), PW, pki.resolve("ca.pem"), null, null);
            Directory saes = new Directory() {
                @Override
                public Map<String, String> saes() {
                    return Map.of("sa", "A", "sb", "B");
                }

                @Override
                public Optional<Qos> qos(String m, String s) {
                    return Optional.empty();
                }
            };
            a = core("A", dir, saes);
            b = core("B", dir, saes);
            PeerServer peerA = peer(tlsA, "B", a);
            PeerServer peerB = peer(tlsB, "A", b);
            Map<String, String> toB = Map.of("B", "https://127.0.0.1:" + peerB.port());
            Map<String, String> toA = Map.of("A", "https://127.0.0.1:" + peerA.port());
            HttpsPeerTransport clientA = new HttpsPeerTransport(tlsA, () -> toB);
            HttpsPeerTransport clientB = new HttpsPeerTransport(tlsB, () -> toA);
            closers.add(0, clientA);
            closers.add(0, clientB);
            a.setTransport(new Counting(clientA, checks));
            b.setTransport(clientB);
            a.setKeyAuthentication(on);
            b.setKeyAuthentication(on);
        }

        private KmmCore core(String id, Path dir, Directory saes) throws Exception {
            byte[] kek = new byte[32];
            new SecureRandom().nextBytes(kek);
            KmmCore c = new KmmCore(KmmSettings.defaults(id).withPeer(5000, 0).withCapacity(50_000_000, 100),
                    dir.resolve(id), kek, saes, Clock.systemUTC(), new SecureRandom(), e -> { });
            Arrays.fill(kek, (byte) 0);
            closers.add(c);
            return c;
        }

        private PeerServer peer(NodeTls tls, String peerId, KmmCore core) throws Exception {
            PeerServer p = new PeerServer(tls, "127.0.0.1", 0, () -> Set.of(peerId),
                    PeerServer.Endpoint.of(core, (c, l, m) -> {
                        throw new PeerException("no drivers in the benchmark", true);
                    }));
            p.start();
            closers.add(0, p);
            return p;
        }

        private long stored(KmmCore c) {
            return c.pools().stream().mapToLong(p -> p.ownKeys() + p.peerKeys()).sum();
        }

        private static KeyAuthenticator.LinkStats stats(KmmCore c) {
            return c.keyAuthStats().stream().filter(s -> s.linkId().equals(LINK)).findFirst()
                    .orElse(new KeyAuthenticator.LinkStats(LINK, 0, 0, 0, 0, 0, 0));
        }

        private void feed(byte[] block, SecureRandom rnd) {
            rnd.nextBytes(block);
            UUID id = UUID.randomUUID();
            Instant t = Instant.now();
            a.keyBlock(END_A, new KeyBlock(id, block, t, 0, 0));
            b.keyBlock(END_B, new KeyBlock(id, block, t, 0, 0));
        }

        /**
         * Whether every stored key of the {@code keys} fed is stored at both ends: blocks are multiples of
         * 32 bytes, so each batch spends exactly one stored key's worth (its last 32 bytes).
         */
        private boolean allStored(long keys) {
            if (!on) {
                return stored(a) == keys && stored(b) == keys;
            }
            return a.blocksAwaitingAuthentication() == 0 && b.blocksAwaitingAuthentication() == 0
                    && stored(a) + stats(a).batches() == keys && stored(b) + stats(b).batches() == keys;
        }

        /** Polls every {@code pollNanos} (1 ms while CPU is measured: the poll's own CPU stays small). */
        private void awaitStored(long keys, long deadlineNanos, long pollNanos) {
            while (!allStored(keys)) {
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new IllegalStateException("not stored in time: A " + stored(a) + ", B " + stored(b)
                            + " of " + keys + " less a key per batch; " + stats(a) + " " + stats(b));
                }
                LockSupport.parkNanos(pollNanos);
            }
        }

        void run(int size, int blocks, int paced) {
            SecureRandom rnd = new SecureRandom();
            byte[] block = new byte[size];
            int keysPerBlock = size / 32;
            int perBatch = blocksPerBatch(size);
            // warm-up: TLS connections, JIT (whole batches)
            long keys = 0;
            long fed = 0;
            int warm = Math.max(200, 2 * perBatch);
            for (int i = 0; i < warm; i++) {
                feed(block, rnd);
            }
            fed += warm;
            keys += (long) warm * keysPerBlock;
            awaitStored(keys, System.nanoTime() + TimeUnit.SECONDS.toNanos(120), 1_000_000);
            // throughput: as fast as one feeding thread can
            long checks0 = checks.get();
            KeyAuthenticator.LinkStats st0 = stats(a);
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < blocks; i++) {
                feed(block, rnd);
            }
            fed += blocks;
            keys += (long) blocks * keysPerBlock;
            awaitStored(keys, System.nanoTime() + TimeUnit.SECONDS.toNanos(300), 1_000_000);
            long wall = System.nanoTime() - t0;
            double cpuPerBlock = (OS.getProcessCpuTime() - cpu0) / 1e3 / blocks;
            long requests = checks.get() - checks0;
            KeyAuthenticator.LinkStats st1 = stats(a);
            long batches = st1.batches() - st0.batches();
            double bitsPerBlock = (double) (st1.bitsSpent() - st0.bitsSpent()) / blocks;
            // trickle: one block at a time (two of 32 bytes), the delay to "stored at both ends"
            int step = size <= KeyAuthenticator.KEY_BYTES ? 2 : 1;
            long[] trickle = new long[paced];
            for (int i = 0; i < paced; i++) {
                for (int j = 0; j < step - 1; j++) {
                    feed(block, rnd);
                }
                rnd.nextBytes(block);
                UUID id = UUID.randomUUID();
                Instant t = Instant.now();
                a.keyBlock(END_A, new KeyBlock(id, block, t, 0, 0));
                long s = System.nanoTime();
                b.keyBlock(END_B, new KeyBlock(id, block, t, 0, 0));
                fed += step;
                keys += (long) step * keysPerBlock;
                awaitStored(keys, System.nanoTime() + TimeUnit.SECONDS.toNanos(60), 20_000);
                trickle[i] = System.nanoTime() - s;
            }
            // full batch: a batch's worth at once, from the last delivery
            long[] full = new long[paced];
            for (int i = 0; i < paced; i++) {
                for (int j = 0; j < perBatch - 1; j++) {
                    feed(block, rnd);
                }
                rnd.nextBytes(block);
                UUID id = UUID.randomUUID();
                Instant t = Instant.now();
                a.keyBlock(END_A, new KeyBlock(id, block, t, 0, 0));
                long s = System.nanoTime();
                b.keyBlock(END_B, new KeyBlock(id, block, t, 0, 0));
                fed += perBatch;
                keys += (long) perBatch * keysPerBlock;
                awaitStored(keys, System.nanoTime() + TimeUnit.SECONDS.toNanos(60), 20_000);
                full[i] = System.nanoTime() - s;
            }
            Arrays.sort(trickle);
            Arrays.sort(full);
            int p99 = (int) Math.min(paced - 1, paced * 0.99);
            System.out.printf("| %,d | %s | %,d | %.0f | %.0f | %s | %s | %s | %s | %.2f / %.2f | %.2f / %.2f |%n", size,
                    on ? "on" : "off", blocks, cpuPerBlock, wall / 1e6, on ? requests + "" : "-",
                    on ? batches + "" : "-", on ? String.format("%.1f", bitsPerBlock) : "0",
                    on ? String.format("%.2f %%", 100 * bitsPerBlock / (8.0 * size)) : "0",
                    trickle[paced / 2] / 1e6, trickle[p99] / 1e6, full[paced / 2] / 1e6, full[p99] / 1e6);
            if (on) {
                KeyAuthenticator.LinkStats st = stats(a);
                if (st.failed() != 0 || st.authenticated() != fed) {
                    throw new IllegalStateException("unexpected counters " + st + ", fed " + fed);
                }
            }
            Arrays.fill(block, (byte) 0);
        }

        @Override
        public void close() {
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing
                }
            }
        }
    }
}
