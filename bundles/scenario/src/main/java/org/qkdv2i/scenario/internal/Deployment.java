package org.qkdv2i.scenario.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.Scenario.Link;
import org.qkdv2i.scenario.internal.model.Scenario.Node;
import org.qkdv2i.scenario.internal.sim.Mobility;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;

/**
 * The city's real parts, configured the way an operator would: ConfigurationAdmin (factory)
 * configurations only — per node a TLS identity, a KMM and an ETSI GS QKD 015 agent; per link two
 * driver.sim.fso ends on loopback sockets; per SAE its registration; one SDN controller with its
 * own TLS identity; and a TLS identity for the engine as the controller's operator. Deleting the
 * configurations ({@link #close()}) stops them all.
 */
final class Deployment implements AutoCloseable {

    static final String TLS_PID = "org.qkdv2i.tls.NodeTls";
    static final String KMM_PID = "org.qkdv2i.kmm.Node";
    static final String SAE_PID = "org.qkdv2i.kmm.Sae";
    static final String AGENT_PID = "org.qkdv2i.sdn.Agent";
    static final String CONTROLLER_PID = "org.qkdv2i.sdn.Controller";
    static final String FSO_PID = "org.qkdv2i.driver.sim.fso.Link";
    static final String PUF_PID = "org.qkdv2i.zap.EmulatedSramPuf";
    static final String DAU_PID = "org.qkdv2i.zap.Dau";
    static final String ENDPOINT_PID = "org.qkdv2i.dpn.Endpoint";
    static final String IDENTITY_LOG_PID = "org.qkdv2i.dpn.IdentityLog";
    static final String RADIO_PID = "org.qkdv2i.radio.udp.Air";
    static final String G5_STACK_PID = "org.qkdv2i.v2x.itsg5.Stack";
    static final String PC5_STACK_PID = "org.qkdv2i.v2x.cv2x.Stack";
    /** TS 102 894-2 StationType: passenger car, road-side unit. */
    static final int STATION_PASSENGER_CAR = 5;
    static final int STATION_RSU = 15;
    /** PBKDF2 iterations of the V2X dev PKI's key files: a per-run random password, so few suffice. */
    static final int PKI_ITERATIONS = 1_000;
    static final String CONTROLLER_ID = "city-controller";
    static final String OPERATOR_ID = "city-operator";
    static final int KEY_BITS = 256;

    /** Ports of one node. */
    record NodePorts(int peer, int agent) {
    }

    /** Ports of one link (Bob listens on both). */
    record LinkPorts(int quantum, int classical) {
    }

    private final ConfigurationAdmin cm;
    private final Scenario scenario;
    private final Path home;
    private volatile double speed;
    private final long pollMillis;
    private final Ports ports;
    final Map<String, NodePorts> nodePorts = new LinkedHashMap<>();
    final Map<String, LinkPorts> linkPorts = new LinkedHashMap<>();
    final int controllerPort;
    private final List<Configuration> configs = Collections.synchronizedList(new ArrayList<>());
    /** Alice's end of every link: the one weather and Eve act on. */
    private final Map<String, Configuration> aliceEnds = new LinkedHashMap<>();
    private final Map<String, Hashtable<String, Object>> aliceProps = new LinkedHashMap<>();
    private final Map<String, Configuration> bobEnds = new LinkedHashMap<>();
    private final Map<String, Hashtable<String, Object>> bobProps = new LinkedHashMap<>();
    /** Weather of the first timeline steps, written into Alice's first configuration. */
    private final Map<String, Object[]> initialWeather = new LinkedHashMap<>();

    Deployment(ConfigurationAdmin cm, Scenario scenario, Path home, double speed, int portsBase, long pollMillis) {
        this.cm = cm;
        this.scenario = scenario;
        this.home = home;
        this.speed = speed;
        this.pollMillis = pollMillis;
        this.ports = new Ports(portsBase);
        for (Node n : scenario.nodes()) {
            nodePorts.put(n.id(), new NodePorts(ports.next(), ports.next()));
        }
        for (Link l : scenario.links()) {
            linkPorts.put(l.id(), new LinkPorts(ports.next(), ports.next()));
        }
        controllerPort = ports.next();
    }

