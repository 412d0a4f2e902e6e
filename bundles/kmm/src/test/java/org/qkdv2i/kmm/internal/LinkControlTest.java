package org.qkdv2i.kmm.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.kmm.internal.peer.HttpsPeerTransport;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/**
 * kmm.api {@link LinkControl} with two KMM node components talking over real HTTPS with mutual
 * TLS (dev PKI): a disable at one end detaches both ends from their drivers, the pools keep
 * serving, an enable re-attaches both; unknown links and foreign nodes are refused.
 */
public class LinkControlTest {

    @ClassRule
    public static TemporaryFolder pkiFolder = new TemporaryFolder();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static NodeTls tlsA;
    private static NodeTls tlsB;
    private static NodeTls tlsC;

    @BeforeClass
    public static void pki() throws Exception {
        Path pki = pkiFolder.getRoot().toPath();
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        DevPki.Result r = DevPki.init(pki, List.of("A", "B", "C"), List.of(), pw);
        tlsA = BcNodeTls.load("A", r.nodeKeyStore("A"), pw, r.caCertificate(), null, null);
        tlsB = BcNodeTls.load("B", r.nodeKeyStore("B"), pw, r.caCertificate(), null, null);
        tlsC = BcNodeTls.load("C", r.nodeKeyStore("C"), pw, r.caCertificate(), null, null);
    }

    /** Services a node component registered (and has not unregistered), by interface name. */
    private static final class Registry {
        final Map<String, Object> services = new ConcurrentHashMap<>();
        final Map<String, Dictionary<String, ?>> props = new ConcurrentHashMap<>();

        BundleContext context() {
            ClassLoader cl = getClass().getClassLoader();
            return (BundleContext) Proxy.newProxyInstance(cl, new Class<?>[] {BundleContext.class}, (p, m, args) -> {
                if (m.getName().equals("registerService")) {
                    String name = args[0] instanceof Class<?> c ? c.getName() : String.valueOf(args[0]);
                    services.put(name, args[1]);
                    @SuppressWarnings("unchecked")
                    Dictionary<String, ?> d = (Dictionary<String, ?>) args[2];
                    props.put(name, d);
                    return Proxy.newProxyInstance(cl, new Class<?>[] {ServiceRegistration.class}, (p2, m2, a2) -> {
                        if (m2.getName().equals("unregister")) {
                            services.remove(name);
                            props.remove(name);
                        }
                        return null;
                    });
                }
                throw new UnsupportedOperationException(m.getName());
            });
        }

        <T> T get(Class<T> type) {
            return type.cast(services.get(type.getName()));
        }
    }

    /** One end of the simulated link: counts the blocks it had to destroy for want of a sink. */
    private static final class FakeDriver implements QkdDriver {
        final LinkEnd end;
        final AtomicReference<KeyBlockSink> sink = new AtomicReference<>();
        final AtomicInteger destroyed = new AtomicInteger();

        FakeDriver(LinkEnd end) {
            this.end = end;
        }

        @Override
        public LinkEnd linkEnd() {
            return end;
        }

        @Override
        public LinkStatus status() {
            return LinkStatus.of(LinkState.UP, "fake link", Instant.now());
        }

        @Override
        public void attach(KeyBlockSink s) {
            sink.set(s);
        }

        @Override
        public void detach(KeyBlockSink s) {
            sink.compareAndSet(s, null);
        }

        void deliver(KeyBlock block) {
            KeyBlockSink s = sink.get();
            if (s == null) {
                block.destroy(); // qkd.api: blocks made with no sink attached are destroyed by the driver
                destroyed.incrementAndGet();
            } else {
                s.keyBlock(block);
            }
        }
    }

    private static final String LINK = "L-AB";
    private final SecureRandom random = new SecureRandom();
    private final List<NodeComponent> started = new ArrayList<>();

    private final Registry regA = new Registry();
    private final Registry regB = new Registry();
    private final FakeDriver driverA = new FakeDriver(new LinkEnd(LINK, "A", "B", QkdRole.TRANSMITTER));
    private final FakeDriver driverB = new FakeDriver(new LinkEnd(LINK, "B", "A", QkdRole.RECEIVER));
    private int portA;
    private int portB;

    @After
    public void stop() {
        started.forEach(NodeComponent::deactivate);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private NodeComponent.Config config(Map<String, Object> values) {
        return (NodeComponent.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {NodeComponent.Config.class}, (p, m, args) -> {
                    if (values.containsKey(m.getName())) {
                        return values.get(m.getName());
                    }
                    if (m.getName().equals("annotationType")) {
                        return NodeComponent.Config.class;
                    }
                    return m.getDefaultValue();
                });
    }

    private static SaeEntry sae(String id, String node) {
        return new SaeEntry() {
            @Override
            public String saeId() {
                return id;
            }

            @Override
            public String nodeId() {
                return node;
            }
        };
    }

    private NodeComponent node(String id, Registry reg, int port, NodeTls tls, FakeDriver driver, String... peers)
            throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("nodeId", id);
        values.put("dataDir", tmp.getRoot().toPath().resolve("data-" + id).toString());
        values.put("kekFile", tmp.getRoot().toPath().resolve("kek/" + id + ".kek").toString());
        values.put("peerPort", port);
        values.put("peers", peers);
        values.put("freshKeyGraceMillis", 0L);
        values.put("peerTimeoutMillis", 15000L); // a cold TLS handshake on a loaded CI machine
        values.put("keyAuthentication", true); // every block checked with the peer over HTTPS before it is stored
        NodeComponent node = new NodeComponent(reg.context(), config(values));
        started.add(node);
        node.bindSae(sae("sa", "A"));
        node.bindSae(sae("sb", "B"));
        node.bindDriver(driver); // the link is known before the peer endpoint opens
        node.bindTls(tls);
        return node;
    }

