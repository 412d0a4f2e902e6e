package org.qkdv2i.it.platform;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import javax.inject.Inject;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.it.exam.ExamOptions;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.telemetry.opcua.internal.PasswordHash;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.message.StationType;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 7, "hot-swappable": the telemetry bundles (the collector, the MQTT adapter, the OPC UA
 * server) are uninstalled, installed again and updated to new versions while an SAE pair draws keys over
 * ETSI GS QKD 014 without pause and two V2X stations exchange BSMs (10 Hz) on the UDP virtual
 * air. No key request fails, BSMs keep arriving in every phase, neither the KMMs, the ETSI
 * servers nor the V2X stacks restart, and the telemetry reaches a real Mosquitto broker again
 * after each swap (node status {@code offline} on removal, {@code online} and fresh pool state
 * after reinstall), and a Milo client reads the link state, the link's and pool's alarm conditions (ActiveState)
 * and its session diagnostics from the OPC UA server, which the other swaps leave running, again after its
 * bundle came back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TelemetryIT {

    static final String BROKER = "qkdv2i.it.mqtt.broker";
    static final String COLLECTOR_PID = "org.qkdv2i.telemetry.Collector";
    static final String PUBLISHER_PID = "org.qkdv2i.telemetry.mqtt.Publisher";
    static final String NODE_COMPONENT = "org.qkdv2i.kmm.Node";
    static final String ETSI_COMPONENT = "org.qkdv2i.kmm.etsi014.internal.Etsi014Component";
    static final String STACK_COMPONENT = "org.qkdv2i.v2x.itsg5.internal.ItsG5StackComponent";
    static final String MQTT_BUNDLE = "qkdv2i.bundle.telemetry.mqtt";
    static final String COLLECTOR_BUNDLE = "qkdv2i.bundle.telemetry.collector";
    static final String OPCUA_BUNDLE = "qkdv2i.bundle.telemetry.opcua";
    static final String OPCUA_PID = "org.qkdv2i.telemetry.opcua.Server";
    static final String OPCUA_HASH = "qkdv2i.it.opcua.hash";
    static final String OPCUA_USER = "operator";
    /** Test fixture only. */
    static final String OPCUA_PASSWORD = "telemetry-it-only";

    static final long RSU_ID = 7101;
    static final long OBU_ID = 1101;
    static final int RSU_LAT = 481_374_000;
    static final int OBU_LAT = RSU_LAT + 9_000; // ~100 m north
    static final int LON = 115_755_000;

    @Inject
    BundleContext context;

    private TwoNodes nodes;
    private MqttClient subscriber;
    private String brokerUrl;
    private long brokerPid;
    private volatile boolean running;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong bsms = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    /** topic + " " + payload of every MQTT message the subscriber got, in order. */
    private final Collection<String> received = new ConcurrentLinkedQueue<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private org.osgi.service.cm.Configuration collectorConfig;
    private int opcUaPort;

    @Configuration
    public Option[] config() throws IOException {
        String broker = MqttBrokerProcess.start();
        return Platform.options(ours("v2x.api"), ours("v2x.codec"), ours("zap.api"), ours("dpn.api"), ours("v2x.itsg5"),
                ours("radio.udp"), ours("telemetry.api"), ours("paho"), ours("telemetry.collector"),
                ours("telemetry.mqtt"), netty("netty-common"), netty("netty-buffer"), netty("netty-resolver"),
                netty("netty-transport"), netty("netty-transport-native-unix-common"), netty("netty-codec"),
                netty("netty-handler"), ExamOptions.mvn("org.jspecify", "jspecify", ExamOptions.LEVEL_PLATFORM),
                ours("milo"), ours("telemetry.opcua"),
                // Milo's certificate validation uses the JDK's PKIX internals (BUILD-FACTS.md)
                systemPackage("sun.security.provider.certpath"),
                frameworkProperty(BROKER).value(broker == null ? "" : broker),
                // made on the class path: the hash format is the OPC UA bundle's (private) business
                frameworkProperty(OPCUA_HASH).value(PasswordHash.hash(OPCUA_PASSWORD.toCharArray(), 10_000)));
    }

    private static Option netty(String artifact) {
        return ExamOptions.mvn("io.netty", artifact, ExamOptions.LEVEL_PLATFORM);
    }

    private static Option ours(String name) {
        return ExamOptions.fileBundle(new File(System.getProperty("qkdv2i.bundle." + name)), ExamOptions.LEVEL_OURS);
    }

    @Before
    public void setUp() throws Exception {
        String broker = context.getProperty(BROKER);
        if (broker == null || broker.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("mosquitto not found but CI is set: .ci/run must `apt-get install -y mosquitto`");
            }
            Assume.assumeTrue("mosquitto not installed (apt-get install -y mosquitto): telemetry hot swap skipped", false);
        }
        brokerUrl = broker.split(" ")[0];
        brokerPid = Long.parseLong(broker.split(" ")[1]);

        nodes = new TwoNodes(context).configureAll();
        // V2X: an RSU and an OBU 100 m apart on one air, US profile (BSM at 10 Hz), unsecured
        registrations.add(context.registerService(V2xMessageListener.class, m -> {
            if ("obu-us".equals(m.stackId()) && m.content() instanceof V2xContent.BsmContent) {
                bsms.incrementAndGet();
            }
        }, null));
        station("rsu", RSU_ID, StationType.ROAD_SIDE_UNIT, RSU_LAT);
        station("obu", OBU_ID, StationType.PASSENGER_CAR, OBU_LAT);
        int rsuPort = TwoNodes.freePort();
        int obuPort = TwoNodes.freePort();
        radio("rsu", "02:00:00:00:11:01", rsuPort, obuPort, RSU_LAT);
        radio("obu", "02:00:00:00:12:01", obuPort, rsuPort, OBU_LAT);
        stack("rsu-us", "rsu", RSU_ID, StationType.ROAD_SIDE_UNIT);
        stack("obu-us", "obu", OBU_ID, StationType.PASSENGER_CAR);

        // telemetry: state every second (a singleton configuration), published for node A to the broker
        collectorConfig = TwoNodes.service(context, ConfigurationAdmin.class, null).getConfiguration(COLLECTOR_PID, "?");
        collectorConfig.update(TwoNodes.props("statePeriodSeconds", 1L));
        nodes.create(PUBLISHER_PID, TwoNodes.props("qkd.node", TwoNodes.A, "brokerUrl", brokerUrl,
                "clientId", "qkdv2i-it-A", "reconnectInitialMillis", 100L, "reconnectMaxMillis", 1000L));
        // OPC UA: the None endpoint (development only) keeps this test about hot swap; the secured
        // endpoints, certificates and refusals are tested in bundles/telemetry.opcua
        opcUaPort = TwoNodes.freePort();
        nodes.create(OPCUA_PID, TwoNodes.props("qkd.node", TwoNodes.A, "port", opcUaPort, "allowInsecureNone", true,
                "pkiDir", nodes.dir.resolve("opcua-pki").toString(), ".keyStorePassword", "telemetry-it-store",
                "users", new String[] { OPCUA_USER + "=" + context.getProperty(OPCUA_HASH) },
                "operators", new String[] { OPCUA_USER }));

        subscriber = new MqttClient(brokerUrl, "qkdv2i-it-subscriber", new MemoryPersistence());
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        subscriber.connect(o);
        subscriber.subscribe("qkdv2i/" + TwoNodes.A + "/#", 1);
    }

    @Test
    public void telemetryBundlesComeAndGoWithoutDisturbingKeysOrV2x() throws Exception {
        KeyManager a = nodes.keyManager(TwoNodes.A);
        nodes.awaitOwnKeys(TwoNodes.B, 64, 30);
        nodes.awaitOwnKeys(TwoNodes.A, 400, 30);
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        EtsiClient saeA = new EtsiClient(nodes.pki.saeKeyStore(TwoNodes.SAE_A), pw, nodes.pki.caCertificate(),
                nodes.etsiPortA);
        EtsiClient saeB = new EtsiClient(nodes.pki.saeKeyStore(TwoNodes.SAE_B), pw, nodes.pki.caCertificate(),
                nodes.etsiPortB);
        Await.until("first enc_keys/dec_keys round trip", 30, TimeUnit.SECONDS, () -> roundTrip(saeA, saeB, false));
        Await.until("BSMs from the RSU at the OBU", 30, TimeUnit.SECONDS, () -> bsms.get() >= 5);
        awaitMessage("node A online", "qkdv2i/A/status online");
        awaitMessage("pool state of A-B", "qkdv2i/A/pools/A-B {");

        Map<Long, Integer> kmms = Components.configurations(context, NODE_COMPONENT);
        Map<Long, Integer> servers = Components.configurations(context, ETSI_COMPONENT);
        Map<Long, Integer> stacks = Components.configurations(context, STACK_COMPONENT);
        assertEquals("KMMs " + kmms, 2, kmms.size());
        assertEquals("V2X stacks " + stacks, 2, stacks.size());
        List<Long> stackServices = stackServiceIds();
        long kmA = TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.A));
        long kmB = TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.B));
        // the OPC UA server: its alarm conditions and a session's diagnostics are instances of
        // standard types Milo makes with their children (ActiveState/Id, ActualSessionTimeout)
        OpcUaRead.Snapshot opcUa = awaitOpcUa("before any swap");

        running = true;
        Thread client = new Thread(() -> {
            while (running) {
                roundTrip(saeA, saeB, true);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pace the load
            }
        }, "telemetry-it-sae-client");
        client.start();
        try {
            undisturbed("before any swap");

            // 1. the MQTT adapter leaves: it says goodbye (retained "offline"), keys and BSMs go on
            Bundle mqtt = bundle(MQTT_BUNDLE);
            received.clear();
            mqtt.uninstall();
            refresh(mqtt);
            awaitMessage("node A offline after the MQTT bundle left", "qkdv2i/A/status offline");
            undisturbed("without the MQTT adapter");

            // 2. it comes back from its file: online again, fresh pool state
            received.clear();
            mqtt = install(MQTT_BUNDLE, file(MQTT_BUNDLE));
            awaitMessage("node A online after reinstall", "qkdv2i/A/status online");
            awaitMessage("pool state after reinstall", "qkdv2i/A/pools/A-B {");
            undisturbed("after the MQTT adapter came back");

            // 3. the collector is updated to a new version: the state flows again from the new revision,
            // and the MQTT adapter stays connected meanwhile (it would say "offline" if it were restarted)
            Bundle collector = bundle(COLLECTOR_BUNDLE);
            Version before = collector.getVersion();
            received.clear();
            try (InputStream in = new FileInputStream(HotSwapIT.withVersion(file(COLLECTOR_BUNDLE),
                    new Version(before.getMajor(), before.getMinor(), before.getMicro() + 1, "hotswap")))) {
                collector.update(in);
            }
            refresh(collector);
            assertEquals(Bundle.ACTIVE, collector.getState());
            long stateBefore = received.stream().filter(m -> m.startsWith("qkdv2i/A/pools/A-B {")).count();
            // three more state periods: not messages the old revision left in the adapter's buffer
            awaitMessages("pool state from the updated collector", "qkdv2i/A/pools/A-B {", stateBefore + 3);
            assertTrue("the MQTT adapter restarted with the collector: " + received, received.stream()
                    .noneMatch(m -> m.startsWith("qkdv2i/A/status offline")));
            undisturbed("after the collector update");

            // 4. the MQTT adapter is updated in place (stop, update, refresh, start)
            Version mqttBefore = mqtt.getVersion();
            received.clear();
            try (InputStream in = new FileInputStream(HotSwapIT.withVersion(file(MQTT_BUNDLE),
                    new Version(mqttBefore.getMajor(), mqttBefore.getMinor(), mqttBefore.getMicro() + 1, "hotswap")))) {
                mqtt.update(in);
            }
            refresh(mqtt);
            awaitMessage("node A online after the MQTT update", "qkdv2i/A/status online");
            awaitMessage("pool state after the MQTT update", "qkdv2i/A/pools/A-B {");
            undisturbed("after the MQTT adapter update");

            // 5. the OPC UA server: swaps of other bundles and the collector's restarts left it alone
            // (same server start time); it leaves (port closed) and comes back
            assertEquals("OPC UA server restarted while other bundles were swapped",
                    opcUa.serverStartTime().getUtcTime(), awaitOpcUa("after the other swaps").serverStartTime()
                            .getUtcTime());
            Bundle opcua = bundle(OPCUA_BUNDLE);
            opcua.uninstall();
            refresh(opcua);
            Await.until("OPC UA port closed after uninstall", 30, TimeUnit.SECONDS, () -> !listening(opcUaPort));
            undisturbed("without the OPC UA server");
            install(OPCUA_BUNDLE, file(OPCUA_BUNDLE));
            // a new server on the same Milo bundle (whose static type cache outlived the old one)
            awaitOpcUa("after reinstall");
            undisturbed("after the OPC UA server came back");
        } finally {
            running = false;
            client.join(15_000);
        }

        assertTrue("failed key requests: " + failures, failures.isEmpty());
        assertEquals("KMM components restarted", kmms, Components.configurations(context, NODE_COMPONENT));
        assertEquals("ETSI servers restarted", servers, Components.configurations(context, ETSI_COMPONENT));
        assertEquals("V2X stack components restarted", stacks, Components.configurations(context, STACK_COMPONENT));
        assertEquals("V2X stack services re-registered", stackServices, stackServiceIds());
        assertEquals("KeyManager A re-registered", kmA, TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.A)));
        assertEquals("KeyManager B re-registered", kmB, TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.B)));
        assertTrue("key round trip after all swaps", roundTrip(saeA, saeB, false));
    }

    /**
     * Waits until one OPC UA session sees link A-B UP with its Eavesdropping condition, pool A-B
     * with its values and PoolEmpty condition (both with ActiveState/Id) and its own session
     * diagnostics; then both conditions must be inactive (link up, pool full).
     */
    private OpcUaRead.Snapshot awaitOpcUa(String phase) {
        AtomicReference<OpcUaRead.Snapshot> last = new AtomicReference<>();
        OpcUaRead.Snapshot s;
        try {
            s = Await.value("OPC UA " + phase, 60, TimeUnit.SECONDS, () -> {
                OpcUaRead.Snapshot now = OpcUaRead.snapshot(opcUaPort, OPCUA_USER, OPCUA_PASSWORD, TwoNodes.A,
                        TwoNodes.LINK);
                last.set(now);
                return now != null && now.complete() && "UP".equals(now.linkState()) ? now : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + last.get(), e);
        }
        assertEquals("Eavesdropping ActiveState/Id " + phase + ": " + s, Boolean.FALSE, s.eavesdroppingActive());
        assertEquals("PoolEmpty ActiveState/Id " + phase + ": " + s, Boolean.FALSE, s.poolEmptyActive());
        assertTrue("pool A-B OwnKeys " + phase + ": " + s, s.poolOwnKeys() > 0);
        return s;
    }

    /** More key round trips and more BSMs while the framework stays in its current state. */
    private void undisturbed(String phase) {
        long keys = served.get() + 20;
        long frames = bsms.get() + 10;
        Await.until("20 more key round trips " + phase + " (failures: " + failures + ")", 30, TimeUnit.SECONDS,
                () -> served.get() >= keys);
        Await.until("10 more BSMs at the OBU " + phase, 30, TimeUnit.SECONDS, () -> bsms.get() >= frames);
        assertTrue("failed key requests " + phase + ": " + failures, failures.isEmpty());
    }

    private boolean roundTrip(EtsiClient saeA, EtsiClient saeB, boolean record) {
        String step = "enc_keys";
        try {
            EtsiClient.Reply enc = saeA.encKeys(TwoNodes.SAE_B, 1, 256);
            if (!enc.ok()) {
                return failed(record, step + ": " + enc.status() + " " + enc.raw());
            }
            JsonNode k = enc.body().get("keys").get(0);
            step = "dec_keys " + k.get("key_ID").asText();
            EtsiClient.Reply dec = saeB.decKey(TwoNodes.SAE_A, k.get("key_ID").asText());
            if (!dec.ok()) {
                return failed(record, step + ": " + dec.status() + " " + dec.raw());
            }
            assertArrayEquals(EtsiClient.keyBytes(k), EtsiClient.keyBytes(dec.body().get("keys").get(0)));
            if (record) {
                served.incrementAndGet();
            }
            return true;
        } catch (Exception | AssertionError e) {
            return failed(record, step + ": " + e);
        }
    }

    private boolean failed(boolean record, String what) {
        if (record) {
            failures.add(what);
        }
        return false;
    }

    private void awaitMessage(String what, String prefix) {
        awaitMessages(what, prefix, 1);
    }

    private void awaitMessages(String what, String prefix, long count) {
        Await.until(what + " (got: " + received.size() + " messages)", 30, TimeUnit.SECONDS,
                () -> received.stream().filter(m -> m.startsWith(prefix)).count() >= count);
    }

    private List<Long> stackServiceIds() {
        try {
            List<Long> ids = new ArrayList<>();
            for (ServiceReference<V2xStack> r : context.getServiceReferences(V2xStack.class, null)) {
                ids.add(TwoNodes.serviceId(r));
            }
            Collections.sort(ids);
            return ids;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static File file(String property) {
        return new File(System.getProperty(property));
    }

    private Bundle bundle(String property) {
        String location = file(property).toURI().toString();
        Bundle b = context.getBundle(location);
        if (b == null) {
            throw new AssertionError("bundle not installed at " + location);
        }
        return b;
    }

    private Bundle install(String property, File f) throws Exception {
        Bundle b;
        try (InputStream in = new FileInputStream(f)) {
            b = context.installBundle(file(property).toURI().toString(), in);
        }
        b.start();
        return b;
    }

    private void refresh(Bundle b) throws InterruptedException {
        FrameworkWiring fw = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(Collections.singletonList(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        assertTrue("refresh done", done.await(30, TimeUnit.SECONDS));
    }

    private void station(String name, long id, int type, int lat) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(StationStateProvider.STATION, name);
        StationStateProvider provider = () -> new StationState(id, type, lat, LON, true, 0, 900, Instant.now());
        registrations.add(context.registerService(StationStateProvider.class, provider, p));
    }

    private void radio(String id, String mac, int port, int peerPort, int lat) throws IOException {
        nodes.create("org.qkdv2i.radio.udp.Air", TwoNodes.props("radio.id", id, "radio.technology", "ITS_G5",
                "address", mac, "bind", "127.0.0.1:" + port, "peers", new String[] { "127.0.0.1:" + peerPort },
                "position", String.format(java.util.Locale.ROOT, "%.7f,%.7f", lat / 1e7, LON / 1e7),
                "range.m", 1000.0, "path.loss", "FREE_SPACE", "channel", 172));
    }

    private void stack(String name, String station, long stationId, int stationType) throws IOException {
        nodes.create("org.qkdv2i.v2x.itsg5.Stack", TwoNodes.props("v2x.stack", name, "v2x.profile", "US",
                "radio.target", "(&(radio.technology=ITS_G5)(radio.id=" + station + "))", "radio.id", station,
                "stationState.target", "(" + StationStateProvider.STATION + "=" + station + ")",
                "stationId", stationId, "stationType", stationType));
    }

    @After
    public void tearDown() throws Exception {
        running = false;
        if (subscriber != null && subscriber.isConnected()) {
            subscriber.disconnect();
            subscriber.close();
        }
        if (collectorConfig != null) {
            collectorConfig.delete();
        }
        if (nodes != null) {
            nodes.close();
        }
        registrations.forEach(ServiceRegistration::unregister);
        ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroy);
    }
}
