package org.qkdv2i.kmm.etsi004.internal;

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
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ETSI GS QKD 004 endpoint of one node (this project's HTTPS + JSON binding), one per factory
 * configuration of PID {@code org.qkdv2i.kmm.etsi004.Server}. It serves with the {@link NodeTls} and the
 * {@link KeyStreams} whose {@code qkd.node} equals {@code nodeId}.
 *
 * <p>Both references are dynamic: without KeyStreams requests get 503 while the server keeps running;
 * the server starts when the node's NodeTls appears and stops only if that NodeTls leaves.
 */
@Component(configurationPid = Etsi004Component.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = Etsi004Component.Config.class, factory = true)
public final class Etsi004Component {

    static final String PID = "org.qkdv2i.kmm.etsi004.Server";
    private static final Logger LOG = LoggerFactory.getLogger(Etsi004Component.class);

    @ObjectClassDefinition(pid = PID, name = "QKD-V2I ETSI GS QKD 004 server",
            description = "Key streams (ETSI GS QKD 004 V2.1.1 OPEN_CONNECT, GET_KEY, CLOSE) for SAEs over HTTPS "
                    + "with mutual TLS and JSON (this project's binding; see the bundle README).")
    public @interface Config {
        @AttributeDefinition(description = "Node ID: binds the KeyStreams and NodeTls with qkd.node=<nodeId>")
        String nodeId();

        @AttributeDefinition(description = "Address to listen on (0.0.0.0 for all interfaces)")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port (0: any free port)", min = "0", max = "65535")
        int port() default 8444;

        @AttributeDefinition(description = "Largest accepted request body, bytes (larger: 413)", min = "256")
        int maxRequestBytes() default 16384;

        @AttributeDefinition(description = "Smallest number of server threads", min = "2")
        int minThreads() default 8;

        @AttributeDefinition(description = "Largest number of server threads (GET_KEY may wait up to a stream's "
                + "timeout on one)", min = "4")
        int maxThreads() default 200;

        @AttributeDefinition(description = "Idle timeout of a client connection, milliseconds", min = "1000")
        long idleTimeoutMillis() default 30000;
    }

    private final String nodeId;
    private final Etsi004Server.Settings settings;
    private final ConcurrentMap<KeyStreams, String> streamServices = new ConcurrentHashMap<>();
    private final ConcurrentMap<NodeTls, String> tlsServices = new ConcurrentHashMap<>();
    private volatile KeyStreams streams;
    private NodeTls servingTls;
    private Etsi004Server server;
    private volatile boolean active;

    @Activate
    public Etsi004Component(Config config) {
        String id = config.nodeId() == null ? "" : config.nodeId().trim();
        if (id.isEmpty()) {
            LOG.error("ETSI 004 server not started: configuration {} needs nodeId", PID);
            throw new IllegalArgumentException("nodeId is required");
        }
        this.nodeId = id;
        int minThreads = Math.max(2, config.minThreads());
        this.settings = new Etsi004Server.Settings(config.host(), config.port(), Math.max(256, config.maxRequestBytes()),
                minThreads, Math.max(minThreads + 2, config.maxThreads()), Math.max(1000, config.idleTimeoutMillis()));
    }

    @Activate
    void activate() {
        synchronized (this) {
            active = true;
        }
        chooseStreams();
        reconcile();
    }

    @Deactivate
    void deactivate() {
        Etsi004Server s;
        synchronized (this) {
            active = false;
            s = server;
            server = null;
            servingTls = null;
        }
        if (s != null) {
            s.stop();
            LOG.info("node {}: ETSI 004 server stopped", nodeId);
        }
    }

    @Reference(service = KeyStreams.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyStreams(KeyStreams ks, Map<String, Object> props) {
        streamServices.put(ks, String.valueOf(props.get(KeyManager.NODE_PROPERTY)));
        chooseStreams();
    }

    void unbindKeyStreams(KeyStreams ks) {
        streamServices.remove(ks);
        chooseStreams();
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

    private void chooseStreams() {
        KeyStreams chosen = null;
        for (Map.Entry<KeyStreams, String> e : streamServices.entrySet()) {
            if (nodeId.equals(e.getValue())) {
                chosen = e.getKey();
                break;
            }
        }
        KeyStreams before = streams;
        streams = chosen;
        // after deactivation nothing listens: a "requests get 503" line would mislead the operator
        if (before != chosen && active) {
            LOG.info("node {}: ETSI 004 {}", nodeId, chosen == null ? "has no KeyStreams: requests get 503"
                    : "serves the node's key streams");
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
            LOG.info("node {}: ETSI 004 server stopped (TLS identity changed or left)", nodeId);
        }
        if (wanted == null) {
            LOG.info("node {}: ETSI 004 server waits for the node's TLS identity (org.qkdv2i.tls.NodeTls)", nodeId);
            return;
        }
        Etsi004Server s = new Etsi004Server(nodeId, wanted, () -> streams, settings);
        try {
            s.start();
        } catch (Exception e) {
            LOG.error("node {}: ETSI 004 server cannot listen on {}:{}: {}", nodeId, settings.host(), settings.port(),
                    e.toString());
            return;
        }
        server = s;
        servingTls = wanted;
        LOG.info("node {}: ETSI 004 server listening on https://{}:{}{} (mutual TLS, groups {})", nodeId,
                settings.host(), s.port(), Etsi004Handler.PREFIX, wanted.namedGroups());
    }
}
