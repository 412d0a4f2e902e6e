package org.qkdv2i.it.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.tls.DevPki;

/**
 * Two trusted nodes A and B in one framework, configured the way an operator would: through
 * ConfigurationAdmin factory configurations only. Certificates come from {@link DevPki} in a
 * temporary folder; every port is a free one.
 */
public final class TwoNodes implements AutoCloseable {

    public static final String NODE_PID = "org.qkdv2i.kmm.Node";
    public static final String SAE_PID = "org.qkdv2i.kmm.Sae";
    public static final String QOS_PID = "org.qkdv2i.kmm.SaePairQos";
    public static final String TLS_PID = "org.qkdv2i.tls.NodeTls";
    public static final String ETSI_PID = "org.qkdv2i.kmm.etsi014.Server";
    public static final String LINK_PID = "org.qkdv2i.testdriver.TestLink";

    public static final String A = "A";
    public static final String B = "B";
    public static final String SAE_A = "SAE-A";
    public static final String SAE_B = "SAE-B";
    public static final String LINK = "A-B";
    public static final int KEY_BITS = 256;

    public final Path dir;
    public final DevPki.Result pki;
    public final int peerPortA = freePort();
    public final int peerPortB = freePort();
    public final int etsiPortA = freePort();
    public final int etsiPortB = freePort();
    public final String seed = UUID.randomUUID().toString();

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final List<Configuration> configs = new ArrayList<>();
    public Configuration nodeA;
    public Configuration nodeB;
    public Configuration linkA;
    public Configuration linkB;

    public TwoNodes(BundleContext context) throws Exception {
        this.context = context;
        this.cm = service(context, ConfigurationAdmin.class, null);
        this.dir = Files.createTempDirectory("qkdv2i-it-");
        this.pki = DevPki.init(dir.resolve("pki"), List.of(A, B), List.of(SAE_A, SAE_B), DevPki.DEFAULT_PASSWORD);
    }

    /** Configures everything; returns at once (components come up asynchronously). */
    public TwoNodes configureAll() throws IOException {
        tls(A);
        tls(B);
        create(SAE_PID, props("saeId", SAE_A, "nodeId", A));
        create(SAE_PID, props("saeId", SAE_B, "nodeId", B));
        nodeA = create(NODE_PID, nodeProps(A, peerPortA, B, peerPortB));
        nodeB = create(NODE_PID, nodeProps(B, peerPortB, A, peerPortA));
        linkA = create(LINK_PID, linkProps(A, B, "TRANSMITTER"));
        linkB = create(LINK_PID, linkProps(B, A, "RECEIVER"));
        create(ETSI_PID, props("nodeId", A, "host", "127.0.0.1", "port", etsiPortA));
        create(ETSI_PID, props("nodeId", B, "host", "127.0.0.1", "port", etsiPortB));
        return this;
    }

    public Hashtable<String, Object> nodeProps(String node, int peerPort, String peer, int peerPeerPort) {
        return props("nodeId", node,
                "dataDir", dir.resolve("data-" + node).toString(),
                "kekFile", dir.resolve("kek-" + node).resolve(node + ".kek").toString(),
                "storedKeyBits", KEY_BITS,
                "maxKeysPerRequest", 128,
                "maxKeysPerLink", 100_000L,
                "lowWaterKeys", 10L,
                "keyLifetimeSeconds", 3600L,
                "peerHost", "127.0.0.1",
                "peerPort", peerPort,
                "peers", new String[] { peer + "=https://127.0.0.1:" + peerPeerPort });
    }

    Hashtable<String, Object> linkProps(String local, String peer, String role) {
        return props("linkId", LINK, "localNode", local, "peerNode", peer, "role", role, "seed", seed,
                "blockBits", 4096, "blocksPerSecond", 20.0, "qber", 0.02);
    }

