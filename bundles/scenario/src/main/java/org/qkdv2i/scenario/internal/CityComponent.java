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
import org.osgi.service.component.annotations.Modified;
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
 *
 * <p>A configuration update changes {@code speed} live (the clock runs on at the new rate, the
 * drivers pace their rounds to it). {@code scenarioFile}, {@code homeDir}, {@code freshHome},
 * {@code portsBase} and {@code controllerPollMillis} restart the city inside this component (the
 * {@link City} service stays registered): they decide what the city is, where its PKI and stores
 * live, which sockets every part listens on and how the controller was configured at set-up. A new
 * scenario file that is refused leaves the running city alone.
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
    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private volatile Config config;
    private volatile Run run;

    /** One running city: what a restart replaces. */
    private record Run(Scenario scenario, CityEngine engine, Path home, boolean temporaryHome, double speed,
            ServiceRegistration<KeyEventListener> keyEvents) {
    }

    @Activate
    public CityComponent(BundleContext context, Config config, @Reference ConfigurationAdmin cm) throws IOException {
        this.context = context;
        this.cm = cm;
        this.config = config;
        this.run = start(config, load(config.scenarioFile()));
    }

    private static double speed(Config config, Scenario scenario) {
        return config.speed() > 0 ? config.speed() : scenario.speed();
    }

    private Run start(Config config, Scenario scenario) throws IOException {
        double speed = speed(config, scenario);
        String dir = config.homeDir() == null ? "" : config.homeDir().trim();
        boolean temporaryHome = dir.isEmpty();
        Path home = temporaryHome ? Files.createTempDirectory("qkdv2i-city-") : Path.of(dir).toAbsolutePath();
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
        CityEngine engine = new CityEngine(context, cm, scenario, services, speed, home, config.portsBase(),
                config.controllerPollMillis());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("city.scenario", scenario.name());
        ServiceRegistration<KeyEventListener> keyEvents = context.registerService(KeyEventListener.class,
                engine::keyEvent, props);
        LOG.info("city {}: starting at speed {} in {}", scenario.name(), speed, home);
        engine.start();
        return new Run(scenario, engine, home, temporaryHome, speed, keyEvents);
    }

    /** What a configuration change cannot alter in a running city (see the class comment). */
    private static List<Object> restartSettings(Config c) {
        return List.of(String.valueOf(c.scenarioFile()).trim(), String.valueOf(c.homeDir()).trim(), c.freshHome(),
                c.portsBase(), c.controllerPollMillis());
    }

    @Modified
    void modified(Config updated) throws IOException {
        Config old = config;
        Run r = run;
        if (restartSettings(old).equals(restartSettings(updated))) {
            config = updated;
            double s = speed(updated, r.scenario());
            if (s != r.speed()) {
                r.engine().changeSpeed(s);
                run = new Run(r.scenario(), r.engine(), r.home(), r.temporaryHome(), s, r.keyEvents());
            }
            return;
        }
        Scenario next;
        try {
            next = load(updated.scenarioFile());
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("city {}: configuration update ignored, the city runs on: {}", r.scenario().name(),
                    e.getMessage());
            return;
        }
        LOG.info("city {}: scenarioFile, homeDir, freshHome, portsBase or controllerPollMillis changed: restarting "
                + "the city", r.scenario().name());
        stop(r, true);
        config = updated;
        run = start(updated, next);
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
        stop(run, false);
    }

    /** @param restart the next city starts at once: wait for the old KMMs to leave even with a kept homeDir */
    private void stop(Run r, boolean restart) {
        try {
            r.keyEvents().unregister();
        } catch (IllegalStateException gone) {
            // bundle stopping
        }
        r.engine().close();
        // ConfigAdmin deletes the configurations asynchronously: the KMMs close their stores (and
        // touch their folders) after this returns unless we wait for them to leave; a restart
        // must not meet the old KMMs either
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while ((restart || r.temporaryHome()) && !services.kmms.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // polling the services leaving, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (r.temporaryHome()) {
            deleteTree(r.home());
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
        return run.engine().name();
    }

    @Override
    public CityView view() {
        return run.engine().view();
    }

    @Override
    public List<CityEvent> events(long afterSeq, int limit) {
        return run.engine().events(afterSeq, limit);
    }

    @Override
    public void setWeather(String weather, boolean daylight) throws ScenarioException {
        run.engine().setWeather(weather, daylight);
    }

    @Override
    public void startAttack(String linkId, String attack) throws ScenarioException {
        run.engine().startAttack(linkId, attack);
    }

    @Override
    public void stopAttack(String linkId) throws ScenarioException {
        run.engine().stopAttack(linkId);
    }

    @Override
    public String updateDriver(String linkId) throws ScenarioException {
        return run.engine().updateDriver(linkId);
    }

    @Override
    public Provisioned provision(String masterSaeId, String slaveSaeId) throws ScenarioException {
        return run.engine().provision(masterSaeId, slaveSaeId);
    }

    /** For the demo in this bundle: what happened so far. */
    public Report report() {
        return run.engine().report();
    }

    public double simSeconds() {
        return run.engine().simSeconds();
    }

    public boolean ready() {
        return run.engine().ready();
    }

    public double secondsOf(java.time.Instant simTime) {
        return run.engine().secondsOf(simTime);
    }
}
