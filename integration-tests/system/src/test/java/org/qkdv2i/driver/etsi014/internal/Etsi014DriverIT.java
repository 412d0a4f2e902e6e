package org.qkdv2i.driver.etsi014.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.harness.NodeProcess.props;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.qkdv2i.harness.EtsiClient;
import org.qkdv2i.harness.NodeProcess;
import org.qkdv2i.harness.TestNetwork;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.PeerMessageHandler;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;

/**
 * The ETSI 014 vendor-KME driver against our own nodes playing the vendor: node processes
 * V-A and V-B (from node.jar, linked by the test driver) are the vendor's KME pair, with
 * vendor SAEs {@value #V_MASTER} at V-A and {@value #V_SLAVE} at V-B.
 *
 * <ol>
 * <li>{@link #bothEndsInThisJvmGetTheVendorKeysUnderTheVendorIds()}: the driver's two ends run
 * in this JVM with an in-memory peer channel; both emit the same blocks under the vendor's key
 * IDs, and the vendor KMEs no longer hold those keys.</li>
 * <li>{@link #saesAtTwoMoreNodesGetIdenticalKeysFromTheVendorLink()}: the driver bundle in the
 * deploy/ folders of two more node processes A and B, the ends talking over the KMMs' peer
 * channel; SAE-A at A and SAE-B at B get identical keys through our ETSI 014, and every vendor
 * key ID the master end delivered (DEBUG log) was delivered at B too. (The key IDs the SAEs see
 * are assigned by our KMM at enc_keys, not the vendor's.) Skipped, with the reason, while the
 * node's KMM offers no driver peer channel.</li>
 * </ol>
 *
 * (In the driver's package so that it can build link ends without OSGi.)
 */
public class Etsi014DriverIT {

    static final String V_MASTER = "vsae-m";
    static final String V_SLAVE = "vsae-s";
    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();

    private static TestNetwork vendor;

