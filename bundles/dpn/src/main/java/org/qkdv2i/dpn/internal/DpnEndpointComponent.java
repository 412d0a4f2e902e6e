package org.qkdv2i.dpn.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.MessageProtection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DPN endpoint per factory configuration of PID {@code org.qkdv2i.dpn.Endpoint}: it speaks
 * for the DAU whose {@code dau.name} is {@code dauName}. The DAU is required: the endpoint
 * listens and registers its {@link DpnEndpoint} service (with {@code dau.name} and
 * {@code dau.id}) only while that DAU is there, and closes its sessions when it leaves.
 * The DAU is matched by name in code rather than by a {@code dau.target} filter, so a node
 * with several DAUs (an RSU's DAU-N and DAU-V) needs no filter in its configuration.
 *
 * <p>KeyManager (QKD mixing), IdentityDirectory (revocations) and the
 * {@link DpnMessageHandler} whiteboard (same {@code dau.name}) are dynamic: they may come
 * and go while sessions run.
 */
// the DpnEndpoint service is registered by hand (with dau.name and dau.id): advertise it for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.qkdv2i.dpn.api.DpnEndpoint")
@Component(configurationPid = DpnEndpointComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = DpnEndpointComponent.Config.class, factory = true)
public final class DpnEndpointComponent {

    static final String PID = "org.qkdv2i.dpn.Endpoint";
    private static final Logger LOG = LoggerFactory.getLogger(DpnEndpointComponent.class);

    @ObjectClassDefinition(pid = PID, name = "QKD-V2I DPN endpoint",
            description = "Device Private Network endpoint of one DAU: authenticated, policy-checked, keyed sessions over TCP.")
    public @interface Config {
        @AttributeDefinition(description = "The DAU this endpoint speaks for (its dau.name service property)")
        String dauName();

        @AttributeDefinition(description = "Address to listen on")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port to listen on (0: any free port)", min = "0", max = "65535")
        int port() default 0;

        @AttributeDefinition(description = "Rekey period of the sessions this endpoint opened, seconds (0: only on demand)",
                min = "0")
        long rekeySeconds() default 3600;

        @AttributeDefinition(description = "Largest application message, bytes (larger frames close the session)",
                min = "1")
        int maxMessageBytes() default 65536;

        @AttributeDefinition(description = "Connect + handshake deadline, also the wait for a rekey answer, ms",
                min = "100")
        int sessionSetupTimeoutMillis() default 10000;

        @AttributeDefinition(description = "This node's SAE ID at its KMM; empty: no QKD key mixing")
        String qkdSaeId() default "";

        @AttributeDefinition(description = "Peer SAE IDs: '<peer device ID or name>=<SAE ID>', or a bare SAE ID for any peer")
        String[] qkdPeerSaeId() default {};

        @AttributeDefinition(description = "The KeyManager to use (its qkd.node); empty: any")
        String qkdNodeId() default "";

        @AttributeDefinition(description = "Refuse base-station pairs that cannot mix in a QKD key")
        boolean quantumKeyRequired() default false;

        @AttributeDefinition(description = "Sessions open at most (both directions)", min = "1")
        int maxSessions() default 256;

        @AttributeDefinition(description = "Refused messages in a row after which a session is closed", min = "1")
        int maxRejectedInARow() default 32;

        @AttributeDefinition(description = "Take part in fast transitions between the RSUs of a mobility domain "
                + "(IEEE 802.11-2020 §13 style): base station = R0 key holder, RSU = R1 key holder, vehicle keeps its "
                + "PMK-R0")
        boolean fastTransition() default true;

        @AttributeDefinition(description = "Lifetime of a PMK-R0 (and of the PMK-R1s derived from it), seconds; "
                + "after it the next RSU does a full first contact", min = "1")
        long ftR0LifetimeSeconds() default 3600;

        @AttributeDefinition(description = "RSU: its R0 key holder, the base station's DAU name or device ID; "
                + "empty: the base station it has a DPN session with")
        String ftR0KeyHolder() default "";

        @AttributeDefinition(description = "RSU: wait for the base station's PMK-R1 at most this long, ms, "
                + "then fall back to a full set-up", min = "10")
        int ftR1TimeoutMillis() default 2000;
    }

    private final Settings settings;
    private final BundleContext context;
    private final MessageProtection protection;
    private final SessionPolicy policy;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<DeviceAuthenticationUnit, String> daus = new ConcurrentHashMap<>();
    private final Map<KeyManager, String> keyManagers = new ConcurrentHashMap<>();
    private final Map<DpnMessageHandler, String> handlers = new ConcurrentHashMap<>();
    private volatile KeyManager keyManager;
    private volatile IdentityDirectory directory;
    private boolean active;
    private Endpoint endpoint;
    private ServiceRegistration<DpnEndpoint> registration;

    @Activate
    public DpnEndpointComponent(Config config, BundleContext context,
            @Reference(name = "protection") MessageProtection protection,
            @Reference(name = "policy") SessionPolicy policy) {
        this(settings(config), context, protection, policy, Clock.systemUTC(), new SecureRandom());
    }

    DpnEndpointComponent(Settings settings, BundleContext context, MessageProtection protection, SessionPolicy policy,
            Clock clock, SecureRandom random) {
        this.settings = settings;
        this.context = context;
        this.protection = protection;
        this.policy = policy;
        this.clock = clock;
        this.random = random;
    }

    static Settings settings(Config c) {
        try {
            return new Settings(c.dauName(), c.host(), c.port(), c.rekeySeconds(), c.maxMessageBytes(),
                    c.sessionSetupTimeoutMillis(), c.qkdSaeId(), Settings.parsePeerSaeIds(c.qkdPeerSaeId()),
                    c.qkdNodeId(), c.quantumKeyRequired(), c.maxRejectedInARow(), c.maxSessions(), c.fastTransition(),
                    c.ftR0LifetimeSeconds(), c.ftR0KeyHolder(), c.ftR1TimeoutMillis());
        } catch (IllegalArgumentException e) {
            LOG.error("DPN endpoint not started: configuration {} invalid: {}", PID, e.getMessage());
            throw e;
        }
    }

    @Activate
    void activate() {
        synchronized (this) {
            active = true;
        }
        reconcile();
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            active = false;
        }
        reconcile();
    }

    @Reference(service = DeviceAuthenticationUnit.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindDau(DeviceAuthenticationUnit dau, Map<String, Object> props) {
        daus.put(dau, String.valueOf(props.get(DeviceAuthenticationUnit.NAME)));
        reconcile();
    }

    void unbindDau(DeviceAuthenticationUnit dau) {
        daus.remove(dau);
        reconcile();
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

    @Reference(service = IdentityDirectory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindDirectory(IdentityDirectory d) {
        directory = d;
        Endpoint e;
        synchronized (this) {
            e = endpoint;
        }
        if (e != null) {
            e.setDirectory(d);
        }
    }

    void unbindDirectory(IdentityDirectory d) {
        Endpoint e;
        synchronized (this) {
            if (directory != d) {
                return;
            }
            directory = null;
            e = endpoint;
        }
        if (e != null) {
            e.setDirectory(null);
        }
    }

    @Reference(service = DpnMessageHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bindHandler(DpnMessageHandler h, Map<String, Object> props) {
        handlers.put(h, String.valueOf(props.get(DeviceAuthenticationUnit.NAME)));
    }

    void unbindHandler(DpnMessageHandler h) {
        handlers.remove(h);
    }

    /** The running endpoint, or null while the DAU is missing (tests, diagnostics). */
    synchronized Endpoint endpoint() {
        return endpoint;
    }

    private void chooseKeyManager() {
        KeyManager chosen = null;
        for (Map.Entry<KeyManager, String> e : keyManagers.entrySet()) {
            if (settings.qkdNodeId().isEmpty() || settings.qkdNodeId().equals(e.getValue())) {
                chosen = e.getKey();
                break;
            }
        }
        KeyManager before = keyManager;
        keyManager = chosen;
        if (before != chosen && !settings.qkdSaeId().isEmpty()) {
            LOG.info("dpn {}: {}", settings.dauName(), chosen == null ? "no KeyManager: sessions keyed without QKD"
                    : "KeyManager of node " + keyManagers.get(chosen) + " available for QKD key mixing");
        }
    }

    private final Endpoint.Services services = new Endpoint.Services() {
        @Override
        public KeyManager keyManager() {
            return keyManager;
        }

        @Override
        public List<DpnMessageHandler> handlers() {
            List<DpnMessageHandler> out = new ArrayList<>();
            for (Map.Entry<DpnMessageHandler, String> e : handlers.entrySet()) {
                if (settings.dauName().equals(e.getValue())) {
                    out.add(e.getKey());
                }
            }
            return out;
        }
    };

    /** Starts the endpoint when its DAU is there, stops it when the DAU left or we deactivate. */
    private void reconcile() {
        Endpoint toStop = null;
        ServiceRegistration<DpnEndpoint> toUnregister = null;
        synchronized (this) {
            DeviceAuthenticationUnit wanted = null;
            if (active) {
                for (Map.Entry<DeviceAuthenticationUnit, String> e : daus.entrySet()) {
                    if (settings.dauName().equals(e.getValue())) {
                        wanted = e.getKey();
                        break;
                    }
                }
            }
            if (endpoint != null && endpoint.dau() == wanted) {
                return;
            }
            if (endpoint != null) {
                toStop = endpoint;
                toUnregister = registration;
                endpoint = null;
                registration = null;
            }
            if (wanted != null) {
                Endpoint e = new Endpoint(settings, wanted, protection, policy, services, clock, random);
                try {
                    e.start();
                    e.setDirectory(directory);
                    endpoint = e;
                    if (context != null) {
                        Hashtable<String, Object> props = new Hashtable<>();
                        props.put(DeviceAuthenticationUnit.NAME, settings.dauName());
                        props.put(DeviceAuthenticationUnit.ID, wanted.id().value());
                        props.put("dpn.port", e.listenAddress().getPort());
                        if (!settings.qkdNodeId().isEmpty()) {
                            props.put(KeyManager.NODE_PROPERTY, settings.qkdNodeId()); // telemetry: whose alarms
                        }
                        registration = context.registerService(DpnEndpoint.class, e, props);
                    }
                } catch (IOException ex) {
                    LOG.error("dpn {}: cannot listen on {}:{}: {}", settings.dauName(), settings.host(),
                            settings.port(), ex.getMessage());
                    e.stop();
                }
            } else if (active && toStop != null) {
                LOG.info("dpn {}: DAU left: endpoint stopped until it is back", settings.dauName());
            } else if (active) {
                LOG.info("dpn {}: waiting for the DAU with dau.name={}", settings.dauName(), settings.dauName());
            }
        }
        if (toUnregister != null) {
            try {
                toUnregister.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        if (toStop != null) {
            toStop.stop();
        }
    }
}
