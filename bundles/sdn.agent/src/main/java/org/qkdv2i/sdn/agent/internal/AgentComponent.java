package org.qkdv2i.sdn.agent.internal;

import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
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
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ETSI GS QKD 015 SDN agent of one node, one per factory configuration of PID
 * {@code org.qkdv2i.sdn.Agent}: RESTCONF over HTTPS with mutual TLS, serving the node's
 * {@code qkd_node} from the {@link KeyManager} and {@link RelayRoutes} whose
 * {@code qkd.node} equals {@code nodeId}, with the node's {@link NodeTls}.
 *
 * <p>All references are dynamic: the server keeps running while the KMM comes and goes
 * (requests get 503 meanwhile); it starts when the node's NodeTls appears and stops only
 * if that NodeTls leaves. Applications and virtual link bandwidths written by the
 * controller outlive such a restart of the server (not of the component).
 */
@Component(configurationPid = AgentComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = AgentComponent.Config.class, factory = true)
public final class AgentComponent {

    static final String PID = "org.qkdv2i.sdn.Agent";
    private static final Logger LOG = LoggerFactory.getLogger(AgentComponent.class);
    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    @ObjectClassDefinition(pid = PID, name = "QKD-V2I SDN agent (ETSI GS QKD 015)",
            description = "The node as an ETSI GS QKD 015 qkd_node over RESTCONF (HTTPS, mutual TLS) for the SDN controller.")
    public @interface Config {
        @AttributeDefinition(description = "Node ID: binds the KeyManager, RelayRoutes and NodeTls with qkd.node=<nodeId>; qkdn_id")
        String nodeId();

        @AttributeDefinition(description = "Address to listen on (0.0.0.0 for all interfaces)")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port; 0 turns the agent off", min = "0", max = "65535")
        int port() default 0;

        @AttributeDefinition(description = "Client certificate CNs of the SDN controllers allowed to write (others may only read)")
        String[] controllers() default {};

        @AttributeDefinition(description = "qkdn_location_id: the secure area holding the node", required = false)
        String location() default "";

        @AttributeDefinition(description = "Largest accepted request body, bytes (larger: 413)", min = "1024")
        int maxRequestBytes() default 65536;
    }

    private final String nodeId;
    private final String host;
    private final int port;
    private final Set<String> controllers;
    private final int maxRequestBytes;
    private final NodeView view;
    private final AppTable apps = new AppTable();
    private final Map<String, Long> virtBandwidth = new ConcurrentHashMap<>();
    private final ConcurrentMap<KeyManager, String> keyManagers = new ConcurrentHashMap<>();
    private final ConcurrentMap<RelayRoutes, String> relayRoutes = new ConcurrentHashMap<>();
    private final ConcurrentMap<NodeTls, String> tlsServices = new ConcurrentHashMap<>();
    private volatile KeyManager keyManager;
    private volatile RelayRoutes routes;
    private NodeTls servingTls;
    private AgentServer server;
    private boolean active;

