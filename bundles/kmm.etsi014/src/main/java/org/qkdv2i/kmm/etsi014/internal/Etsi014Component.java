package org.qkdv2i.kmm.etsi014.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ETSI GS QKD 014 KME endpoint of one node, one per factory configuration of PID
 * {@code org.qkdv2i.kmm.etsi014.Server}. It serves with the {@link NodeTls} and the
 * {@link KeyManager} whose {@code qkd.node} equals {@code nodeId}.
 *
 * <p>Both references are dynamic so the HTTP server keeps running while a KeyManager (or
 * a driver below it) comes and goes: without a KeyManager requests get 503. The server
 * starts when the node's NodeTls appears and stops only if that NodeTls leaves.
 */
@Component(configurationPid = Etsi014Component.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = Etsi014Component.Config.class, factory = true)
public final class Etsi014Component {

    static final String PID = "org.qkdv2i.kmm.etsi014.Server";
    private static final Logger LOG = LoggerFactory.getLogger(Etsi014Component.class);

    @ObjectClassDefinition(pid = PID, name = "QKD-V2I ETSI GS QKD 014 server",
            description = "REST key delivery (ETSI GS QKD 014 V1.1.1) for SAEs over mutual TLS.")
    public @interface Config {
        @AttributeDefinition(description = "Node (KME) ID: binds the KeyManager and NodeTls with qkd.node=<nodeId>")
        String nodeId();

        @AttributeDefinition(description = "Address to listen on (0.0.0.0 for all interfaces)")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port (0: any free port)", min = "0", max = "65535")
        int port() default 8443;

        @AttributeDefinition(description = "Largest accepted request body, bytes (larger: 413)", min = "256")
        int maxRequestBytes() default 65536;

        @AttributeDefinition(description = "Most key IDs in one dec_keys request", min = "1")
        int maxKeyIdsPerRequest() default 1024;

        @AttributeDefinition(description = "Smallest number of server threads", min = "2")
        int minThreads() default 8;

        @AttributeDefinition(description = "Largest number of server threads", min = "4")
        int maxThreads() default 200;

        @AttributeDefinition(description = "Idle timeout of a client connection, milliseconds", min = "1000")
        long idleTimeoutMillis() default 30000;
    }

    private final String nodeId;
    private final Etsi014Server.Settings settings;
    private final ConcurrentMap<KeyManager, String> keyManagers = new ConcurrentHashMap<>();
    private final ConcurrentMap<NodeTls, String> tlsServices = new ConcurrentHashMap<>();
    private volatile KeyManager keyManager;
    private NodeTls servingTls;
    private Etsi014Server server;
    private boolean active;

    @Activate
    public Etsi014Component(Config config) {
        String id = config.nodeId() == null ? "" : config.nodeId().trim();
        if (id.isEmpty()) {
            LOG.error("ETSI 014 server not started: configuration {} needs nodeId", PID);
            throw new IllegalArgumentException("nodeId is required");
        }
        this.nodeId = id;
        int minThreads = Math.max(2, config.minThreads());
        this.settings = new Etsi014Server.Settings(config.host(), config.port(), Math.max(256, config.maxRequestBytes()),
                Math.max(1, config.maxKeyIdsPerRequest()), minThreads, Math.max(minThreads + 2, config.maxThreads()),
                Math.max(1000, config.idleTimeoutMillis()));
    }

    @Activate
    void activate() {
        synchronized (this) {
            active = true;
        }
        chooseKeyManager();
        reconcile();
    }

    @Deactivate
    void deactivate() {
        Etsi014Server s;
        synchronized (this) {
            active = false;
            s = server;
            server = null;
            servingTls = null;
        }
        if (s != null) {
            s.stop();
            LOG.info("node {}: ETSI 014 server stopped", nodeId);
        }
    }

    @Reference(service = KeyManager.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyManager(KeyManager km, Map<String, Object> props) {
        keyManagers.put(km, String.valueOf(props.get(KeyManager.NODE_PROPERTY)));
        chooseKeyManager();
    }

    void unbindKeyManager(KeyManager km) {
        keyManagers.remove(km);
        chooseKeyManager();
    }

    @Reference(service = NodeTls.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindNodeTls(NodeTls tls, Map<String, Object> props) {
        tlsServices.put(tls, String.valueOf(props.get(NodeTls.NODE_PROPERTY)));
        reconcile();
    }

    void unbindNodeTls(NodeTls tls) {
        tlsServices.remove(tls);
        reconcile();
    }

    /** The bound port, or -1 when not serving (tests, diagnostics). */
    synchronized int port() {
        return server == null ? -1 : server.port();
    }

    private void chooseKeyManager() {
        KeyManager chosen = null;
        for (Map.Entry<KeyManager, String> e : keyManagers.entrySet()) {
            if (nodeId != null && nodeId.equals(e.getValue())) {
                chosen = e.getKey();
                break;
            }
        }
        KeyManager before = keyManager;
        keyManager = chosen;
        if (before != chosen && nodeId != null) {
            LOG.info("node {}: ETSI 014 {}", nodeId, chosen == null ? "has no KeyManager: requests get 503"
                    : "serves from its KeyManager");
        }
    }

    /** Starts the server when the node's NodeTls is there, stops it when it left. */
    private synchronized void reconcile() {
        if (!active) {
            return;
        }
        NodeTls wanted = null;
        for (Map.Entry<NodeTls, String> e : tlsServices.entrySet()) {
            if (nodeId.equals(e.getValue())) {
                wanted = e.getKey();
                break;
            }
        }
        if (Objects.equals(wanted, servingTls) && (server != null || wanted == null)) {
            return;
        }
        if (server != null) {
            server.stop();
            server = null;
            servingTls = null;
            LOG.info("node {}: ETSI 014 server stopped (TLS identity changed or left)", nodeId);
        }
        if (wanted == null) {
            LOG.info("node {}: ETSI 014 server waits for the node's TLS identity (org.qkdv2i.tls.NodeTls)", nodeId);
            return;
        }
        Etsi014Server s = new Etsi014Server(nodeId, wanted, () -> keyManager, settings);
        try {
            s.start();
        } catch (Exception e) {
            LOG.error("node {}: ETSI 014 server cannot listen on {}:{}: {}", nodeId, settings.host(), settings.port(),
                    e.toString());
            return;
        }
        server = s;
        servingTls = wanted;
        LOG.info("node {}: ETSI 014 server listening on https://{}:{}/api/v1/keys/ (mutual TLS, groups {})", nodeId,
                settings.host(), s.port(), wanted.namedGroups());
    }
}