    @BeforeClass
    public static void startVendorKmes() throws Exception {
        Path base = Path.of(System.getProperty("work.dir", "target/nodes")).toAbsolutePath();
        Files.createDirectories(base);
        vendor = new TestNetwork(Files.createTempDirectory(base, "etsi014-vendor-"), stableNodeJar(base),
                Path.of(System.getProperty("testdriver.jar")))
                .node("VA").node("VB").sae(V_MASTER, "VA").sae(V_SLAVE, "VB").link("VA", "VB")
                .keySupply(8192, 20)
                .start();
        // a loaded machine may refuse the first connections: retry until the deadline
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                vendor.awaitStoredKeys(V_MASTER, V_SLAVE, 200, Duration.ofSeconds(60));
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    @AfterClass
    public static void stopVendorKmes() throws Exception {
        if (vendor != null) {
            vendor.close();
        }
    }

    private static String kmeUrl(String node) {
        return "https://localhost:" + vendor.get(node).etsiPort;
    }

    private static Etsi014Driver end(String local, String peer, QkdRole role, String vendorNode, String sae)
            throws Exception {
        BcNodeTls tls = BcNodeTls.load(sae, vendor.pki().resolve("sae-" + sae + ".p12"), PW,
                vendor.pki().resolve("ca.pem"), null, null);
        Etsi014Driver.Settings s = new Etsi014Driver.Settings(V_MASTER, V_SLAVE, 256, 32, 200, 5000);
        KmeClient kme = new JettyKmeClient(kmeUrl(vendorNode), tls, s.requestTimeoutMillis(),
                Etsi014Driver.THREAD_PREFIX + "http-it-" + local);
        return new Etsi014Driver(new LinkEnd("A-B", local, peer, role), s, kme, null, Clock.systemUTC());
    }

    @Test
    public void bothEndsInThisJvmGetTheVendorKeysUnderTheVendorIds() throws Exception {
        Etsi014Driver a = end("A", "B", QkdRole.TRANSMITTER, "VA", V_MASTER);
        Etsi014Driver b = end("B", "A", QkdRole.RECEIVER, "VB", V_SLAVE);
        Sink sa = new Sink();
        Sink sb = new Sink();
        sa.peer = sb;
        sb.peer = sa;
        try {
            b.attach(sb);
            a.attach(sa);
            // a driver emits a batch, then reports UP: await the states with the keys (the race CI caught in
            // Etsi014DriverTest, 47d7212)
            assertTrue("128 vendor keys at both ends, both UP; A: " + a.status() + ", B: " + b.status(),
                    await(() -> sa.count() >= 128 && sb.count() >= 128 && a.status().state() == LinkState.UP
                            && b.status().state() == LinkState.UP, 60_000));
            assertTrue("pull rate measured", a.status().secretKeyRate() > 0);
            assertEquals(0, a.keysDestroyed() + b.keysDestroyed());
            // slave first: a batch B took may still reach A, none can reach B alone afterwards
            b.detach(sb);
            a.detach(sa);
            Map<UUID, byte[]> atA = sa.blocks();
            Map<UUID, byte[]> atB = sb.blocks();
            for (Map.Entry<UUID, byte[]> e : atA.entrySet()) {
                assertEquals(32, e.getValue().length);
                assertArrayEquals("bytes of " + e.getKey() + " at B", e.getValue(), atB.get(e.getKey()));
            }
            // at most the batch in flight when A stopped is at B only (the KMMs drop unmatched keys)
            assertTrue(atB.size() - atA.size() + " keys at B only", atB.size() - atA.size() <= 32);

            // the block IDs are the vendor's key IDs, and the vendor delivered them once: V-B no longer has them
            EtsiClient slave = vendor.client(V_SLAVE);
            List<String> some = new ArrayList<>();
            atA.keySet().stream().limit(3).forEach(id -> some.add(id.toString()));
            EtsiClient.Response again = slave.decKeys(V_MASTER, some);
            assertEquals(400, again.status());
            assertEquals("one or more keys specified are not found on KME", again.body().get("message").asText());
            // and the vendor's master SAE still gets fresh keys of its own (the driver took only what it asked for)
            EtsiClient.Response fresh = vendor.client(V_MASTER).encKeys(V_SLAVE, 1, 256);
            assertEquals(200, fresh.status());
            assertTrue(!atA.containsKey(UUID.fromString(fresh.keys().get(0).id())));
        } finally {
            a.close();
            b.close();
            sa.close();
            sb.close();
        }
    }

    @Test
    public void saesAtTwoMoreNodesGetIdenticalKeysFromTheVendorLink() throws Exception {
        Path driverJar = driverJar();
        Path work = Files.createTempDirectory(Path.of(System.getProperty("work.dir", "target/nodes")), "etsi014-ab-")
                .toAbsolutePath();
        Path pki = work.resolve("pki");
        DevPki.init(pki, List.of("A", "B"), List.of("SAE-A", "SAE-B"), PW);
        NodeProcess a = new NodeProcess("A", work.resolve("node-A"), freePort(), freePort());
        NodeProcess b = new NodeProcess("B", work.resolve("node-B"), freePort(), freePort());
        try {
            configure(a, b, pki, QkdRole.TRANSMITTER, "VA", V_MASTER);
            configure(b, a, pki, QkdRole.RECEIVER, "VB", V_SLAVE);
            a.deployBundle(driverJar);
            b.deployBundle(driverJar);
            // the driver logs each delivered batch's vendor key IDs at DEBUG: switch that on for A and B only
            String before = System.getProperty("node.jvmArgs");
            System.setProperty("node.jvmArgs", "-Dorg.slf4j.simpleLogger.log.org.qkdv2i.driver.etsi014=debug");
            try {
                a.start(vendor.nodeJar());
                b.start(vendor.nodeJar());
            } finally {
                if (before == null) {
                    System.clearProperty("node.jvmArgs");
                } else {
                    System.setProperty("node.jvmArgs", before);
                }
            }

            // the driver logs one line per state change; wait for UP at A, or learn why not
            String upA = "etsi014 link A-B at node A: UP";
            String noChannel = "offers no peer channel";
            assertTrue("driver at A neither UP nor explained; log:\n" + a.tail(),
                    await(() -> log(a).contains(upA) || log(a).contains(noChannel), 90_000));
            Assume.assumeFalse("the node's KMM offers no driver peer channel yet (node.jar predates it)",
                    log(a).contains(noChannel) && !log(a).contains(upA));

            EtsiClient saeA = new EtsiClient(pki.resolve("sae-SAE-A.p12"), PW, pki.resolve("ca.pem"), a.etsiPort);
            EtsiClient saeB = new EtsiClient(pki.resolve("sae-SAE-B.p12"), PW, pki.resolve("ca.pem"), b.etsiPort);
            // our KMMs pool the vendor keys: both directions fill
            assertTrue("pool at A for SAE-B; log A:\n" + a.tail(),
                    await(() -> stored(saeA, "SAE-B") >= 20, 90_000));
            assertTrue("pool at B for SAE-A; log B:\n" + b.tail(),
                    await(() -> stored(saeB, "SAE-A") >= 20, 90_000));

            EtsiClient.Response enc = saeA.encKeys("SAE-B", 8, 256);
            assertEquals(String.valueOf(enc.body()), 200, enc.status());
            List<String> ids = enc.keys().stream().map(EtsiClient.Key::id).toList();
            EtsiClient.Response dec = saeB.decKeys("SAE-A", ids);
            assertEquals(String.valueOf(dec.body()), 200, dec.status());
            assertEquals("SAE-B gets the bytes SAE-A got", enc.keys(), dec.keys());
            assertEquals(400, saeB.decKeys("SAE-A", ids.subList(0, 1)).status());

            // both ends handed the same vendor keys to their KMMs: every batch A logged, B logged too (the
            // keys SAEs see carry IDs our KMM assigns at enc_keys; the blocks carry the vendor's key IDs)
            java.util.Set<String> vendorAtA = vendorIds(a);
            assertTrue("A logged its delivered vendor key IDs", vendorAtA.size() >= 32);
            assertTrue("every vendor key A took is at B too",
                    await(() -> vendorIds(b).containsAll(vendorAtA), 30_000)); // another process's log: CI may lag

            // and the other direction
            EtsiClient.Response encB = saeB.encKeys("SAE-A", 4, 256);
            assertEquals(String.valueOf(encB.body()), 200, encB.status());
            EtsiClient.Response decA = saeA.decKeys("SAE-B",
                    encB.keys().stream().map(EtsiClient.Key::id).toList());
            assertEquals(encB.keys(), decA.keys());
            for (EtsiClient.Key k : dec.keys()) {
                assertEquals(32, Base64.getDecoder().decode(k.base64()).length);
            }
            // no key material and no stack trace in the nodes' logs from the driver
            for (NodeProcess n : List.of(a, b)) {
                for (EtsiClient.Key k : enc.keys()) {
                    assertTrue(!log(n).contains(k.base64()));
                }
            }
        } finally {
            a.close();
            b.close();
        }
    }

    /** Node configuration as TestNetwork writes it, with an ETSI 014 vendor-KME link instead of a test link. */
    private static void configure(NodeProcess self, NodeProcess peer, Path pki, QkdRole role, String vendorNode,
            String vendorSae) throws IOException {
        String id = self.nodeId;
        self.config("org.qkdv2i.tls.NodeTls", id, props("nodeId", id,
                "keyStore", pki.resolve("node-" + id + ".p12").toString(),
                "keyStorePassword", new String(PW), "trustStore", pki.resolve("ca.pem").toString()));
        self.config("org.qkdv2i.kmm.Node", id, props("nodeId", id,
                "dataDir", self.home.resolve("data").toString(),
                "kekFile", self.home.resolve("keys/" + id + ".kek").toString(),
                "maxKeysPerLink", 100_000L, "peerPort", self.peerPort,
                "peers", List.of(peer.nodeId + "=https://localhost:" + peer.peerPort)));
        self.config("org.qkdv2i.kmm.Sae", "SAE-A", props("saeId", "SAE-A", "nodeId", "A"));
        self.config("org.qkdv2i.kmm.Sae", "SAE-B", props("saeId", "SAE-B", "nodeId", "B"));
        self.config("org.qkdv2i.kmm.etsi014.Server", id, props("nodeId", id, "port", self.etsiPort));
        self.config("org.qkdv2i.driver.etsi014.Link", "A-B", props(
                "linkId", "A-B", "localNode", id, "peerNode", peer.nodeId, "role", role.name(),
                "kmeUrl", kmeUrl(vendorNode), "masterSaeId", V_MASTER, "slaveSaeId", V_SLAVE,
                "keyStore", vendor.pki().resolve("sae-" + vendorSae + ".p12").toString(),
                "keyStorePassword", new String(PW),
                "trustStore", vendor.pki().resolve("ca.pem").toString(),
                "keySizeBits", 256, "keysPerRequest", 32, "pollIntervalMillis", 200L));
    }

    /**
     * A private, verified copy of node.jar: other builds on this machine may rewrite
     * distributions/node/target/node.jar while our nodes start from it.
     */
    private static Path stableNodeJar(Path base) throws Exception {
        Path source = Path.of(System.getProperty("node.jar"));
        Path copy = base.resolve("etsi014-it-node.jar");
        Exception last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(copy.toFile())) {
                    byte[] buf = new byte[65536];
                    for (var e = zip.entries(); e.hasMoreElements();) {
                        try (InputStream in = zip.getInputStream(e.nextElement())) {
                            while (in.read(buf) >= 0) {
                                // read every entry: a half-written jar fails here
                            }
                        }
                    }
                }
                return copy;
            } catch (IOException e) {
                last = e;
                LockSupport.parkNanos(3_000_000_000L); // a build is writing it: try again shortly
            }
        }
        throw new IllegalStateException("node.jar at " + source + " is not a readable jar", last);
    }

    private static Path driverJar() throws IOException {
        String prop = System.getProperty("etsi014driver.jar");
        if (prop != null && !prop.isBlank() && !prop.startsWith("${")) {
            return Path.of(prop);
        }
        // the module's own build output, next to this reactor
        Path target = Path.of(System.getProperty("basedir", "."), "../../vendor-drivers/driver.etsi014/target");
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("org\\.qkdv2i\\.driver\\.etsi014-.*\\.jar")
                    && !p.getFileName().toString().contains("sources")).findFirst()
                    .orElseThrow(() -> new IOException("no driver jar in " + target + ": build vendor-drivers/driver.etsi014"));
        }
    }

    private static final java.util.regex.Pattern BATCH_LINE = java.util.regex.Pattern
            .compile("batch \\S+ delivered, \\d+ keys: \\[([^\\]]*)\\]");

    /** The vendor key IDs the driver at {@code n} logged (at DEBUG) as handed to its KMM. */
    private static java.util.Set<String> vendorIds(NodeProcess n) {
        java.util.Set<String> out = new java.util.HashSet<>();
        java.util.regex.Matcher m = BATCH_LINE.matcher(log(n));
        while (m.find()) {
            for (String id : m.group(1).split(",\\s*")) {
                if (!id.isBlank()) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    private static long stored(EtsiClient client, String slave) {
        try {
            EtsiClient.Response s = client.status(slave);
            return s.status() == 200 ? s.body().get("stored_key_count").asLong() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String log(NodeProcess n) {
        try {
            return Files.readString(n.log());
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean await(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(100_000_000L); // poll every 100 ms
        }
        return condition.getAsBoolean();
    }

    /** A KMM stand-in with an in-memory peer channel to the other end's stand-in. */
    private static final class Sink implements KeyBlockSink {
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final Map<UUID, byte[]> blocks = new LinkedHashMap<>();
        private volatile PeerMessageHandler handler;
        volatile Sink peer;

        @Override
        public synchronized void keyBlock(KeyBlock block) {
            blocks.put(block.id(), block.key());
            block.destroy();
        }

        @Override
        public void status(LinkStatus status) {
        }

        @Override
        public PeerChannel peerChannel(PeerMessageHandler h) {
            handler = h;
            return message -> CompletableFuture.supplyAsync(() -> {
                PeerMessageHandler ph = peer.handler;
                try {
                    if (ph == null) {
                        throw new PeerChannelException("no driver at the peer");
                    }
                    return ph.handle(message);
                } catch (PeerChannelException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, executor);
        }

        synchronized int count() {
            return blocks.size();
        }

        synchronized Map<UUID, byte[]> blocks() {
            return new LinkedHashMap<>(blocks);
        }

        void close() {
            executor.shutdownNow();
        }
    }
}
