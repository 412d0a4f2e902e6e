package org.qkdv2i.harness;

import static org.qkdv2i.harness.NodeProcess.props;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.qkdv2i.tls.DevPki;

/**
 * A small network of node processes on this machine: a development PKI, node homes with
 * their deploy/ configuration, test-driver links between nodes and SAE registrations.
 * Every node knows every SAE; each link end is a test-driver instance in the node's
 * deploy/ folder.
 */
public final class TestNetwork implements AutoCloseable {

    private final Path work;
    private final Path nodeJar;
    private final Path testDriverJar;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, String> saes = new LinkedHashMap<>();
    private final List<String[]> links = new ArrayList<>();
    private final char[] password = DevPki.DEFAULT_PASSWORD.toCharArray();
    private int blockBits = 8192;
    private int blocksPerSecond = 50;
    private long maxKeysPerLink = 100_000;

    public TestNetwork(Path work, Path nodeJar, Path testDriverJar) {
        // absolute: each node process runs in its own home folder
        this.work = work.toAbsolutePath();
        this.nodeJar = nodeJar.toAbsolutePath();
        this.testDriverJar = testDriverJar.toAbsolutePath();
    }

    /** A network under {@code work.dir}, running {@code node.jar} with {@code testdriver.jar} (system properties). */
    public static TestNetwork fromSystemProperties(String name) throws IOException {
        Path base = Path.of(System.getProperty("work.dir", "target/nodes"));
        Files.createDirectories(base);
        return new TestNetwork(Files.createTempDirectory(base, name + "-"), Path.of(System.getProperty("node.jar")),
                Path.of(System.getProperty("testdriver.jar")));
    }

    public TestNetwork node(String nodeId) throws IOException {
        nodes.put(nodeId, new NodeProcess(nodeId, work.resolve("node-" + nodeId), freePort(), freePort()));
        return this;
    }

    public TestNetwork sae(String saeId, String nodeId) {
        saes.put(saeId, nodeId);
        return this;
    }

    public TestNetwork link(String nodeA, String nodeB) {
        links.add(new String[] {nodeA, nodeB});
        return this;
    }

    /** Key supply of every test-driver link: blocks of {@code bits} at {@code perSecond}. */
    public TestNetwork keySupply(int bits, int perSecond) {
        this.blockBits = bits;
        this.blocksPerSecond = perSecond;
        return this;
    }

    public TestNetwork poolCapacity(long keys) {
        this.maxKeysPerLink = keys;
        return this;
    }

    public NodeProcess get(String nodeId) {
        return nodes.get(nodeId);
    }

    /** The folder of this network's node homes and PKI. */
    public Path work() {
        return work;
    }

    public Path pki() {
        return work.resolve("pki");
    }

    public Path nodeJar() {
        return nodeJar;
    }

    /** Writes the PKI and every node's configuration, then starts all nodes. */
    public TestNetwork start() throws Exception {
        DevPki.init(pki(), List.copyOf(nodes.keySet()), List.copyOf(saes.keySet()), password);
        for (NodeProcess n : nodes.values()) {
            configure(n);
        }
        for (String[] l : links) {
            String linkId = l[0] + "-" + l[1];
            testLink(nodes.get(l[0]), l[1], linkId, "TRANSMITTER");
            testLink(nodes.get(l[1]), l[0], linkId, "RECEIVER");
        }
        for (NodeProcess n : nodes.values()) {
            n.start(nodeJar);
        }
        return this;
    }

    private void configure(NodeProcess n) throws IOException {
        String id = n.nodeId;
        List<String> peers = new ArrayList<>();
        for (String[] l : links) {
            String peer = l[0].equals(id) ? l[1] : l[1].equals(id) ? l[0] : null;
            if (peer != null) {
                peers.add(peer + "=https://localhost:" + nodes.get(peer).peerPort);
            }
        }
        n.config("org.qkdv2i.tls.NodeTls", id, props(
                "nodeId", id,
                "keyStore", pki().resolve("node-" + id + ".p12").toString(),
                "keyStorePassword", new String(password),
                "trustStore", pki().resolve("ca.pem").toString()));
        Map<String, Object> kmm = props(
                "nodeId", id,
                "dataDir", n.home.resolve("data").toString(),
                "kekFile", n.home.resolve("keys/" + id + ".kek").toString(),
                "maxKeysPerLink", maxKeysPerLink,
                "peerPort", n.peerPort,
                "peers", peers);
        // further KMM options for every node from system properties kmm.<option>=<value> (benchmark tuning)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("kmm."))
                .forEach(k -> kmm.put(k.substring(4), System.getProperty(k)));
        n.config("org.qkdv2i.kmm.Node", id, kmm);
        for (Map.Entry<String, String> s : saes.entrySet()) {
            n.config("org.qkdv2i.kmm.Sae", s.getKey(), props("saeId", s.getKey(), "nodeId", s.getValue()));
        }
        n.config("org.qkdv2i.kmm.etsi014.Server", id, props("nodeId", id, "port", n.etsiPort));
    }

    private void testLink(NodeProcess self, String peer, String linkId, String role) throws IOException {
        self.config("org.qkdv2i.testdriver.TestLink", linkId, props(
                "linkId", linkId, "localNode", self.nodeId, "peerNode", peer, "role", role,
                "seed", "system-test-" + linkId, "blockBits", blockBits, "blocksPerSecond", blocksPerSecond));
        self.deployBundle(testDriverJar);
    }

    /** An ETSI 014 client for the SAE, talking to the KME of its node. */
    public EtsiClient client(String saeId) throws Exception {
        NodeProcess n = nodes.get(saes.get(saeId));
        return new EtsiClient(pki().resolve("sae-" + saeId + ".p12"), password, pki().resolve("ca.pem"), n.etsiPort);
    }

    /** Waits until {@code master} sees at least {@code n} keys for {@code slave} in its status. */
    public void awaitStoredKeys(String master, String slave, long n, Duration timeout) throws Exception {
        EtsiClient client = client(master);
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            EtsiClient.Response s = client.status(slave);
            if (s.status() == 200 && s.body().get("stored_key_count").asLong() >= n) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("pool of " + master + " for " + slave + " did not reach " + n + " keys: HTTP "
                        + s.status() + " " + s.body());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (NodeProcess n : nodes.values()) {
            n.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
