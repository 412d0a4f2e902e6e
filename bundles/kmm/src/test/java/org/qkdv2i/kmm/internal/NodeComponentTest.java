package org.qkdv2i.kmm.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdRole;

/** The DS component outside a framework: bind/unbind order, registration, runtime changes. */
public class NodeComponentTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final AtomicReference<Object> registered = new AtomicReference<>();
    private final AtomicReference<Dictionary<String, ?>> registeredProps = new AtomicReference<>();
    /** Service interfaces registered and not unregistered, with their properties. */
    private final Map<String, Dictionary<String, ?>> services = new java.util.concurrent.ConcurrentHashMap<>();

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, args) -> {
                    if (m.getName().equals("registerService")) {
                        registered.set(args[1]);
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> d = (Dictionary<String, ?>) args[2];
                        registeredProps.set(d);
                        String name = args[0] instanceof Class<?> c ? c.getName() : String.valueOf(args[0]);
                        services.put(name, d);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("unregister")) {
                                        registered.set(null);
                                        services.remove(name);
                                    }
                                    return null;
                                });
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
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

    private static final class FakeDriver implements QkdDriver {
        final LinkEnd end;
        final AtomicReference<KeyBlockSink> sink = new AtomicReference<>();
        final AtomicBoolean detached = new AtomicBoolean();

        FakeDriver(LinkEnd end) {
            this.end = end;
        }

        @Override
        public LinkEnd linkEnd() {
            return end;
        }

        @Override
        public LinkStatus status() {
            return LinkStatus.of(LinkState.UP, "", Instant.now());
        }

        @Override
        public void attach(KeyBlockSink s) {
            sink.set(s);
        }

        @Override
        public void detach(KeyBlockSink s) {
            sink.compareAndSet(s, null);
            detached.set(true);
        }
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

    @Test
    public void driversComeAndGoWhileThePoolKeepsServing() throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("nodeId", "A");
        values.put("dataDir", tmp.getRoot().toPath().resolve("data").toString());
        values.put("kekFile", tmp.getRoot().toPath().resolve("kek/A.kek").toString());
        values.put("lowWaterKeys", 5L);
        // one node without its peer KMM: no key check possible (key authentication: KeyAuthenticationTest,
        // LinkControlTest, PeerHttpsTest)
        values.put("keyAuthentication", false);
        NodeComponent node = new NodeComponent(context(), config(values));
        FakeDriver mine = new FakeDriver(new LinkEnd("L-AB", "A", "B", QkdRole.TRANSMITTER));
        FakeDriver other = new FakeDriver(new LinkEnd("L-BC", "B", "C", QkdRole.TRANSMITTER));
        node.bindSae(sae("sa", "A"));
        node.bindSae(sae("sa2", "A"));
        node.bindDriver(mine);
        node.bindDriver(other);
        KeyManager km = (KeyManager) registered.get();
        assertNotNull(km);
        assertEquals("A", registeredProps.get().get(KeyManager.NODE_PROPERTY));
        assertEquals("KeyStreams (ETSI GS QKD 004) registered for the node", "A",
                services.get("org.qkdv2i.kmm.api.KeyStreams").get(KeyManager.NODE_PROPERTY));
        assertNotNull("own driver attached", mine.sink.get());
        assertNull("another node's driver is left alone", other.sink.get());

        mine.sink.get().keyBlock(new KeyBlock(UUID.randomUUID(), new byte[32 * 40], Instant.now(), 0, 0));
        PoolStatus pool = km.pools().get(0);
        assertTrue(pool.driverPresent());
        long stored = pool.ownKeys() + pool.peerKeys();
        assertEquals(40, stored);

        // the driver bundle goes away: the KMM stays registered, the pool stays
        node.unbindDriver(mine);
        assertTrue(mine.detached.get());
        assertSame(km, registered.get());
        pool = km.pools().get(0);
        assertFalse(pool.driverPresent());
        assertEquals(stored, pool.ownKeys() + pool.peerKeys());
        List<Key> local = km.newKeys(new KeyRequest("sa", "sa2", 2, 256));
        assertArrayEquals(local.get(0).bytes(), km.keysById("sa2", "sa", List.of(local.get(0).id())).get(0).bytes());

        // a runtime change keeps the store and the service
        values.put("keyLifetimeSeconds", 3600L);
        values.put("maxKeysPerLink", 500L);
        node.modified(config(values));
        assertSame(km, registered.get());
        assertEquals(3600, ((KmmCore) km).settings().keyLifetimeSeconds());
        assertEquals(500, km.pools().get(0).capacity());
        assertEquals(stored, km.pools().get(0).ownKeys() + km.pools().get(0).peerKeys());

        // the driver comes back (new version) and feeds the same pool
        FakeDriver again = new FakeDriver(mine.end);
        node.bindDriver(again);
        again.sink.get().keyBlock(new KeyBlock(UUID.randomUUID(), new byte[32 * 10], Instant.now(), 0, 0));
        assertEquals(stored + 10, km.pools().get(0).ownKeys() + km.pools().get(0).peerKeys());

        node.deactivate();
        assertNull(registered.get());
        assertTrue(again.detached.get());
    }

    private static VirtualLinkEntry route(String node, VirtualLink link) {
        return new VirtualLinkEntry() {
            @Override
            public String nodeId() {
                return node;
            }

            @Override
            public VirtualLink link() {
                return link;
            }
        };
    }

    @Test
    public void virtualLinksFromConfigurationReachTheRelayRoutesOfTheirNode() throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("nodeId", "B");
        values.put("dataDir", tmp.getRoot().toPath().resolve("data").toString());
        values.put("kekFile", tmp.getRoot().toPath().resolve("kek/B.kek").toString());
        values.put("peers", new String[] {"A=https://127.0.0.1:1", "C=https://127.0.0.1:2"});
        VirtualLinkEntry early = route("B", new VirtualLink("V-AC", "A", "C", "A", "C"));
        NodeComponent node = new NodeComponent(context(), config(values));
        node.bindVirtualLink(early); // bound after activation, like DS does with dynamic references
        node.bindVirtualLink(route("A", new VirtualLink("V-AC", "A", "C", null, "B"))); // another node's
        node.bindVirtualLink(route("B", new VirtualLink("V-AD", "A", "D", "A", "D"))); // D is no peer: refused

        assertEquals("B", services.get(RelayRoutes.class.getName()).get(KeyManager.NODE_PROPERTY));
        RelayRoutes routes = (RelayRoutes) registered.get();
        assertEquals(List.of(early.link()), routes.virtualLinks());

        // a reopened node (new store) gets them again from configuration
        values.put("dataDir", tmp.getRoot().toPath().resolve("data2").toString());
        node.modified(config(values));
        routes = (RelayRoutes) registered.get();
        assertEquals(List.of(early.link()), routes.virtualLinks());

        node.unbindVirtualLink(early);
        assertTrue(routes.virtualLinks().isEmpty());
        node.deactivate();
        assertTrue("KeyManager and RelayRoutes unregistered", services.isEmpty());
    }

    @Test
    public void keyAuthenticationIsOnByDefaultSoABlockWaitsForThePeerUntilTurnedOff() throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("nodeId", "A");
        values.put("dataDir", tmp.getRoot().toPath().resolve("data").toString());
        values.put("kekFile", tmp.getRoot().toPath().resolve("kek/A.kek").toString());
        NodeComponent node = new NodeComponent(context(), config(values)); // defaults only
        FakeDriver mine = new FakeDriver(new LinkEnd("L-AB", "A", "B", QkdRole.TRANSMITTER));
        node.bindDriver(mine);
        KmmCore core = (KmmCore) registered.get();
        assertTrue("keyAuthentication defaults to true", core.keyAuthenticationOn());
        mine.sink.get().keyBlock(new KeyBlock(UUID.randomUUID(), new byte[32 * 40], Instant.now(), 0, 0));
        assertEquals("held for its key check, not servable", 1, core.blocksAwaitingAuthentication());
        assertEquals(0, core.pools().get(0).ownKeys() + core.pools().get(0).peerKeys());

        values.put("keyAuthenticationMinBits", 100L); // below what one check spends twice: refused, clearly
        try {
            node.modified(config(values));
            org.junit.Assert.fail("a batch size below 512 bits was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("keyAuthenticationMinBits"));
        }
        values.remove("keyAuthenticationMinBits");

        values.put("keyAuthentication", false); // both ends of the link would be turned off together
        node.modified(config(values));
        assertFalse(core.keyAuthenticationOn());
        assertEquals("the unauthenticated block was destroyed, never stored", 0,
                core.pools().get(0).ownKeys() + core.pools().get(0).peerKeys());
        mine.sink.get().keyBlock(new KeyBlock(UUID.randomUUID(), new byte[32 * 10], Instant.now(), 0, 0));
        assertEquals(10, core.pools().get(0).ownKeys() + core.pools().get(0).peerKeys());
        node.deactivate();
    }
}
