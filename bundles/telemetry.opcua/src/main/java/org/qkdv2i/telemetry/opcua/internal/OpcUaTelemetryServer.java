package org.qkdv2i.telemetry.opcua.internal;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AbstractUsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.DefaultUsernameIdentity;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.RelayTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.V2xCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Milo OPC UA server for one node, independent of OSGi (the component and the
 * tests drive it). Sink calls update the address space in memory and return: OPC UA clients
 * pull notifications on their own publish requests, so nothing here waits for the network.
 */
public final class OpcUaTelemetryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaTelemetryServer.class);
    static final String PATH = "/qkdv2i";

    /**
     * @param users user name → PBKDF2 hash ({@link PasswordHash})
     * @param operators users allowed to call methods
     */
    public record Settings(String node, String bindAddress, String hostname, int port, List<SecurityPolicy> policies,
            boolean allowInsecureNone, Path pkiDir, char[] keyStorePassword, Map<String, String> users,
            Set<String> operators) {
        public Settings {
            Objects.requireNonNull(node, "node");
            policies = List.copyOf(policies);
            users = Map.copyOf(users);
            operators = Set.copyOf(operators);
        }
    }

    private final Settings settings;
    private final BouncyCastleProvider bc = new BouncyCastleProvider();
    private final ServerPki pki;
    private final OpcUaServer server;
    private final QkdNamespace namespace;
    private final String endpointUrl;
    private final boolean usesBc;
    private volatile boolean running;
    // sink calls (read) never run while close (write) stops the server: nodes made on a stopping
    // server would poison Milo's static type cache (MiloTypeCache)
    private final ReadWriteLock stopping = new ReentrantReadWriteLock();
    private boolean started;
    private boolean closed;

    public OpcUaTelemetryServer(Settings s, Operations ops) throws Exception {
        this.settings = s;
        if (s.policies().isEmpty() && !s.allowInsecureNone()) {
            throw new IllegalArgumentException("no security policy configured");
        }
        for (String user : s.users().keySet()) {
            if (!PasswordHash.wellFormed(s.users().get(user))) {
                throw new IllegalArgumentException("user '" + user + "': not a " + PasswordHash.SCHEME + " hash");
            }
        }
        if (s.allowInsecureNone()) {
            LOG.warn("OPC UA node {}: security policy None is ON (allowInsecureNone): local development only", s.node());
        }
        String applicationUri = "urn:qkdv2i:" + s.node() + ":opcua";
        Set<String> hosts = new LinkedHashSet<>(List.of(s.hostname(), "localhost"));
        if (!"0.0.0.0".equals(s.bindAddress()) && !"::".equals(s.bindAddress())) {
            hosts.add(s.bindAddress());
        }
        usesBc = s.policies().contains(SecurityPolicy.Aes256_Sha256_RsaPss);
        if (usesBc) {
            BcRegistration.acquire();
        }
        ServerPki p = null;
        try {
            p = ServerPki.open(s.pkiDir(), s.keyStorePassword(), applicationUri, "QKD-V2I " + s.node(), hosts, bc);
            this.pki = p;
            X509Certificate cert = p.certificate();
            OpcUaServerConfig config = OpcUaServerConfig.builder()
                    .setApplicationUri(applicationUri)
                    .setApplicationName(LocalizedText.english("QKD-V2I node " + s.node()))
                    .setProductUri("urn:qkdv2i:telemetry:opcua")
                    .setBuildInfo(new BuildInfo("urn:qkdv2i:telemetry:opcua", "QKD-V2I project",
                            "QKD-V2I OPC UA telemetry", OpcUaServer.SDK_VERSION, "", DateTime.now()))
                    .setCertificateManager(p.certificateManager())
                    .setIdentityValidator(new HashedUsers(s.node(), s.users()))
                    .setEndpoints(endpoints(s, cert))
                    .build();
            this.server = new OpcUaServer(config, profile -> {
                if (profile != TransportProfile.TCP_UASC_UABINARY) {
                    throw new IllegalArgumentException("transport " + profile + " not offered");
                }
                return new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build());
            });
            this.namespace = new QkdNamespace(server, s.node(), s.operators(), ops);
            this.endpointUrl = "opc.tcp://" + s.hostname() + ":" + s.port() + PATH;
        } catch (Exception | Error e) {
            if (p != null) {
                p.close();
            }
            if (usesBc) {
                BcRegistration.release();
            }
            throw e;
        } finally {
            Arrays.fill(s.keyStorePassword(), '\0');
        }
    }

    private static Set<EndpointConfig> endpoints(Settings s, X509Certificate cert) {
        // anonymous is never offered: username only, the password encrypted with the endpoint's policy
        // (Milo needs the policy URI in the token policy itself, OPC 10000-4 §7.41)
        EndpointConfig.Builder base = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(s.bindAddress())
                .setBindPort(s.port())
                .setHostname(s.hostname())
                .setPath(PATH)
                .setCertificate(cert);
        Set<EndpointConfig> eps = new LinkedHashSet<>();
        for (SecurityPolicy policy : s.policies()) {
            eps.add(base.copy().setSecurityPolicy(policy).setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                    .addTokenPolicy(new UserTokenPolicy("username_" + policy.name(), UserTokenType.UserName, null,
                            null, policy.getUri())).build());
        }
        if (s.allowInsecureNone()) {
            // even on None the password travels encrypted with the server certificate (Basic256Sha256)
            UserTokenPolicy encrypted = new UserTokenPolicy("username_basic256sha256", UserTokenType.UserName, null,
                    null, SecurityPolicy.Basic256Sha256.getUri());
            eps.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                    .addTokenPolicy(encrypted).build());
        }
        return eps;
    }

    public void start() throws Exception {
        MiloThreads.acquire();
        started = true;
        MiloTypeCache.forgetAll(); // whatever an earlier server left while it stopped
        namespace.startup();
        server.startup().get(30, TimeUnit.SECONDS);
        MiloTypeCache.learnAndForget(server);
        running = true;
        List<String> pol = new ArrayList<>();
        settings.policies().forEach(p -> pol.add(p.name()));
        if (settings.allowInsecureNone()) {
            pol.add("None");
        }
        LOG.info("OPC UA node {}: server on {} (bind {}:{}), policies {}, {} users, pki {}", settings.node(),
                endpointUrl, settings.bindAddress(), settings.port(), pol, settings.users().size(), pki.dir());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping.writeLock().lock(); // waits for sink calls in progress
        try {
            running = false;
        } finally {
            stopping.writeLock().unlock();
        }
        try {
            namespace.shutdown();
        } catch (RuntimeException e) {
            LOG.warn("OPC UA node {}: namespace shutdown: {}", settings.node(), e.toString());
        }
        try {
            server.shutdown().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("OPC UA node {}: server shutdown: {}", settings.node(), e.toString());
        }
        pki.close();
        if (usesBc) {
            BcRegistration.release();
        }
        if (started) {
            started = false;
            MiloThreads.release();
        }
        MiloTypeCache.forgetAll(); // anything built while this server stopped
        LOG.info("OPC UA node {}: server on {} stopped", settings.node(), endpointUrl);
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    X509Certificate certificate() {
        return pki.certificate();
    }

    QkdNamespace namespace() {
        return namespace;
    }

    OpcUaServer milo() {
        return server;
    }

    // ---- TelemetrySink operations: never throw into the caller --------------------------------

    public void link(LinkTelemetry t) {
        guard("link " + t.link(), () -> namespace.link(t));
    }

    public void pool(PoolTelemetry t) {
        guard("pool " + t.link(), () -> namespace.pool(t));
    }

    public void kmm(KmmCounters c) {
        guard("kmm", () -> namespace.kmm(c));
    }

    public void relay(RelayTelemetry t) {
        guard("relay " + t.link(), () -> namespace.relay(t));
    }

    public void qos(QosTelemetry t) {
        guard("qos " + t.pool(), () -> namespace.qos(t));
    }

    public void v2x(V2xCounters c) {
        guard("v2x " + c.adapter(), () -> namespace.v2x(c));
    }

    public void identity(IdentityEvent e) {
        guard("identity event", () -> namespace.identity(e));
    }

    public void alarm(Alarm a) {
        guard("alarm " + a.kind() + " " + a.subject(), () -> namespace.alarm(a));
    }

    void dpnEndpointAdded(String dau) {
        guard("DPN endpoint " + dau, () -> namespace.dpnEndpointAdded(dau));
    }

    void dpnEndpointRemoved(String dau) {
        guard("DPN endpoint " + dau, () -> namespace.dpnEndpointRemoved(dau));
    }

    private void guard(String what, Runnable r) {
        stopping.readLock().lock();
        try {
            if (!running) {
                return;
            }
            r.run();
        } catch (RuntimeException e) {
            LOG.error("OPC UA node {}: {} not applied: {}", settings.node(), what, e.toString());
        } finally {
            stopping.readLock().unlock();
        }
    }

    public SinkStatus status() {
        int sessions = running ? server.getSessionManager().getAllSessions().size() : 0;
        return new SinkStatus("opcua", settings.node(), endpointUrl + " (" + sessions + " sessions)", running,
                namespace.sent(), 0, 0, 0);
    }

    /** Username authentication against PBKDF2 hashes; unknown users cost the same as wrong passwords. */
    static final class HashedUsers extends AbstractUsernameIdentityValidator {
        private static final String DUMMY = PasswordHash.hash("not-a-password".toCharArray(), PasswordHash.DEFAULT_ITERATIONS);
        private final String node;
        private final Map<String, String> users;

        HashedUsers(String node, Map<String, String> users) {
            this.node = node;
            this.users = users;
        }

        @Override
        protected Identity.UsernameIdentity authenticateUsernamePassword(Session session, String username,
                String password) {
            String hash = users.get(username);
            char[] pw = password == null ? new char[0] : password.toCharArray();
            try {
                boolean ok = PasswordHash.verify(pw, hash == null ? DUMMY : hash) && hash != null;
                if (!ok) {
                    LOG.warn("OPC UA node {}: authentication failed for user '{}' from {}", node, username,
                            session.getClientAddress());
                    return null;
                }
                return new DefaultUsernameIdentity(username);
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
    }
}
