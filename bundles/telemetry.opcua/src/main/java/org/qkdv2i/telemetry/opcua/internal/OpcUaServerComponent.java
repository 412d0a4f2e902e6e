package org.qkdv2i.telemetry.opcua.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.RelayTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;
import org.qkdv2i.telemetry.api.V2xCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded OPC UA server per factory configuration, registered as a {@link TelemetrySink}
 * with {@code qkd.node}; the collector feeds it. {@link LinkControl} and {@link DpnEndpoint}
 * services are optional and may come and go: methods look them up per call.
 */
// immediate: the server listens as soon as it is configured, not when a collector first asks for it
@Component(configurationPid = OpcUaServerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = TelemetrySink.class, immediate = true)
@Designate(ocd = OpcUaServerComponent.Config.class, factory = true)
public final class OpcUaServerComponent implements TelemetrySink {

    static final String PID = "org.qkdv2i.telemetry.opcua.Server";
    private static final Logger LOG = LoggerFactory.getLogger(OpcUaServerComponent.class);

    @ObjectClassDefinition(name = "QKD-V2I OPC UA telemetry server",
            description = "Embedded OPC UA server: a node's live state, alarm conditions and operator methods.")
    public @interface Config {
        @AttributeDefinition(name = "Node", description = "node ID whose telemetry is served (service property qkd.node)")
        String qkd_node();

        @AttributeDefinition(name = "Bind address", description = "127.0.0.1 (default) serves this host only; "
                + "0.0.0.0 or an interface address for a control room")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(name = "Host name", description = "in endpoint URLs and the certificate; empty: the bind address "
                + "(localhost for 127.0.0.1)", required = false)
        String hostname() default "";

        @AttributeDefinition(name = "TCP port")
        int port() default 4840;

        @AttributeDefinition(name = "Security policies", description = "SignAndEncrypt endpoints: Basic256Sha256, "
                + "Aes256_Sha256_RsaPss (Aes128_Sha256_RsaOaep also accepted)")
        String[] securityPolicies() default {"Basic256Sha256", "Aes256_Sha256_RsaPss"};

        @AttributeDefinition(name = "Allow security policy None", description = "local development only; logged as a warning")
        boolean allowInsecureNone() default false;

        @AttributeDefinition(name = "PKI folder", description = "server.p12, trusted/, issuers/, rejected/; "
                + "empty: opcua-pki/{node} under the working directory", required = false)
        String pkiDir() default "";

        @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD,
                description = "protects the server key in server.p12")
        String _keyStorePassword();

        @AttributeDefinition(name = "Users", description = "name=pbkdf2-sha256$… hash (make one with the PasswordHash tool)",
                required = false)
        String[] users() default {};

