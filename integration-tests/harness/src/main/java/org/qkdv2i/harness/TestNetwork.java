package org.qkdv2i.harness;

import static org.qkdv2i.harness.NodeProcess.props;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.qkdv2i.tls.DevPki;

/**
 * A small network of node processes on this machine: a development PKI, node homes with
 * their deploy/ configuration, links between nodes and SAE registrations. Every node knows
 * every SAE; each link end is a driver instance configured in the node's deploy/ folder: the
 * test driver ({@link #link}), or the simulated FSO driver ({@link #fsoLink}) where the physics
 * (an eavesdropper) is the point. Optionally every node runs its ETSI GS QKD 015 SDN agent and
 * an SDN controller process ({@link #controller}) is configured with all of them.
 */
public final class TestNetwork implements AutoCloseable {

    /** Factory PID of the test driver's link ends. */
    public static final String TEST_LINK_PID = "org.qkdv2i.testdriver.TestLink";
    /** Factory PID of the simulated FSO driver's link ends. */
    public static final String FSO_LINK_PID = "org.qkdv2i.driver.sim.fso.Link";

    /**
     * One link: ends a (test driver TRANSMITTER / FSO Alice) and b, its driver, its FSO ports, its
     * own test-driver block rate (0: the network's {@link #keySupply}).
     */
    private record Link(String a, String b, boolean fso, int quantumPort, int classicalPort, String authKeyHex,
            double blocksPerSecond) {
        String id() {
            return a + "-" + b;
        }
    }

