package org.qkdv2i.scenario.internal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.internal.CityComponent;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.ScenarioFormatException;
import org.qkdv2i.scenario.internal.model.ScenarioParser;

/**
 * The command line of demo.jar. bnd's exported-jar launcher registers itself with the property
 * {@code launcher.arguments} once every run bundle started and then runs a
 * {@code Callable<Integer>} service with {@code main.thread=true} on the main thread, whose result
 * is the exit code (see bundles/node's NodeLauncher). Active only where the framework property
 * {@value #DEMO_PROPERTY} is true (demo.bndrun), so this bundle in another runtime leaves the
 * launcher alone.
 */
@Component(immediate = true)
public final class DemoLauncher {

    static final String DEMO_PROPERTY = "qkdv2i.demo";
    static final String LAUNCHER_ARGUMENTS = "launcher.arguments";
    static final String CONSOLE_PID = "org.qkdv2i.console.Console";
    static final String MQTT_PID = "org.qkdv2i.telemetry.mqtt.Publisher";
    static final String OPCUA_PID = "org.qkdv2i.telemetry.opcua.Server";
    static final String OPCUA_USER = "demo";
    /** Protects the OPC UA servers' own keys in opcua-pki/ (a development value, like DevPki's). */
    static final String OPCUA_KEYSTORE_PASSWORD = "qkdv2i-dev";

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final AtomicBoolean handled = new AtomicBoolean();
    private volatile City city;
    private volatile ServiceRegistration<?> mainThread;

    /**
     * The launcher ends the JVM with the demo's exit code (System.exit); this hook stops the
     * framework first, so the city's components close their stores and sockets. (Stopping the
     * framework from the main thread instead makes the launcher exit with its own code 117.)
     */
    private final Thread stopOnExit = new Thread(this::stopFramework, "qkdv2i-demo-stop");
    private volatile boolean hooked;

    @Activate
    public DemoLauncher(BundleContext context, @Reference ConfigurationAdmin cm) {
        this.context = context;
        this.cm = cm;
        if (Boolean.parseBoolean(context.getProperty(DEMO_PROPERTY))) {
            // FileInstall (start level 3) watches deploy/ but does not create it: driver bundles
            // dropped there are installed, updated and removed live (hot swap)
            try {
                Files.createDirectories(java.nio.file.Path.of("deploy"));
            } catch (IOException e) {
                System.err.println("demo: no deploy/ folder: " + e.getMessage());
            }
        }
    }