    @Activate
    public AgentComponent(Config config, BundleContext context) {
        String id = config.nodeId() == null ? "" : config.nodeId().trim();
        if (id.isEmpty()) {
            LOG.error("SDN agent not started: configuration {} needs nodeId", PID);
            throw new IllegalArgumentException("nodeId is required");
        }
        this.nodeId = id;
        this.host = config.host() == null || config.host().isBlank() ? "127.0.0.1" : config.host().trim();
        this.port = config.port();
        Set<String> cns = new LinkedHashSet<>();
        for (String c : config.controllers() == null ? new String[0] : config.controllers()) {
            // a Felix .cfg/.config list may arrive as one comma-separated string
            Arrays.stream(c.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(cns::add);
        }
        this.controllers = Set.copyOf(cns);
        this.maxRequestBytes = Math.max(1024, config.maxRequestBytes());
        String version = context == null ? "unknown" : context.getBundle().getVersion().toString();
        this.view = new NodeView(id, "qkdv2i " + version, config.location() == null ? "" : config.location(),
                new RateMeter(RATE_WINDOW_NANOS));
    }

    @Activate
    void activate() {
        synchronized (this) {
            active = true;
        }
        choose();
        if (port <= 0) {
            LOG.info("node {}: SDN agent is off (port 0 in {})", nodeId, PID);
            return;
        }
        if (controllers.isEmpty()) {
            LOG.warn("node {}: SDN agent has no controllers configured: nobody may write", nodeId);
        }
        reconcile();
    }

    @Deactivate
    void deactivate() {
        AgentServer s;
        synchronized (this) {
            active = false;
            s = server;
            server = null;
            servingTls = null;
        }
        if (s != null) {
            s.stop();
            LOG.info("node {}: SDN agent stopped", nodeId);
        }
    }

    @Reference(service = KeyManager.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyManager(KeyManager km, Map<String, Object> props) {
        keyManagers.put(km, String.valueOf(props.get(KeyManager.NODE_PROPERTY)));
        choose();
    }

    void unbindKeyManager(KeyManager km) {
        keyManagers.remove(km);
        choose();
    }

    @Reference(service = RelayRoutes.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRelayRoutes(RelayRoutes r, Map<String, Object> props) {
        relayRoutes.put(r, String.valueOf(props.get(KeyManager.NODE_PROPERTY)));
        choose();
    }

    void unbindRelayRoutes(RelayRoutes r) {
        relayRoutes.remove(r);
        choose();
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

    private synchronized void choose() {
        KeyManager km = ofNode(keyManagers);
        RelayRoutes rr = ofNode(relayRoutes);
        if (km != keyManager && nodeId != null) {
            LOG.info("node {}: SDN agent {}", nodeId, km == null ? "has no KeyManager: requests get 503"
                    : "serves from its KeyManager");
        }
        if (rr != routes && nodeId != null) {
            LOG.info("node {}: SDN agent {}", nodeId, rr == null ? "has no RelayRoutes: no virtual links"
                    : "manages virtual links through its RelayRoutes");
        }
        keyManager = km;
        routes = rr;
    }

    private <T> T ofNode(Map<T, String> services) {
        for (Map.Entry<T, String> e : services.entrySet()) {
            if (nodeId != null && nodeId.equals(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Starts the server when the node's NodeTls is there, stops it when it left. */
    private synchronized void reconcile() {
        if (!active || port <= 0) {
            return;
        }
        NodeTls wanted = ofNode(tlsServices);
        if (Objects.equals(wanted, servingTls) && (server != null || wanted == null)) {
            return;
        }
        if (server != null) {
            server.stop();
            server = null;
            servingTls = null;
            LOG.info("node {}: SDN agent stopped (TLS identity changed or left)", nodeId);
        }
        if (wanted == null) {
            LOG.info("node {}: SDN agent waits for the node's TLS identity (org.qkdv2i.tls.NodeTls)", nodeId);
            return;
        }
        AgentHandler handler = new AgentHandler(nodeId, controllers, new AgentHandler.Sources() {
            @Override
            public KeyManager keyManager() {
                return keyManager;
            }

            @Override
            public RelayRoutes relayRoutes() {
                return routes;
            }
        }, view, apps, virtBandwidth, maxRequestBytes, Clock.systemUTC(), System::nanoTime);
        AgentServer s = new AgentServer(nodeId, wanted, host, port, handler);
        try {
            s.start();
        } catch (Exception e) {
            LOG.error("node {}: SDN agent cannot listen on {}:{}: {}", nodeId, host, port, e.toString());
            return;
        }
        server = s;
        servingTls = wanted;
        LOG.info("node {}: SDN agent listening on https://{}:{}{} (mutual TLS; controllers {})", nodeId, host,
                s.port(), AgentHandler.ROOT, controllers);
    }
}
