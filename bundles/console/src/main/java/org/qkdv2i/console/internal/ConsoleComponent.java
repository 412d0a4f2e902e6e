package org.qkdv2i.console.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console, PID {@code org.qkdv2i.console.Console} (optional: it runs with the defaults
 * when the bundle is installed). Shows the {@link City} when one is registered ("no scenario
 * running" otherwise), listens to its events as a {@link CityListener}, and serves the KMMs'
 * management calls. Every reference is dynamic: the console keeps running while the engine,
 * KMMs, link controls and telemetry sinks come and go.
 *
 * <p>No login: it binds to loopback by default and must not be exposed to a network.
 */
@Component(configurationPid = ConsoleComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = CityListener.class, immediate = true) // serves the page before any City shows up
@Designate(ocd = ConsoleComponent.Config.class)
public final class ConsoleComponent implements CityListener, Sources {

    static final String PID = "org.qkdv2i.console.Console";
    /**
     * Framework property: with {@code true} the console binds no port until its configuration
     * exists (the demo writes it after reading its command line: {@code --headless} must never
     * open the port, not even briefly).
     */
    static final String AWAIT_CONFIGURATION = "org.qkdv2i.console.awaitConfiguration";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleComponent.class);

    @ObjectClassDefinition(id = PID, name = "QKD-V2I web console",
            description = "The city map, charts, event log and controls at http://<bindAddress>:<port>/, with the "
                    + "management REST API. No login: keep it on loopback.")
    public @interface Config {
        @AttributeDefinition(description = "Serve the console at all")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on. The console has no login: keep 127.0.0.1 "
                + "(use an SSH tunnel to reach it from elsewhere)")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(description = "HTTP port (0: any free port, logged at start)", min = "0", max = "65535")
        int port() default 8080;

        @AttributeDefinition(description = "Chart history kept, wall-clock seconds", min = "10")
        int historySeconds() default 600;

        @AttributeDefinition(description = "How often a city snapshot is pushed to the pages, ms", min = "100")
        long snapshotMillis() default 1000;

        @AttributeDefinition(description = "Most events replayed to a page that connects or reconnects "
                + "(Last-Event-ID)", min = "0")
        int replayLimit() default 200;

        @AttributeDefinition(description = "Largest accepted request body, bytes (larger: 413)", min = "1024")
        int maxRequestBytes() default 16384;

        @AttributeDefinition(description = "Host names the console answers to besides localhost, 127.0.0.1, [::1] and "
                + "bindAddress (requests naming another Host get 403: DNS rebinding)", required = false)
        String[] allowedHosts() default {};
    }

    private volatile Config config;
    private final ComponentContext context;
    private final ConcurrentMap<KeyManager, String> keyManagers = new ConcurrentHashMap<>();
    private final ConcurrentMap<LinkControl, String> linkControls = new ConcurrentHashMap<>();
    private volatile City city;
    private volatile SinkDirectory sinkDirectory;
    private volatile ConsoleServer server;
    private volatile boolean waiting;

    @Activate
    public ConsoleComponent(Config config, ComponentContext context) {
        this.config = config;
        this.context = context;
    }

    @Activate
    void activate() throws Exception {
        enableTelemetryIfInstalled();
        waiting = awaitingConfiguration();
        if (waiting) {
            LOG.info("console waits for its configuration {} ({}=true): no port is open until then", PID,
                    AWAIT_CONFIGURATION);
            return;
        }
        if (!config.enabled()) {
            LOG.info("console is off (enabled=false in {})", PID);
            return;
        }
        String host = config.bindAddress() == null || config.bindAddress().isBlank() ? "127.0.0.1"
                : config.bindAddress().trim();
        ConsoleServer.Options o = new ConsoleServer.Options(host, config.port(),
                Math.max(100, config.snapshotMillis()), Math.max(10, config.historySeconds()),
                Math.max(0, config.replayLimit()), Math.max(1024, config.maxRequestBytes()), 4 * 1024 * 1024,
                hostList(config.allowedHosts()));
        ConsoleServer s = new ConsoleServer(this, o);
        try {
            s.start();
        } catch (Exception e) {
            LOG.error("console not started: cannot listen on {}:{} ({}); set port in {}", host, config.port(),
                    e.getMessage(), PID);
            throw e;
        }
        server = s;
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"::1".equals(host)) {
            LOG.warn("console listens on {}:{}: it has no login, anyone who reaches it controls the scenario",
                    host, s.port());
        }
        LOG.info("console at http://{}:{}/ ({})", host.contains(":") ? "[" + host + "]" : host, s.port(),
                city == null ? "no scenario running yet" : "scenario " + safeName(city));
    }

    /**
     * A configuration update with the same values (the demo writes the defaults it wants) keeps the
     * server and its open pages; anything else restarts the server with the new values.
     */
    @Modified
    void modified(Config updated) throws Exception {
        Config old = config;
        config = updated;
        if (!waiting && !awaitingConfiguration() && settings(old).equals(settings(updated))) {
            return;
        }
        if (!waiting) {
            LOG.info("console: configuration changed; restarting the server");
        }
        deactivate();
        activate();
    }

    private static List<Object> settings(Config c) {
        return List.of(c.enabled(), String.valueOf(c.bindAddress()).trim(), c.port(), c.historySeconds(),
                c.snapshotMillis(), c.replayLimit(), c.maxRequestBytes(), hostList(c.allowedHosts()));
    }

    @Deactivate
    void deactivate() {
        ConsoleServer s = server;
        server = null;
        if (s != null) {
            s.stop();
        }
    }

    /** With {@value #AWAIT_CONFIGURATION} set: no configuration yet (SCR runs us with the defaults). */
    private boolean awaitingConfiguration() {
        org.osgi.framework.BundleContext bc = context.getBundleContext();
        if (bc == null || !Boolean.parseBoolean(bc.getProperty(AWAIT_CONFIGURATION))) {
            return false;
        }
        java.util.Dictionary<String, Object> props = context.getProperties();
        return props == null || props.get(org.osgi.framework.Constants.SERVICE_PID) == null;
    }

    /** The telemetry API is imported optionally; its component is enabled only when it is wired. */
    private void enableTelemetryIfInstalled() {
        try {
            ConsoleComponent.class.getClassLoader().loadClass("org.qkdv2i.telemetry.api.TelemetrySink");
            context.enableComponent(TelemetrySinks.class.getName());
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            LOG.info("console: no telemetry API installed; /api/telemetry reports none");
        }
    }

    // --- CityListener ---------------------------------------------------------------------------

    @Override
    public void event(CityEvent event) {
        ConsoleServer s = server;
        if (s != null) {
            s.event(event);
        }
    }

    // --- references -----------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCity(City c) {
        city = c;
        ConsoleServer s = server;
        if (s != null) {
            s.cityChanged();
        }
    }

    void unbindCity(City c) {
        if (city == c) {
            city = null;
            ConsoleServer s = server;
            if (s != null) {
                s.cityChanged();
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyManager(KeyManager km, Map<String, Object> props) {
        Object node = props.get(KeyManager.NODE_PROPERTY);
        keyManagers.put(km, node == null ? km.nodeId() : node.toString());
    }

    void unbindKeyManager(KeyManager km) {
        keyManagers.remove(km);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLinkControl(LinkControl lc, Map<String, Object> props) {
        Object node = props.get(KeyManager.NODE_PROPERTY);
        linkControls.put(lc, node == null ? lc.nodeId() : node.toString());
    }

    void unbindLinkControl(LinkControl lc) {
        linkControls.remove(lc);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSinkDirectory(SinkDirectory d) {
        sinkDirectory = d;
    }

    void unbindSinkDirectory(SinkDirectory d) {
        if (sinkDirectory == d) {
            sinkDirectory = null;
        }
    }

    // --- Sources --------------------------------------------------------------------------------

    @Override
    public City city() {
        return city;
    }

    @Override
    public Map<String, KeyManager> keyManagers() {
        Map<String, KeyManager> m = new java.util.HashMap<>();
        keyManagers.forEach((km, node) -> m.put(node, km));
        return m;
    }

    @Override
    public Map<String, LinkControl> linkControls() {
        Map<String, LinkControl> m = new java.util.HashMap<>();
        linkControls.forEach((lc, node) -> m.put(node, lc));
        return m;
    }

    @Override
    public List<Map<String, Object>> telemetrySinks() {
        SinkDirectory d = sinkDirectory;
        return d == null ? null : d.sinks();
    }

    /** A Felix .cfg list may arrive as one comma-separated string. */
    private static List<String> hostList(String[] hosts) {
        List<String> out = new java.util.ArrayList<>();
        for (String h : hosts == null ? new String[0] : hosts) {
            for (String part : h.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private static String safeName(City c) {
        try {
            return c.name();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