    Path pki() {
        return home.resolve("pki");
    }

    /** Certificates of every node, the controller and the operator (development CA). */
    void pkiInit() throws IOException, java.security.GeneralSecurityException {
        List<String> ids = new ArrayList<>();
        scenario.nodes().forEach(n -> ids.add(n.id()));
        ids.add(CONTROLLER_ID);
        ids.add(OPERATOR_ID);
        DevPki.init(pki(), ids, List.of(), DevPki.DEFAULT_PASSWORD);
    }

    void configureAll() throws IOException {
        tls(OPERATOR_ID);
        tls(CONTROLLER_ID);
        for (Node n : scenario.nodes()) {
            tls(n.id());
        }
        for (Scenario.Sae s : scenario.saes()) {
            create(SAE_PID, props("saeId", s.id(), "nodeId", s.node()));
        }
        for (Node n : scenario.nodes()) {
            List<String> peers = new ArrayList<>();
            for (Link l : scenario.links()) {
                String peer = l.alice().equals(n.id()) ? l.bob() : l.bob().equals(n.id()) ? l.alice() : null;
                if (peer != null) {
                    peers.add(peer + "=https://localhost:" + nodePorts.get(peer).peer());
                }
            }
            create(KMM_PID, props("nodeId", n.id(),
                    "dataDir", home.resolve("data").resolve(n.id()).toString(),
                    "kekFile", home.resolve("keys").resolve(n.id() + ".kek").toString(),
                    "storedKeyBits", KEY_BITS,
                    "maxKeysPerLink", 20_000L,
                    "lowWaterKeys", 20L,
                    "peerHost", "127.0.0.1",
                    "peerPort", nodePorts.get(n.id()).peer(),
                    "peers", peers.toArray(String[]::new)));
        }
        SecureRandom random = new SecureRandom();
        for (Link l : scenario.links()) {
            byte[] auth = new byte[16 * 1024]; // Wegman–Carter bootstrap key, refilled from every key round
            random.nextBytes(auth);
            String authHex = HexFormat.of().formatHex(auth);
            java.util.Arrays.fill(auth, (byte) 0);
            Hashtable<String, Object> a = linkEnd(l, true, authHex);
            Hashtable<String, Object> b = linkEnd(l, false, authHex);
            aliceProps.put(l.id(), a);
            bobProps.put(l.id(), b);
            bobEnds.put(l.id(), create(FSO_PID, b));
            aliceEnds.put(l.id(), create(FSO_PID, a));
        }
        List<String> agents = new ArrayList<>();
        for (Node n : scenario.nodes()) {
            int port = nodePorts.get(n.id()).agent();
            create(AGENT_PID, props("nodeId", n.id(), "port", port, "controllers", new String[] { CONTROLLER_ID },
                    "location", n.label()));
            agents.add(n.id() + "=https://localhost:" + port);
        }
        Configuration c = cm.getConfiguration(CONTROLLER_PID, "?");
        c.update(props("controllerId", CONTROLLER_ID, "agents", agents.toArray(String[]::new),
                "pollMillis", pollMillis, "agentTimeoutMillis", 2000L, "host", "127.0.0.1", "port", controllerPort,
                "operators", new String[] { OPERATOR_ID }, "stateFile", ""));
        configs.add(c);
    }

    Path v2xPki() {
        return home.resolve("v2x-pki");
    }