    private final Path work;
    private final Path nodeJar;
    private final Path testDriverJar;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, String> saes = new LinkedHashMap<>();
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final Map<String, Double> eve = new LinkedHashMap<>();
    private final Map<String, Integer> agentPorts = new LinkedHashMap<>();
    private final Map<String, Object> kmmOptions = new LinkedHashMap<>();
    private final char[] password = DevPki.DEFAULT_PASSWORD.toCharArray();
    private int blockBits = 8192;
    private int blocksPerSecond = 50;
    private long maxKeysPerLink = 100_000;
    private Path simFsoJar;
    private Path postprocessingJar;
    private double fsoRoundSeconds = 0.5;
    private String agentControllerId;
    private ControllerProcess controller;
    private boolean parallelStart;
    private Duration startTimeout = Duration.ofSeconds(60);

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
        TestNetwork net = new TestNetwork(Files.createTempDirectory(base, name + "-"),
                Path.of(System.getProperty("node.jar")), Path.of(System.getProperty("testdriver.jar")));
        String fso = System.getProperty("simfso.jar");
        String pp = System.getProperty("postprocessing.jar");
        if (fso != null && pp != null) {
            net.fsoBundles(Path.of(fso), Path.of(pp));
        }
        return net;
    }

    /** The bundles an FSO link end needs in deploy/: the driver and qkd.postprocessing. */
    public TestNetwork fsoBundles(Path driverJar, Path postprocessing) {
        this.simFsoJar = driverJar.toAbsolutePath();
        this.postprocessingJar = postprocessing.toAbsolutePath();
        return this;
    }

    public TestNetwork node(String nodeId) throws IOException {
        nodes.put(nodeId, new NodeProcess(nodeId, work.resolve("node-" + nodeId), freePort(), freePort()));
        return this;
    }

    public TestNetwork sae(String saeId, String nodeId) {
        saes.put(saeId, nodeId);
        return this;
    }

    /** A test-driver link {@code nodeA-nodeB} (nodeA the TRANSMITTER). */
    public TestNetwork link(String nodeA, String nodeB) {
        return link(nodeA, nodeB, 0);
    }

    /** A test-driver link {@code nodeA-nodeB} with its own block rate (blocks of the network's size). */
    public TestNetwork link(String nodeA, String nodeB, double blocksPerSecond) {
        Link l = new Link(nodeA, nodeB, false, 0, 0, null, blocksPerSecond);
        links.put(l.id(), l);
        return this;
    }

    /**
     * A simulated FSO link {@code alice-bob} (driver.sim.fso, decoy BB84 with the real
     * post-processing; 300 m clear night). Bob listens on two free loopback ports, Alice connects.
     * Runs as fast as the CPU allows ({@code speed=0}), rounds of {@link #fsoRounds} simulated seconds.
     */
    public TestNetwork fsoLink(String alice, String bob) throws IOException {
        if (simFsoJar == null) {
            throw new IllegalStateException("no driver.sim.fso bundle: set simfso.jar and postprocessing.jar, or call fsoBundles");
        }
        byte[] auth = new byte[16 * 1024]; // Wegman–Carter bootstrap key: ~500 pads per direction, refilled every round
        new SecureRandom().nextBytes(auth);
        Link l = new Link(alice, bob, true, freePort(), freePort(), HexFormat.of().formatHex(auth), 0);
        links.put(l.id(), l);
        return this;
    }

    /** Simulated seconds per round (= one key block) of every FSO link; 0.5 s gives ~70 kbit blocks. */
    public TestNetwork fsoRounds(double seconds) {
        this.fsoRoundSeconds = seconds;
        return this;
    }

    /**
     * Every node runs its ETSI GS QKD 015 SDN agent ({@code org.qkdv2i.sdn.Agent}) on a free
     * loopback port and accepts writes from the client certificate CN {@code controllerId}.
     */
    public TestNetwork sdnAgents(String controllerId) {
        this.agentControllerId = controllerId;
        return this;
    }

    /**
     * An SDN controller process ({@code controller.jar}) with TLS identity {@code controllerId}
     * (a dev-PKI node certificate with that CN, SAN localhost), configured with every node's
     * agent; started after the nodes. Implies {@link #sdnAgents}.
     */
    public TestNetwork controller(String controllerId, Path controllerJar, long pollMillis) throws IOException {
        sdnAgents(controllerId);
        controller = new ControllerProcess(controllerId, work.resolve("controller-" + controllerId),
                controllerJar.toAbsolutePath(), freePort(), pollMillis);
        return this;
    }

    /** The controller process, or null. */
    public ControllerProcess controller() {
        return controller;
    }

    /** The HTTPS port of a node's SDN agent. */
    public int agentPort(String nodeId) {
        return agentPorts.get(nodeId);
    }

    /** The IDs of the links, {@code a-b} in the order they were added. */
    public List<String> linkIds() {
        return List.copyOf(links.keySet());
    }

    /** Key supply of every test-driver link: blocks of {@code bits} at {@code perSecond}. */
    public TestNetwork keySupply(int bits, int perSecond) {
        this.blockBits = bits;
        this.blocksPerSecond = perSecond;
        return this;
    }

    /** A further {@code org.qkdv2i.kmm.Node} option for every node (e.g. peerTimeoutMillis). */
    public TestNetwork kmmOption(String name, Object value) {
        kmmOptions.put(name, value);
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

    /**
     * Writes the PKI and every node's configuration, then starts all nodes (and the controller).
     * If one does not start, the ones already running are stopped before the exception leaves.
     */
    public TestNetwork start() throws Exception {
        try {
            return startAll();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (RuntimeException stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
    }

    private TestNetwork startAll() throws Exception {
        List<String> identities = new ArrayList<>(nodes.keySet());
        if (controller != null) {
            identities.add(controller.controllerId);
        }
        List<String> clients = new ArrayList<>(saes.keySet());
        if (controller != null) {
            clients.add(OPERATOR);
        }
        DevPki.init(pki(), identities, clients, password);
        for (NodeProcess n : nodes.values()) {
            if (agentControllerId != null) {
                agentPorts.put(n.nodeId, freePort());
            }
            configure(n);
        }
        for (Link l : links.values()) {
            for (NodeProcess end : List.of(nodes.get(l.a()), nodes.get(l.b()))) {
                writeLinkEnd(l, end);
                end.deployBundle(testDriverJar);
                if (l.fso()) {
                    end.deployBundle(simFsoJar);
                    end.deployBundle(postprocessingJar);
                }
            }
        }
        if (controller != null) {
            List<String> agents = new ArrayList<>();
            agentPorts.forEach((node, port) -> agents.add(node + "=https://localhost:" + port));
            controller.configure(pki(), password, agents);
        }
        if (parallelStart) {
            for (NodeProcess n : nodes.values()) {
                n.launch(nodeJar);
            }
            if (controller != null) {
                controller.launch(); // it polls the agents until they answer
            }
            // one deadline for all: on a loaded machine the JVMs share the cores while they start
            Instant deadline = Instant.now().plus(startTimeout);
            for (NodeProcess n : nodes.values()) {
                n.awaitReady(remaining(deadline));
            }
            if (controller != null) {
                controller.awaitReady(remaining(deadline));
            }
            return this;
        }
        for (NodeProcess n : nodes.values()) {
            n.start(nodeJar);
        }
        if (controller != null) {
            controller.start();
        }
        return this;
    }

    /**
     * Starts all processes at once and then waits, until one deadline {@code timeout} away, for
     * each, instead of one after the other (faster for many nodes; the nodes'
     * {@link NodeProcess#startupTime} then includes the others' start).
     */
    public TestNetwork parallelStart(Duration timeout) {
        this.parallelStart = true;
        this.startTimeout = timeout;
        return this;
    }

    private static Duration remaining(Instant deadline) {
        Duration d = Duration.between(Instant.now(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** CN of the client certificate the tests use on the controller's northbound API. */
    public static final String OPERATOR = "operator";

    /** A northbound API client of the controller, authenticated as {@link #OPERATOR}. */
    public ControllerClient northbound() throws Exception {
        return new ControllerClient(pki().resolve("sae-" + OPERATOR + ".p12"), password, pki().resolve("ca.pem"),
                controller.northboundPort);
    }

    /**
     * Cuts a link: deletes the driver configuration of both ends, so FileInstall deletes the
     * configurations and the driver components go away (the KMMs keep what their pools hold).
     */
    public void cut(String linkId) throws IOException {
        Link l = link(linkId);
        String pid = l.fso() ? FSO_LINK_PID : TEST_LINK_PID;
        nodes.get(l.a()).removeConfig(pid, linkId);
        nodes.get(l.b()).removeConfig(pid, linkId);
    }

    /** Brings a cut link back: writes both ends' driver configuration again. */
    public void restore(String linkId) throws IOException {
        Link l = link(linkId);
        writeLinkEnd(l, nodes.get(l.a()));
        writeLinkEnd(l, nodes.get(l.b()));
    }

    /**
     * Eve on an FSO link: intercept-resend on {@code fraction} of the pulses (0 = gone). A
     * configuration update of Alice's end (FileInstall rewrites the configuration; the driver
     * applies eve* from its next batch without reconnecting).
     */
    public void eve(String linkId, double fraction) throws IOException {
        Link l = link(linkId);
        if (!l.fso()) {
            throw new IllegalArgumentException("link " + linkId + " is not a simulated FSO link");
        }
        eve.put(linkId, fraction);
        writeLinkEnd(l, nodes.get(l.a()));
    }

    private Link link(String linkId) {
        Link l = links.get(linkId);
        if (l == null) {
            throw new IllegalArgumentException("no link " + linkId + "; links: " + links.keySet());
        }
        return l;
    }

    private void writeLinkEnd(Link l, NodeProcess self) throws IOException {
        boolean first = self.nodeId.equals(l.a());
        String peer = first ? l.b() : l.a();
        if (!l.fso()) {
            self.config(TEST_LINK_PID, l.id(), props(
                    "linkId", l.id(), "localNode", self.nodeId, "peerNode", peer,
                    "role", first ? "TRANSMITTER" : "RECEIVER",
                    "seed", "system-test-" + l.id(), "blockBits", blockBits,
                    "blocksPerSecond", l.blocksPerSecond() > 0 ? (Object) l.blocksPerSecond() : blocksPerSecond));
            return;
        }
        Map<String, Object> p = props(
                "linkId", l.id(), "localNode", self.nodeId, "peerNode", peer, "role", first ? "ALICE" : "BOB",
                "quantumHost", "127.0.0.1", "quantumPort", l.quantumPort(),
                "classicalHost", "127.0.0.1", "classicalPort", l.classicalPort(),
                "authKeyHex", l.authKeyHex(),
                "stateDir", self.home.resolve("fso-pads").toString(),
                "roundSeconds", fsoRoundSeconds,
                "speed", 0.0d);
        if (first) {
            // the channel emulation, Eve included, runs at Alice's end
            p.put("eveInterceptFraction", eve.getOrDefault(l.id(), 0.0d));
        }
        self.config(FSO_LINK_PID, l.id(), p);
    }

    private void configure(NodeProcess n) throws IOException {
        String id = n.nodeId;
        List<String> peers = new ArrayList<>();
        for (Link l : links.values()) {
            String peer = l.a().equals(id) ? l.b() : l.b().equals(id) ? l.a() : null;
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
        kmm.putAll(kmmOptions);
        // further KMM options for every node from system properties kmm.<option>=<value> (benchmark tuning)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("kmm."))
                .forEach(k -> kmm.put(k.substring(4), System.getProperty(k)));
        n.config("org.qkdv2i.kmm.Node", id, kmm);
        for (Map.Entry<String, String> s : saes.entrySet()) {
            n.config("org.qkdv2i.kmm.Sae", s.getKey(), props("saeId", s.getKey(), "nodeId", s.getValue()));
        }
        n.config("org.qkdv2i.kmm.etsi014.Server", id, props("nodeId", id, "port", n.etsiPort));
        if (agentControllerId != null) {
            n.config("org.qkdv2i.sdn.Agent", id, props("nodeId", id, "port", agentPorts.get(id),
                    "controllers", List.of(agentControllerId), "location", "rooftop-" + id));
        }
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

    /** Stops the controller and every node; each is stopped even if another one fails to stop. */
    @Override
    public void close() throws InterruptedException {
        List<AutoCloseable> all = new ArrayList<>();
        if (controller != null) {
            all.add(controller);
        }
        all.addAll(nodes.values());
        RuntimeException failed = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (failed == null) {
                    failed = new IllegalStateException("stopping a process failed", e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