        @AttributeDefinition(name = "Operators", description = "users allowed to call methods (Disable, Enable, Rekey)",
                required = false)
        String[] operators() default {};
    }

    private final List<LinkControl> linkControls = new CopyOnWriteArrayList<>();
    private final Map<String, DpnEndpoint> dpn = new ConcurrentHashMap<>();
    private final String node;
    private volatile OpcUaTelemetryServer server;

    @Activate
    public OpcUaServerComponent(Config c) throws Exception {
        node = c.qkd_node();
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException(PID + ": qkd.node is required");
        }
        if (c._keyStorePassword() == null || c._keyStorePassword().isEmpty()) {
            throw new IllegalArgumentException(PID + " node " + node + ": .keyStorePassword is required");
        }
        List<SecurityPolicy> policies = new ArrayList<>();
        for (String p : c.securityPolicies()) {
            SecurityPolicy sp = parsePolicy(p.strip());
            if (sp == SecurityPolicy.None) {
                throw new IllegalArgumentException(PID + " node " + node + ": use allowInsecureNone for None");
            }
            policies.add(sp);
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (String u : c.users()) {
            int eq = u.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(PID + " node " + node + ": users entry is not name=hash");
            }
            users.put(u.substring(0, eq).strip(), u.substring(eq + 1).strip());
        }
        String host = c.hostname().isBlank() ? ("127.0.0.1".equals(c.bindAddress()) ? "localhost" : c.bindAddress())
                : c.hostname();
        Path pki = c.pkiDir().isBlank() ? Path.of("opcua-pki", node) : Path.of(c.pkiDir());
        OpcUaTelemetryServer s = new OpcUaTelemetryServer(new OpcUaTelemetryServer.Settings(node, c.bindAddress(),
                host, c.port(), policies, c.allowInsecureNone(), pki, c._keyStorePassword().toCharArray(), users,
                Set.of(c.operators())), new Ops());
        try {
            s.start();
        } catch (Exception | Error e) {
            s.close(); // port, trust-list watcher, shared threads
            throw e;
        }
        server = s;
    }

    private static SecurityPolicy parsePolicy(String name) {
        for (SecurityPolicy p : SecurityPolicy.values()) {
            if (p.name().equalsIgnoreCase(name) || p.getUri().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException(PID + ": unknown security policy '" + name + "'");
    }

    @Deactivate
    public void deactivate() {
        OpcUaTelemetryServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    // LinkControl of any node; the one for this node is picked per call (ConfigAdmin cannot
    // derive a target filter from qkd.node).
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLinkControl(LinkControl lc) {
        linkControls.add(lc);
    }

    void removeLinkControl(LinkControl lc) {
        linkControls.remove(lc);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDpnEndpoint(DpnEndpoint ep, Map<String, Object> props) {
        Object name = props.get("dau.name");
        if (name == null) {
            LOG.warn("OPC UA node {}: DPN endpoint without dau.name ignored", node);
            return;
        }
        dpn.put(name.toString(), ep);
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.dpnEndpointAdded(name.toString());
        }
    }

    void removeDpnEndpoint(DpnEndpoint ep, Map<String, Object> props) {
        Object name = props.get("dau.name");
        if (name != null && dpn.remove(name.toString(), ep)) {
            OpcUaTelemetryServer s = server;
            if (s != null) {
                s.dpnEndpointRemoved(name.toString());
            }
        }
    }

    private final class Ops implements Operations {
        @Override
        public Optional<LinkControl> linkControl(String n) {
            for (LinkControl lc : linkControls) {
                try {
                    if (n.equals(lc.nodeId())) {
                        return Optional.of(lc);
                    }
                } catch (RuntimeException e) {
                    // a service going away while we ask: try the next one
                }
            }
            return Optional.empty();
        }

        @Override
        public Optional<DpnEndpoint> dpnEndpoint(String dauName) {
            return Optional.ofNullable(dpn.get(dauName));
        }

        @Override
        public Collection<String> dpnEndpointNames() {
            return List.copyOf(dpn.keySet());
        }
    }

    // ---- TelemetrySink ----------------------------------------------------------------------

    @Override
    public void link(LinkTelemetry link) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.link(link);
        }
    }

    @Override
    public void pool(PoolTelemetry pool) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.pool(pool);
        }
    }

    @Override
    public void kmm(KmmCounters counters) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.kmm(counters);
        }
    }

    @Override
    public void relay(RelayTelemetry relay) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.relay(relay);
        }
    }

    @Override
    public void qos(QosTelemetry qos) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.qos(qos);
        }
    }

    @Override
    public void identity(IdentityEvent event) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.identity(event);
        }
    }

    @Override
    public void v2x(V2xCounters counters) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.v2x(counters);
        }
    }

    @Override
    public void alarm(Alarm alarm) {
        OpcUaTelemetryServer s = server;
        if (s != null) {
            s.alarm(alarm);
        }
    }

    @Override
    public SinkStatus status() {
        OpcUaTelemetryServer s = server;
        return s != null ? s.status() : new SinkStatus("opcua", node, "", false, 0, 0, 0, 0);
    }
}