    private void tls(String node) throws IOException {
        create(TLS_PID, props("nodeId", node,
                "keyStore", pki.nodeKeyStore(node).toString(),
                "keyStorePassword", DevPki.DEFAULT_PASSWORD,
                "trustStore", pki.caCertificate().toString()));
    }

    public Configuration create(String factoryPid, Dictionary<String, Object> props) throws IOException {
        Configuration c = cm.createFactoryConfiguration(factoryPid, "?");
        c.update(props);
        configs.add(c);
        return c;
    }

    /** Changes some properties of a live configuration, keeping the others. */
    public static void change(Configuration c, Object... keyValues) throws IOException {
        Dictionary<String, Object> p = c.getProperties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        c.update(p);
    }

    public static Hashtable<String, Object> props(Object... keyValues) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    // ------------------------------------------------------------------ services

    public ServiceReference<KeyManager> keyManagerRef(String node) {
        return Await.value("KeyManager of node " + node, 30, TimeUnit.SECONDS, () -> {
            Collection<ServiceReference<KeyManager>> refs = refs(KeyManager.class, "(qkd.node=" + node + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        });
    }

    public KeyManager keyManager(String node) {
        return context.getService(keyManagerRef(node));
    }

    public static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty("service.id");
    }

    public PoolStatus pool(KeyManager km) {
        return km.pools().stream().filter(p -> LINK.equals(p.linkId())).findFirst().orElse(null);
    }

    /** Waits until the node's half of the A-B pool holds at least {@code keys} keys. */
    public PoolStatus awaitOwnKeys(String node, long keys, long timeoutSeconds) {
        KeyManager km = keyManager(node);
        return Await.value("node " + node + " pool " + LINK + " with " + keys + " own keys", timeoutSeconds,
                TimeUnit.SECONDS, () -> {
                    PoolStatus p = pool(km);
                    return p != null && p.driverPresent() && p.ownKeys() >= keys ? p : null;
                });
    }

    /**
     * newKeys, retried while the node answers UNAVAILABLE (its peer channel may still be
     * coming up: NodeTls and the peer's endpoint are bound asynchronously); fails at the deadline.
     */
    public List<org.qkdv2i.kmm.api.Key> newKeysOnceWired(KeyManager km, org.qkdv2i.kmm.api.KeyRequest request) {
        return Await.value("newKeys at " + km.nodeId() + " to succeed", 30, TimeUnit.SECONDS, () -> {
            try {
                return km.newKeys(request);
            } catch (org.qkdv2i.kmm.api.KeyManagerException e) {
                if (e.reason() == org.qkdv2i.kmm.api.KeyManagerException.Reason.UNAVAILABLE) {
                    throw new IllegalStateException(e.getMessage(), e); // retried until the deadline
                }
                throw new AssertionError("newKeys refused: " + e.reason() + " " + e.getMessage(), e);
            }
        });
    }

    private <S> Collection<ServiceReference<S>> refs(Class<S> type, String filter) {
        try {
            return context.getServiceReferences(type, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static <S> S service(BundleContext context, Class<S> type, String filter) {
        return Await.value(type.getSimpleName() + " service", 30, TimeUnit.SECONDS, () -> {
            try {
                Collection<ServiceReference<S>> refs = context.getServiceReferences(type, filter);
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Deletes every configuration made here, so components stop before the framework does. */
    @Override
    public void close() {
        for (Configuration c : configs) {
            try {
                c.delete();
            } catch (IOException | IllegalStateException e) {
                // already gone
            }
        }
        // ConfigAdmin delivers deletions asynchronously: wait until the nodes are really gone, or
        // the next test's lookup of "KeyManager of A" could find this test's dying one
        Await.until("KeyManager and NodeTls services of A and B to leave", 30, TimeUnit.SECONDS,
                () -> refs(KeyManager.class, null).isEmpty()
                        && refs(org.qkdv2i.tls.NodeTls.class, null).isEmpty());
    }

    public static Map<String, Object> map(Object... kv) {
        return new java.util.HashMap<>(props(kv));
    }
}