    private void stopFramework() {
        if (context.getBundle(0) instanceof org.osgi.framework.launch.Framework fw
                && fw.getState() == org.osgi.framework.Bundle.ACTIVE) {
            try {
                fw.stop();
                fw.waitForStop(20_000);
            } catch (Exception e) {
                System.err.println("demo: stopping the framework: " + e);
            }
        }
        System.out.flush();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindCity(City c) {
        city = c;
    }

    void unbindCity(City c) {
        if (city == c) {
            city = null;
        }
    }

    City city() {
        return city;
    }

    @Reference(service = Object.class, target = "(" + LAUNCHER_ARGUMENTS + "=*)",
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindLauncher(Map<String, Object> properties) {
        if (!Boolean.parseBoolean(context.getProperty(DEMO_PROPERTY)) || !handled.compareAndSet(false, true)) {
            return;
        }
        Object value = properties.get(LAUNCHER_ARGUMENTS);
        String[] args = value instanceof String[] a ? a : new String[0];
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (DemoOptions.UsageException e) {
            exitWith(() -> {
                System.err.println("demo: " + e.getMessage());
                System.err.println("Try 'java -jar demo.jar --help'.");
                return 2;
            });
            return;
        }
        if (options.help()) {
            exitWith(() -> {
                System.out.println(DemoOptions.USAGE);
                return 0;
            });
            return;
        }
        try {
            // first: the console starts its server while the scenario is read and the city set up
            configureConsole(options);
        } catch (IOException e) {
            exitWith(() -> {
                System.err.println("demo: configuration failed: " + e.getMessage());
                return 1;
            });
            return;
        }
        Scenario scenario;
        try {
            scenario = options.scenario() == null ? ScenarioParser.defaultScenario() : read(options);
        } catch (IOException | ScenarioFormatException e) {
            exitWith(() -> {
                System.err.println("demo: scenario " + options.scenario() + " refused: " + e.getMessage());
                return 1;
            });
            return;
        }
        try {
            configure(options, scenario);
        } catch (IOException e) {
            exitWith(() -> {
                System.err.println("demo: configuration failed: " + e.getMessage());
                return 1;
            });
            return;
        }
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        hooked = true;
        DemoRun run = new DemoRun(context, this::city, scenario, options);
        exitWith(run::call);
    }

    void unbindLauncher(Map<String, Object> properties) {
        // the launcher goes away only when the framework stops
    }

    private static Scenario read(DemoOptions options) throws IOException, ScenarioFormatException {
        try (InputStream in = Files.newInputStream(options.scenario())) {
            return ScenarioParser.parse(in);
        }
    }

    private void configure(DemoOptions o, Scenario scenario) throws IOException {
        if (o.mqtt() != null) {
            for (Scenario.Node n : scenario.nodes()) {
                Configuration c = cm.createFactoryConfiguration(MQTT_PID, "?");
                c.update(props("qkd.node", n.id(), "brokerUrl", o.mqtt(), "clientId", "qkdv2i-demo-" + n.id()));
            }
        }
        // the city's files in ./city (PKI, key stores, pad stores), emptied at every start: a KMM
        // closing its store at exit may touch its folder after a temporary home was deleted
        Hashtable<String, Object> p = props("speed", o.speed() > 0 ? o.speed() : scenario.speed(), "homeDir", "city",
                "freshHome", true);
        p.put("scenarioFile", o.scenario() == null ? "" : o.scenario().toAbsolutePath().toString());
        cm.getConfiguration(CityComponent.PID, "?").update(p);
        if (o.opcuaPort() > 0) {
            opcua(o.opcuaPort(), scenario); // after the city: its set-up starts first
        }
    }

    /**
     * The web console (bundles/console) waits for this configuration (the framework property
     * org.qkdv2i.console.awaitConfiguration in demo.bndrun): with --headless it never opens its port.
     */
    private void configureConsole(DemoOptions o) throws IOException {
        cm.getConfiguration(CONSOLE_PID, "?").update(props("enabled", !o.headless(), "port", o.consolePort(),
                "bindAddress", "127.0.0.1"));
    }

    /**
     * One OPC UA server per node (telemetry.opcua; opc.tcp://localhost:port+i/qkdv2i), with one
     * user {@value #OPCUA_USER} (an operator) whose password is made up now and shown once on the
     * terminal; only its PBKDF2 hash goes into the configuration. Loopback only; the unsecured
     * endpoint is on as well (local demo: any OPC UA client can browse after the user login).
     */
    private void opcua(int port, Scenario scenario) throws IOException {
        byte[] raw = new byte[12];
        new java.security.SecureRandom().nextBytes(raw);
        char[] password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
        java.util.Arrays.fill(raw, (byte) 0);
        String hash = OpcUaPassword.hash(password);
        int i = 0;
        StringBuilder endpoints = new StringBuilder();
        for (Scenario.Node n : scenario.nodes()) {
            int p = port + i++;
            Configuration c = cm.createFactoryConfiguration(OPCUA_PID, "?");
            c.update(props("qkd.node", n.id(), "bindAddress", "127.0.0.1", "port", p, "allowInsecureNone", true,
                    "pkiDir", "opcua-pki/" + n.id(), ".keyStorePassword", OPCUA_KEYSTORE_PASSWORD,
                    "users", new String[] { OPCUA_USER + "=" + hash }, "operators", new String[] { OPCUA_USER }));
            endpoints.append(endpoints.length() == 0 ? "" : ", ").append(n.id()).append(" :").append(p);
        }
        System.out.println("demo: OPC UA opc.tcp://localhost:" + port + "/qkdv2i (" + endpoints + "), user "
                + OPCUA_USER + ", password " + new String(password) + " (made up for this run)");
        java.util.Arrays.fill(password, '\0');
    }

    private static Hashtable<String, Object> props(Object... kv) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    private void exitWith(IntSupplier action) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("main.thread", "true");
        mainThread = context.registerService(Callable.class, new MainAction(action), props);
    }

    @Deactivate
    void deactivate() {
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is stopping us
            }
        }
        ServiceRegistration<?> reg = mainThread;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException gone) {
                // already
            }
        }
    }

    /** A named class: bnd's launcher checks the declared type argument (Callable&lt;Integer&gt;). */
    static final class MainAction implements Callable<Integer> {
        private final IntSupplier action;

        MainAction(IntSupplier action) {
            this.action = action;
        }

        @Override
        public Integer call() {
            return action.getAsInt();
        }
    }
}