    private void twoNodes() throws Exception {
        portA = freePort();
        portB = freePort();
        node("A", regA, portA, tlsA, driverA, "B=https://127.0.0.1:" + portB);
        node("B", regB, portB, tlsB, driverB, "A=https://127.0.0.1:" + portA, "C=https://127.0.0.1:1");
        // each node tells its peer "started, link enabled" a moment after it starts (retried while the peer is
        // not up yet); one still under way would reach the peer after the test's disable there and enable it
        // again (seen in a stress run at load 36: A's disabledLinks() empty right after A's disable). Start
        // the test once both notices have been answered.
        Await.until("both start notices answered", () -> started.stream().allMatch(n -> n.undeliveredNotices() == 0));
    }

    /** Both ends of the link make the same block of {@code storedKeys} stored keys. */
    /** A block of {@code storedKeys} stored keys to both ends (plus the 32 bytes key authentication spends). */
    private void emit(int storedKeys) {
        byte[] bytes = new byte[32 * storedKeys + 32];
        random.nextBytes(bytes);
        UUID id = UUID.randomUUID();
        Instant created = Instant.now();
        driverA.deliver(new KeyBlock(id, bytes, created, 0, 0));
        driverB.deliver(new KeyBlock(id, bytes, created, 0, 0));
        java.util.Arrays.fill(bytes, (byte) 0);
    }

    private static PoolStatus pool(Registry reg) {
        return reg.get(KeyManager.class).pools().stream().filter(p -> p.linkId().equals(LINK)).findFirst()
                .orElseThrow();
    }

    private static long stored(Registry reg) {
        PoolStatus p = pool(reg);
        return p.ownKeys() + p.peerKeys();
    }

    @Test
    public void aDisableAtOneEndStopsBothEndsWhileThePoolsKeepServingAndAnEnableResumesBoth() throws Exception {
        twoNodes();
        LinkControl linksA = regA.get(LinkControl.class);
        LinkControl linksB = regB.get(LinkControl.class);
        assertNotNull("LinkControl registered at A", linksA);
        assertEquals("A", regA.props.get(LinkControl.class.getName()).get(KeyManager.NODE_PROPERTY));
        assertEquals("B", linksB.nodeId());
        emit(40);
        // key authentication: stored once the two KMMs compared the block's key-check values (one round trip)
        Await.until("block authenticated and stored at both ends", () -> stored(regA) == 40 && stored(regB) == 40);

        linksA.disable(LINK, "fibre maintenance");

        assertEquals(Set.of(LINK), linksA.disabledLinks());
        assertEquals("peer B was told", Set.of(LINK), linksB.disabledLinks());
        assertNull("A detached from its driver", driverA.sink.get());
        assertNull("B detached from its driver", driverB.sink.get());
        assertTrue("driver still bound", pool(regA).driverPresent());
        assertEquals(LinkState.DOWN, pool(regA).link().state());
        assertTrue(pool(regA).link().reason(), pool(regA).link().reason().contains("fibre maintenance"));
        assertTrue(pool(regB).link().reason(), pool(regB).link().reason().contains("at peer node A"));

        emit(10);
        assertEquals("both ends' drivers destroyed the block", 1, driverA.destroyed.get());
        assertEquals(1, driverB.destroyed.get());
        assertEquals("A took no new block", 40, stored(regA));
        assertEquals("B took no new block", 40, stored(regB));

        // stored keys are still served at both ends (enc_keys at A, dec_keys at B)
        List<Key> enc = regA.get(KeyManager.class).newKeys(new KeyRequest("sa", "sb", 2, 256));
        List<Key> dec = regB.get(KeyManager.class).keysById("sb", "sa", List.of(enc.get(0).id(), enc.get(1).id()));
        assertArrayEquals(enc.get(0).bytes(), dec.get(0).bytes());
        assertArrayEquals(enc.get(1).bytes(), dec.get(1).bytes());

        linksA.disable(LINK, "again"); // does nothing
        assertTrue(pool(regA).link().reason(), pool(regA).link().reason().contains("fibre maintenance"));

        // enabling at the other end resumes both
        linksB.enable(LINK);
        assertEquals(Set.of(), linksB.disabledLinks());
        assertEquals(Set.of(), linksA.disabledLinks());
        assertNotNull("A re-attached", driverA.sink.get());
        assertNotNull("B re-attached", driverB.sink.get());
        assertEquals(LinkState.UP, pool(regA).link().state());
        long a = stored(regA);
        long b = stored(regB);
        emit(10);
        Await.until("block authenticated and stored at both ends",
                () -> stored(regA) == a + 10 && stored(regB) == b + 10);
        linksA.enable(LINK); // does nothing
        assertNotNull(driverA.sink.get());
    }

