package org.qkdv2i.scenario.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
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
import org.qkdv2i.kmm.api.KeyEventListener;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityListener;
import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.api.Provisioned;
import org.qkdv2i.scenario.api.ScenarioException;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.ScenarioFormatException;
import org.qkdv2i.scenario.internal.model.ScenarioParser;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The city scenario engine as a service: one configuration = one running city (see
 * {@link CityEngine}). Registers {@link City}; pushes events to every {@link CityListener}.
 */
@Component(configurationPid = CityComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = City.class)
@Designate(ocd = CityComponent.Config.class)
public final class CityComponent implements City {

    public static final String PID = "org.qkdv2i.scenario.City";
    /** Marks a folder this engine made (freshHome deletes only such folders). */
    static final String MARKER = ".qkdv2i-city";
    private static final Logger LOG = LoggerFactory.getLogger(CityComponent.class);

    @ObjectClassDefinition(id = PID, name = "QKD-V2I city scenario",
            description = "Plays a city scenario on real KMMs, simulated FSO QKD links, SDN agents and controller in this framework.")
    public @interface Config {
        @AttributeDefinition(description = "Scenario file (JSON, docs/scenarios.md); empty: the paper's city built into the bundle")
        String scenarioFile() default "";

        @AttributeDefinition(description = "Simulated seconds per wall second (drivers, mobility, timelines); 0: the scenario's own", min = "0")
        double speed() default 0;

        @AttributeDefinition(description = "Folder for the city's PKI, key stores and pad stores; empty: a fresh temporary folder deleted at the end")
        String homeDir() default "";

        @AttributeDefinition(description = "With homeDir set: start from an empty homeDir, deleting what an earlier city left there (only a folder this engine made, marked by the file .qkdv2i-city)")
        boolean freshHome() default false;

        @AttributeDefinition(description = "First of the loopback ports the city uses (2 per node, 2 per link, 1 for the controller); 0: free ports", min = "0", max = "65000")
        int portsBase() default 0;

        @AttributeDefinition(description = "SDN controller poll period, milliseconds (wall)", min = "100")
        long controllerPollMillis() default 1000;
    }

    private final Services services = new Services();
    private final CityEngine engine;
    private final Path home;
    private final boolean temporaryHome;
    private final ServiceRegistration<KeyEventListener> keyEvents;

    @Activate
    public CityComponent(BundleContext context, Config config, @Reference ConfigurationAdmin cm) throws IOException {
        Scenario scenario = load(config.scenarioFile());
        double speed = config.speed() > 0 ? config.speed() : scenario.speed();
        String dir = config.homeDir() == null ? "" : config.homeDir().trim();
        this.temporaryHome = dir.isEmpty();
        this.home = temporaryHome ? Files.createTempDirectory("qkdv2i-city-") : Path.of(dir).toAbsolutePath();
        if (!temporaryHome && config.freshHome() && Files.isDirectory(home)) {
            if (!Files.exists(home.resolve(MARKER))) {
                try (var entries = Files.list(home)) {
                    if (entries.findAny().isPresent()) {
                        LOG.error("city not started: homeDir {} is not empty and not a city's folder (no {}); "
                                + "freshHome deletes only folders the engine made", home, MARKER);
                        throw new IllegalArgumentException("homeDir " + home + " is not a city's folder");
                    }
                }
            }
            deleteTree(home);
        }
        Files.createDirectories(home);
        Files.writeString(home.resolve(MARKER), "made by org.qkdv2i.scenario: the city's PKI, key stores and pad stores\n");
        this.engine = new CityEngine(context, cm, scenario, services, speed, home, config.portsBase(),
                config.controllerPollMillis());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("city.scenario", scenario.name());
        this.keyEvents = context.registerService(KeyEventListener.class, engine::keyEvent, props);
        LOG.info("city {}: starting at speed {} in {}", scenario.name(), speed, home);
        engine.start();
    }

    static Scenario load(String file) throws IOException {
        String f = file == null ? "" : file.trim();
        if (f.isEmpty()) {
            return ScenarioParser.defaultScenario();
        }
        try (InputStream in = Files.newInputStream(Path.of(f))) {
            return ScenarioParser.parse(in);
        } catch (ScenarioFormatException e) {
            LOG.error("city not started: scenario file {} refused: {}", f, e.getMessage());
            throw new IllegalArgumentException("scenario file " + f + ": " + e.getMessage(), e);
        } catch (IOException e) {
            LOG.error("city not started: scenario file {} unreadable: {}", f, e.toString());
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        try {
            keyEvents.unregister();
        } catch (IllegalStateException gone) {
            // bundle stopping
        }
        engine.close();
        if (temporaryHome) {
            // ConfigAdmin deletes the configurations asynchronously: the KMMs close their stores
            // (and touch their folders) after this returns unless we wait for them to leave
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!services.kmms.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100); // polling the services leaving, with a deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            deleteTree(home);
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a KMM still closing its store; the temp folder stays
                }
            });
        } catch (IOException e) {
            LOG.debug("city home {} not deleted: {}", dir, e.toString());
        }
    }

    // ------------------------------------------------------------------ services (dynamic, greedy)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyManager(KeyManager km, Map<String, Object> props) {
        services.kmms.put(node(props, km.nodeId()), km);
    }

    void unbindKeyManager(KeyManager km, Map<String, Object> props) {
        services.kmms.remove(node(props, km.nodeId()), km);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRelayRoutes(RelayRoutes r, Map<String, Object> props) {
        services.routes.put(node(props, r.nodeId()), r);
    }

    void unbindRelayRoutes(RelayRoutes r, Map<String, Object> props) {
        services.routes.remove(node(props, r.nodeId()), r);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNodeTls(NodeTls t) {
        services.tls.put(t.nodeId(), t);
    }

    void unbindNodeTls(NodeTls t) {
        services.tls.remove(t.nodeId(), t);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCityListener(CityListener l) {
        services.listeners.add(l);
    }

    void unbindCityListener(CityListener l) {
        services.listeners.remove(l);
    }

    private static String node(Map<String, Object> props, String fallback) {
        Object n = props.get(KeyManager.NODE_PROPERTY);
        return n == null ? fallback : n.toString();
    }

    // ------------------------------------------------------------------ City

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public CityView view() {
        return engine.view();
    }

    @Override
    public List<CityEvent> events(long afterSeq, int limit) {
        return engine.events(afterSeq, limit);
    }

    @Override
    public void setWeather(String weather, boolean daylight) throws ScenarioException {
        engine.setWeather(weather, daylight);
    }

    @Override
    public void startAttack(String linkId, String attack) throws ScenarioException {
        engine.startAttack(linkId, attack);
    }

    @Override
    public void stopAttack(String linkId) throws ScenarioException {
        engine.stopAttack(linkId);
    }

    @Override
    public String updateDriver(String linkId) throws ScenarioException {
        return engine.updateDriver(linkId);
    }

    @Override
    public Provisioned provision(String masterSaeId, String slaveSaeId) throws ScenarioException {
        return engine.provision(masterSaeId, slaveSaeId);
    }

    /** For the demo in this bundle: what happened so far. */
    public Report report() {
        return engine.report();
    }

    public double simSeconds() {
        return engine.simSeconds();
    }

    public boolean ready() {
        return engine.ready();
    }

    public double secondsOf(java.time.Instant simTime) {
        return engine.secondsOf(simTime);
    }
}