    /**
     * The V2X development PKI (ETSI TS 102 940 shape: root CA, authorization authority, one ticket
     * per RSU and vehicle, ECDSA P-256), written into the home folder; the key files are sealed
     * under {@code password} (random per run, handed to the stacks as their private property).
     */
    void v2xPkiInit(char[] password) throws IOException {
        org.qkdv2i.v2x.itsg5.internal.stack.DevPki pki = new org.qkdv2i.v2x.itsg5.internal.stack.DevPki(
                java.time.Instant.now().minusSeconds(3600));
        // the root and AA certificates once (DevPki.write rewrites both per station: 2,100 extra
        // file writes for a city of 1,050 stations, issue 8), then per station its ticket and key
        Path dir = v2xPki();
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.write(dir.resolve("root.oer"), pki.rootCertificate());
        java.nio.file.Files.write(dir.resolve("aa.oer"), pki.authorityCertificate());
        for (Scenario.Rsu r : scenario.rsus()) {
            ticket(pki, dir, r.id(), password);
        }
        for (Scenario.Vehicle v : scenario.vehicles()) {
            ticket(pki, dir, v.id(), password);
        }
    }

    private static void ticket(org.qkdv2i.v2x.itsg5.internal.stack.DevPki pki, Path dir, String station,
            char[] password) throws IOException {
        org.qkdv2i.v2x.codec.security.SigningCredential t = pki.ticket();
        java.nio.file.Files.write(dir.resolve(station + ".ticket.oer"), t.certificate());
        byte[] pkcs8 = t.privateKey().getEncoded();
        try {
            org.qkdv2i.v2x.itsg5.internal.stack.CredentialFiles.writeKey(dir.resolve(station + ".ticket.key"), pkcs8,
                    password, PKI_ITERATIONS);
        } finally {
            java.util.Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /**
     * The devices (issue 8, paper Figure 4): the identity log (single node, in memory); per base
     * station a PUF, a DAU-N (BASE_STATION) and a DPN endpoint mixing a QKD key from its KMM into
     * sessions with the other base stations ({@code quantumKeyRequired}); per RSU a PUF, a DAU-N
     * (RSU), a DPN endpoint, a radio.udp radio at its lamp-post and a SIGNED V2X stack (ITS-G5 or
     * PC5, station type 15); per vehicle a PUF, a DAU-V (VEHICLE), a DPN endpoint, a radio the
     * engine moves and a SIGNED V2X stack fed by the engine's station state.
     *
     * @param handoverSae per base station node, its SAE of the handover applications (absent: no QKD mixing)
     */
    void configureDevices(Map<String, String> handoverSae, String pkiPassword) throws IOException {
        Configuration log = cm.getConfiguration(IDENTITY_LOG_PID, "?");
        log.update(props("logId", "city-" + scenario.name(), "selfId", "city-log", "storageDir", "",
                "crossCheckSeconds", 0));
        configs.add(log);
        for (Node n : scenario.nodes()) {
            if (n.kind() != Scenario.Kind.BASE_STATION) {
                continue;
            }
            String dau = V2xFleet.bsDau(n.id());
            device(dau, "DAU_N", "BASE_STATION");
            Hashtable<String, Object> ep = endpoint(dau);
            String sae = handoverSae.get(n.id());
            if (sae != null) {
                List<String> peers = new ArrayList<>();
                handoverSae.forEach((node, peerSae) -> {
                    if (!node.equals(n.id())) {
                        peers.add(V2xFleet.bsDau(node) + "=" + peerSae);
                    }
                });
                ep.put("qkdNodeId", n.id());
                ep.put("qkdSaeId", sae);
                ep.put("qkdPeerSaeId", peers.toArray(String[]::new));
                ep.put("quantumKeyRequired", true);
            }
            create(ENDPOINT_PID, ep);
        }
        double maxRange = scenario.rsus().stream().mapToDouble(Scenario.Rsu::rangeM).max().orElse(300);
        int i = 0;
        for (Scenario.Rsu r : scenario.rsus()) {
            device(r.id(), "DAU_N", "RSU");
            create(ENDPOINT_PID, endpoint(r.id()));
            create(RADIO_PID, radio(r.id(), r.radio(), true, i, V2xFleet.position(r.x(), r.y()), r.rangeM()));
            stack(r.id(), r.radio(), V2xFleet.rsuStationId(i), STATION_RSU, pkiPassword);
            i++;
        }
        i = 0;
        for (Scenario.Vehicle v : scenario.vehicles()) {
            device(v.id(), "DAU_V", "VEHICLE");
            create(ENDPOINT_PID, endpoint(v.id()));
            create(RADIO_PID, vehicleRadio(v, i, maxRange));
            stack(v.id(), v.radio(), V2xFleet.vehicleStationId(i), STATION_PASSENGER_CAR, pkiPassword);
            i++;
        }
    }

    private void device(String name, String kind, String role) throws IOException {
        Path state = home.resolve("devices").resolve(name);
        create(PUF_PID, props("puf.device", name, "meanBitErrorRate", 0.10, "stateDir", state.toString()));
        create(DAU_PID, props("name", name, "kind", kind, "role", role, "zone", "city", "hardware",
                "city " + role.toLowerCase(java.util.Locale.ROOT) + " " + name, "stateDir", state.toString(),
                "puf.target", "(puf.device=" + name + ")", "measuredBundles", "org.qkdv2i.*"));
    }

    /**
     * A DPN endpoint's configuration. The endpoint matches its DAU and message handlers by name in
     * code; the target filters make SCR hand it only its own (OSGi Compendium 112.6, "target"
     * property of a reference), instead of binding every DAU of the city into every endpoint:
     * 1,050 × 1,050 bind calls at city scale, on ConfigAdmin's one event thread (issue 8).
     */
    static Hashtable<String, Object> endpoint(String dau) {
        String own = "(" + DeviceAuthenticationUnit.NAME + "=" + filterValue(dau) + ")";
        return props("dauName", dau, "host", "127.0.0.1", "port", 0, "rekeySeconds", 0L,
                "sessionSetupTimeoutMillis", 20_000, "maxSessions", 1024,
                "Dau.target", own, "Handler.target", own);
    }

    /** An LDAP filter value with its special characters escaped (RFC 4515 §3 / OSGi Core 3.2.7). */
    static String filterValue(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (char c : v.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The city's in-JVM virtual air (radio.udp's neighbour-directed unicast mode). */
    String air() {
        return "city-" + scenario.name();
    }

    /**
     * A radio on the city's air (radio.udp {@code air} mode: a frame becomes one datagram to each
     * radio of its technology in range, found in a grid, so a city of a thousand radios costs what
     * the radios nearby cost). V2I: vehicles exchange frames with RSUs only ({@code hears=V2I}); V2V
     * is not simulated, which spares every vehicle verifying its neighbours' CAMs.
     */
    private Hashtable<String, Object> radio(String id, Scenario.Radio tech, boolean rsu, int index, String position,
            double rangeM) {
        boolean g5 = tech == Scenario.Radio.ITS_G5;
        Hashtable<String, Object> p = props("radio.id", id, "radio.technology", g5 ? "ITS_G5" : "CV2X_PC5",
                "address", g5 ? String.format("02:00:00:00:%02x:%02x", (index >> 8) & 0xFF, index & 0xFF)
                        : String.format("0x00%04x", index & 0xFFFF),
                "air", air(), "role", rsu ? "RSU" : "VEHICLE", "hears", "V2I", "bind", "127.0.0.1:0",
                "range.m", rangeM, "path.loss", "FREE_SPACE");
        p.put("position", position);
        return p;
    }

    /**
     * A vehicle's radio, placed where its route starts (simulated time 0) before the clock runs: a
     * radio without a place hears, and is heard by, every radio of its technology on the air, which
     * at city scale made each vehicle verify every RSU's CAMs (and each RSU every vehicle's) while
     * the devices were still starting, a backlog the city then started its clock with (issue 8).
     */
    Hashtable<String, Object> vehicleRadio(Scenario.Vehicle v, int index, double rangeM) {
        Mobility.Place start = Mobility.place(v, 0);
        return radio(v.id(), v.radio(), false, 0x100 + index, V2xFleet.position(start.x(), start.y()), rangeM);
    }

    private void stack(String name, Scenario.Radio tech, long stationId, int stationType, String password)
            throws IOException {
        boolean g5 = tech == Scenario.Radio.ITS_G5;
        Path pki = v2xPki();
        create(g5 ? G5_STACK_PID : PC5_STACK_PID, props("v2x.stack", name, "v2x.profile", "EU",
                "radio.target", "(&(radio.technology=" + (g5 ? "ITS_G5" : "CV2X_PC5") + ")(radio.id=" + name + "))",
                "radio.id", name,
                "stationState.target", "(" + org.qkdv2i.v2x.api.adapter.StationStateProvider.STATION + "=" + name + ")",
                "stationId", stationId, "stationType", stationType,
                "security", "SIGNED", "acceptUnsecured", false,
                "signing.certificate", pki.resolve(name + ".ticket.oer").toString(),
                "signing.key", pki.resolve(name + ".ticket.key").toString(),
                ".signing.password", password,
                "trust.roots", new String[] { pki.resolve("root.oer").toString() },
                "trust.certificates", new String[] { pki.resolve("aa.oer").toString() }));
    }

    private Hashtable<String, Object> linkEnd(Link l, boolean alice, String authHex) {
        String self = alice ? l.alice() : l.bob();
        Hashtable<String, Object> p = props("linkId", l.id(), "localNode", self,
                "peerNode", alice ? l.bob() : l.alice(), "role", alice ? "ALICE" : "BOB",
                "quantumHost", "127.0.0.1", "quantumPort", linkPorts.get(l.id()).quantum(),
                "classicalHost", "127.0.0.1", "classicalPort", linkPorts.get(l.id()).classical(),
                "authKeyHex", authHex,
                "stateDir", home.resolve("fso").resolve(self).toString(),
                "distanceM", l.lengthM(),
                "speed", speed);
        scenario.optics().forEach(p::put);
        l.optics().forEach(p::put);
        Object[] w = initialWeather.get(l.id());
        if (alice && w != null) {
            p.put("weather", w[0]);
            p.put("daylight", w[1]);
        }
        return p;
    }

    /** New pacing for every link, both ends (a runtime property of driver.sim.fso: no reconnect). */
    synchronized void changeSpeed(double newSpeed) throws IOException {
        speed = newSpeed;
        for (String id : aliceEnds.keySet()) {
            aliceProps.get(id).put("speed", newSpeed);
            aliceEnds.get(id).update(aliceProps.get(id));
            bobProps.get(id).put("speed", newSpeed);
            bobEnds.get(id).update(bobProps.get(id));
        }
    }

    /**
     * Changes runtime properties of a link's Alice end (weather, daylight, eve*): the driver applies
     * them from its next round without reconnecting.
     */
    synchronized void updateAlice(String linkId, Map<String, Object> changes) throws IOException {
        Hashtable<String, Object> p = aliceProps.get(linkId);
        p.putAll(changes);
        aliceEnds.get(linkId).update(p);
    }

    void initialWeather(List<String> links, String weather, boolean daylight) {
        for (String l : links) {
            initialWeather.put(l, new Object[] { weather, daylight });
        }
    }

    private void tls(String id) throws IOException {
        create(TLS_PID, props("nodeId", id,
                "keyStore", pki().resolve("node-" + id + ".p12").toString(),
                "keyStorePassword", DevPki.DEFAULT_PASSWORD,
                "trustStore", pki().resolve("ca.pem").toString()));
    }

    private Configuration create(String factoryPid, Dictionary<String, Object> props) throws IOException {
        Configuration c = cm.createFactoryConfiguration(factoryPid, "?");
        c.update(props);
        configs.add(c);
        return c;
    }

    static Hashtable<String, Object> props(Object... kv) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    /** Deletes every configuration, newest first (controller and drivers before the KMMs and TLS). */
    @Override
    public void close() {
        List<Configuration> all;
        synchronized (configs) {
            all = new ArrayList<>(configs);
            configs.clear();
        }
        Collections.reverse(all);
        for (Configuration c : all) {
            try {
                c.delete();
            } catch (IOException | IllegalStateException e) {
                // already gone
            }
        }
    }

    /** Sequential ports from a base, or free ephemeral ones (base 0). */
    private static final class Ports {
        private int next;

        Ports(int base) {
            this.next = base;
        }

        int next() {
            if (next > 0) {
                return next++;
            }
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port", e);
            }
        }
    }
}