    @Test
    public void anUnknownLinkIsABadRequest() throws Exception {
        twoNodes();
        LinkControl linksA = regA.get(LinkControl.class);
        for (String link : new String[] {"L-XY", null}) {
            try {
                linksA.disable(link, "test");
                fail("disabled " + link);
            } catch (KeyManagerException e) {
                assertEquals(KeyManagerException.Reason.BAD_REQUEST, e.reason());
                assertTrue(e.getMessage(), e.getMessage().contains("not a physical link of node A (links: L-AB)"));
            }
            try {
                linksA.enable(link);
                fail("enabled " + link);
            } catch (KeyManagerException e) {
                assertEquals(KeyManagerException.Reason.BAD_REQUEST, e.reason());
            }
        }
        assertEquals(Set.of(), linksA.disabledLinks());
        assertNotNull(driverA.sink.get());
    }

    @Test
    public void aNodeThatIsNotTheLinksPeerCannotDisableIt() throws Exception {
        twoNodes();
        // C is a configured peer of B (passes the TLS and peer checks) but link L-AB joins A and B
        try (HttpsPeerTransport fromC = new HttpsPeerTransport(tlsC, () -> Map.of("B", "https://127.0.0.1:" + portB))) {
            fromC.linkControl("B", new PeerTransport.LinkControlRequest(LINK, false, "hostile"), 15_000);
            fail("C disabled A-B at B");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
            assertTrue(e.getMessage(), e.getMessage().contains("does not join B and C"));
        }
        assertEquals(Set.of(), regB.get(LinkControl.class).disabledLinks());
        assertNotNull(driverB.sink.get());
    }

    @Test
    public void aDriverBoundAgainEnablesTheLinkAtBothEnds() throws Exception {
        twoNodes();
        NodeComponent a = started.get(0);
        regA.get(LinkControl.class).disable(LINK, "maintenance");
        assertEquals(Set.of(LINK), regB.get(LinkControl.class).disabledLinks());
        a.unbindDriver(driverA);
        assertTrue("driver gone", !pool(regA).driverPresent());
        FakeDriver updated = new FakeDriver(driverA.end);
        a.bindDriver(updated); // a driver update: the state does not survive it (kmm.api LinkControl)
        assertNotNull(updated.sink.get());
        assertEquals(Set.of(), regA.get(LinkControl.class).disabledLinks());
        Await.until("peer B enabled the link again", () -> regB.get(LinkControl.class).disabledLinks().isEmpty()
                && driverB.sink.get() != null);
    }

    @Test
    public void anUnreachablePeerIsToldWhenItIsBack() throws Exception {
        portA = freePort();
        portB = freePort();
        node("A", regA, portA, tlsA, driverA, "B=https://127.0.0.1:" + portB);
        LinkControl linksA = regA.get(LinkControl.class);
        linksA.disable(LINK, "storm");
        assertEquals("disabled here although B is down", Set.of(LINK), linksA.disabledLinks());
        assertNull(driverA.sink.get());
        // B's start notice (its links are enabled) does not undo a disable B has not heard of yet
        try (HttpsPeerTransport asB = new HttpsPeerTransport(tlsB, () -> Map.of("A", "https://127.0.0.1:" + portA))) {
            asB.linkControl("A", new PeerTransport.LinkControlRequest(LINK, true, NodeComponent.STARTED), 15_000);
        }
        assertEquals(Set.of(LINK), linksA.disabledLinks());
        assertNull(driverA.sink.get());
        node("B", regB, portB, tlsB, driverB, "A=https://127.0.0.1:" + portA);
        Await.until("B told on a retry", () -> regB.get(LinkControl.class).disabledLinks().equals(Set.of(LINK)));
        assertNull(driverB.sink.get());
        assertEquals(Set.of(LINK), linksA.disabledLinks());
        assertNull(driverA.sink.get());
    }

    @Test
    public void aPeerThatRestartsEnablesTheLinkAtBothEnds() throws Exception {
        twoNodes();
        regA.get(LinkControl.class).disable(LINK, "maintenance");
        assertEquals(Set.of(LINK), regB.get(LinkControl.class).disabledLinks());
        NodeComponent b = started.remove(1);
        b.deactivate();
        // the state survives no restart (kmm.api LinkControl): B comes back enabled and so must A
        Registry regB2 = new Registry();
        node("B", regB2, portB, tlsB, driverB, "A=https://127.0.0.1:" + portA);
        assertEquals(Set.of(), regB2.get(LinkControl.class).disabledLinks());
        assertNotNull(driverB.sink.get());
        Await.until("A enabled by B's start notice", () -> regA.get(LinkControl.class).disabledLinks().isEmpty()
                && driverA.sink.get() != null);
    }
}
