package org.qkdv2i.scenario.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.radio.udp.VirtualAirRadio;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.Scenario.Rsu;
import org.qkdv2i.scenario.internal.model.Scenario.Vehicle;
import org.qkdv2i.scenario.internal.sim.Mobility;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The city's V2X side on the real devices (paper Figures 4 and 6): station states for the
 * stacks, vehicle radios moved on the virtual air, DAUs enrolled in the identity log, the serving
 * RSU's DPN session to each vehicle in its range (its exported IEEE 1609.2 PSK registered at both
 * stacks and used once on the air), and the handover of a vehicle's session context between base
 * stations over their quantum-keyed DPN session. Counters come from the stacks.
 *
 * <p>Fast transition (dpn README, IEEE 802.11-2020 §13 style): each base station opens a DPN session
 * to each of its RSUs (it is their R0 key holder); a vehicle's first RSU of a domain does the full
 * post-quantum first contact, the next RSUs of that domain a fast transition (KMAC256 over a PMK-R1
 * from the base station, no ML-DSA / ML-KEM); a handover also sends F a PMK-R0 for its domain over
 * the QKD-keyed E–F session, so F's first RSU is a fast transition too. Counted as full / fast set-ups.
 *
 * <p>Scale: no thread of its own; the engine's tick calls {@link #move} (O(1) per vehicle) and
 * hands session work to its small worker pool; sessions exist only for vehicles an RSU serves.
 */
final class V2xFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(V2xFleet.class);
    /** Where the scenario's (0, 0) lies on the virtual air (any place works; radio.udp measures haversine). */
    static final double LAT0 = 48.137;
    static final double LON0 = 11.575;
    /** radio.udp's mean Earth radius: metres per degree of latitude. */
    static final double M_PER_DEG = 6_371_008.8 * Math.PI / 180;
    /** DPN exporter label of the RSU–vehicle air link's IEEE 1609.2 PSK (dpn README). */
    static final String PSK_LABEL = "v2x-psk";
    /** Exporter label of the handover proof: a hash of it is compared, never the bytes. */
    static final String PROOF_LABEL = "qkdv2i/city/handover-proof";
    /** BTP port of the serving RSU's PSK-protected greeting (a local, non-standard service). */
    static final long SERVING_SERVICE = 3000;
    static final long RETRY_MILLIS = 15_000;
    static final long CONTEXT_TIMEOUT_MILLIS = 20_000;

    private final Scenario scenario;
    private final Devices devices;
    private final Map<String, Integer> vehicleIndex = new LinkedHashMap<>();
    private final Map<String, Integer> rsuIndex = new LinkedHashMap<>();
    private final Map<String, StationSlot> states = new ConcurrentHashMap<>();
    private final List<AutoCloseable> registrations = new ArrayList<>();
    private final Set<String> enrolled = ConcurrentHashMap.newKeySet();
    private final Map<String, Served> serving = new ConcurrentHashMap<>();
    private final Set<String> opening = ConcurrentHashMap.newKeySet();
    /** Each base station's end of its session with another (E>F and F>E are the two ends of one session). */
    private final Map<String, DpnSession> bsSessions = new ConcurrentHashMap<>();
    /** Sessions already keyed once: using one again takes a rekey with a fresh QKD key. */
    private final Set<Long> keyedSessions = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> pairLocks = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<byte[]>> contexts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pskDelivered = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> servingSessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionsOpened = new AtomicLong();
    /** RSU–vehicle set-ups by the full unit authentication / by a fast transition. */
    private final AtomicLong fullSetUps = new AtomicLong();
    private final AtomicLong fastSetUps = new AtomicLong();
    /** Each RSU's session with its base station (opened by the base station: BASE_STATION > RSU). */
    private final Map<String, DpnSession> attached = new ConcurrentHashMap<>();
    /** RSU → when its attachment last failed (System.nanoTime): retried after {@value #RETRY_MILLIS} ms. */
    private final Map<String, Long> attachFailed = new ConcurrentHashMap<>();
    private final AtomicLong sessionFailures = new AtomicLong();
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile boolean allReady;
    /** Counters per kind when the clock started; null before. */
    private volatile Map<String, Report.V2xTotal> atClockStart;

    /** A station's state as its stack reads it (written by the tick, read by the stack's thread). */
    private static final class StationSlot {
        volatile StationState state;
    }

    /** The serving RSU's session with a vehicle and what hangs on it. */
    record Served(String rsu, DpnSession session, List<AutoCloseable> psk, boolean fast) {
        void close() {
            for (AutoCloseable c : psk) {
                try {
                    c.close();
                } catch (Exception e) {
                    // a stack or channel already gone
                }
            }
            session.close();
        }
    }

    /**
     * What a handover over the base stations' DPN session showed.
     *
     * @param quantumKeyId       the KMM's ID of the QKD key mixed into the E–F session (set-up or rekey)
     * @param fastTransitionKey  E sent F the vehicle's PMK-R0 for F's domain over that session
     * @param fastServing        F's RSU opened its session to the vehicle by a fast transition
     */
    record Transfer(String dpnSession, int epoch, boolean quantumKeyed, String fingerprint, boolean sameKey,
            boolean contextDelivered, String servingSession, String quantumKeyId, boolean fastTransitionKey,
            boolean fastServing) {
    }

    V2xFleet(Scenario scenario, Devices devices) {
        this.scenario = scenario;
        this.devices = devices;
        int i = 0;
        for (Rsu r : scenario.rsus()) {
            rsuIndex.put(r.id(), i++);
        }
        i = 0;
        for (Vehicle v : scenario.vehicles()) {
            vehicleIndex.put(v.id(), i++);
        }
    }

    // ------------------------------------------------------------------ names and places

    static String bsDau(String node) {
        return "bs-" + node;
    }

    static long rsuStationId(int index) {
        return 7000 + index;
    }

    static long vehicleStationId(int index) {
        return 1000 + index;
    }

    static int latitude(double y) {
        return (int) Math.round((LAT0 + y / M_PER_DEG) * 1e7);
    }

    static int longitude(double x) {
        return (int) Math.round((LON0 + x / (M_PER_DEG * Math.cos(Math.toRadians(LAT0)))) * 1e7);
    }

    /** {@code lat,lon} in degrees for a radio.udp {@code position}. */
    static String position(double x, double y) {
        return String.format(Locale.ROOT, "%.7f,%.7f", latitude(y) / 1e7, longitude(x) / 1e7);
    }

    /** The ITS station state of a place: speed in 0.01 m/s, heading in 0.1° (TS 102 894-2). */
    static StationState state(long stationId, int type, double x, double y, double headingDeg, double speedMps) {
        int speed = (int) Math.min(16382, Math.round(speedMps * 100));
        int heading = (int) Math.round(headingDeg * 10) % 3600;
        return new StationState(stationId, type, latitude(y), longitude(x), true, speed, heading, Instant.now());
    }

    // ------------------------------------------------------------------ start

    /** Registers the station states (before the stacks start, so none misses them) and the handlers. */
    void start() {
        for (Rsu r : scenario.rsus()) {
            StationSlot s = new StationSlot();
            s.state = state(rsuStationId(rsuIndex.get(r.id())), Deployment.STATION_RSU, r.x(), r.y(), 0, 0);
            states.put(r.id(), s);
            registrations.add(devices.register(StationStateProvider.class, () -> fresh(s.state),
                    Map.of(StationStateProvider.STATION, r.id())));
        }
        for (Vehicle v : scenario.vehicles()) {
            StationSlot s = new StationSlot();
            Mobility.Place p = Mobility.place(v, 0);
            s.state = state(vehicleStationId(vehicleIndex.get(v.id())), Deployment.STATION_PASSENGER_CAR, p.x(), p.y(),
                    p.headingDeg(), 0);
            states.put(v.id(), s);
            registrations.add(devices.register(StationStateProvider.class, () -> fresh(s.state),
                    Map.of(StationStateProvider.STATION, v.id())));
        }
        for (Scenario.Node n : scenario.nodes()) {
            if (n.kind() == Scenario.Kind.BASE_STATION) {
                String dau = bsDau(n.id());
                registrations.add(devices.register(DpnMessageHandler.class, (session, payload) -> context(dau, payload),
                        Map.of(DeviceAuthenticationUnit.NAME, dau)));
            }
        }
        registrations.add(devices.register(V2xMessageListener.class, m -> {
            if (m.security() != null && m.security().protection() == Protection.PSK
                    && m.content() instanceof V2xContent.Payload p && p.serviceId() == SERVING_SERVICE) {
                pskDelivered.computeIfAbsent(m.stackId(), k -> new AtomicLong()).incrementAndGet();
            }
        }, Map.of()));
    }

    private static StationState fresh(StationState s) {
        return new StationState(s.stationId(), s.stationType(), s.latitude(), s.longitude(), s.positionAccurate(),
                s.speed(), s.heading(), Instant.now());
    }

    /** Both DAUs are in the identity log (so a first contact finds their keys). */
    boolean enrolled(String a, String b) {
        return enrolled.contains(a) && enrolled.contains(b);
    }

    /** Every DAU name of the city. */
    List<String> daus() {
        List<String> all = new ArrayList<>();
        scenario.nodes().stream().filter(n -> n.kind() == Scenario.Kind.BASE_STATION).forEach(n -> all.add(bsDau(n.id())));
        scenario.rsus().forEach(r -> all.add(r.id()));
        scenario.vehicles().forEach(v -> all.add(v.id()));
        return all;
    }

    /**
     * Enrols every DAU that is there and not yet in the identity log (the directory the DAUs use for
     * first contacts); true once every DAU is enrolled and every DPN endpoint is registered.
     */
    boolean devicesReady() {
        if (allReady) {
            return true;
        }
        IdentityLog log = devices.identityLog();
        boolean all = true;
        for (String d : daus()) {
            if (!enrolled.contains(d)) {
                DeviceAuthenticationUnit dau = devices.dau(d);
                if (log == null || dau == null) {
                    all = false;
                    continue;
                }
                try {
                    log.enrol(dau.identityRecord());
                    enrolled.add(d);
                } catch (Exception e) {
                    all = false;
                    LOG.info("city {}: DAU {} not enrolled yet: {}", scenario.name(), d, e.getMessage());
                    continue;
                }
            }
            all &= devices.endpoint(d) != null;
        }
        allReady = all;
        return all;
    }

    // ------------------------------------------------------------------ tick work

    /** The vehicle is at {@code p}: its stack's state and its radio's place on the virtual air. */
    void move(Vehicle v, Mobility.Place p) {
        StationSlot s = states.get(v.id());
        if (s == null) {
            return;
        }
        StationState st = state(s.state.stationId(), s.state.stationType(), p.x(), p.y(), p.headingDeg(), p.speedMps());
        s.state = st;
        VirtualAirRadio r = devices.radio(v.id());
        if (r != null) {
            r.updatePosition(st);
        }
    }

    /** The RSU serving the vehicle now, or null (out of coverage: its session is closed). */
    String servingRsu(String vehicle) {
        Served s = serving.get(vehicle);
        return s == null ? null : s.rsu();
    }

    /** Whether a serving session must be opened (the RSU changed, or the last one closed). */
    boolean needsSession(String vehicle, Rsu rsu) {
        Served s = serving.get(vehicle);
        return rsu != null && (s == null || !s.rsu().equals(rsu.id()) || !s.session().isOpen())
                && !opening.contains(vehicle);
    }

    /** Out of coverage: the serving session and its PSK registrations end. */
    void leave(String vehicle) {
        Served s = serving.remove(vehicle);
        if (s != null) {
            s.close();
        }
    }

    /**
     * The RSU opens a DPN session to the vehicle (RSU > VEHICLE in the DPN policy), both export the
     * air link's PSK (dpn README: {@code exportKey("v2x-psk", 16)}), register it at their stacks and
     * the RSU greets the vehicle under it on the virtual air; the previous serving session closes.
     * Returns the session ID (hex) or null when it could not be opened (the next tick retries).
     */
    String serve(Vehicle v, Rsu rsu) {
        if (closed || !opening.add(v.id())) {
            return null;
        }
        try {
            Served before = serving.get(v.id());
            if (before != null && before.rsu().equals(rsu.id()) && before.session().isOpen()) {
                return hex(before.session().sessionId());
            }
            DpnEndpoint re = devices.endpoint(rsu.id());
            DpnEndpoint ve = devices.endpoint(v.id());
            if (re == null || ve == null || !enrolled(rsu.id(), v.id())) {
                return null; // not up yet: the tick asks again
            }
            attach(rsu, re);
            DpnSession s;
            try {
                s = re.connect(ve.listenAddress(), ve.deviceId());
            } catch (DpnException e) {
                fail(v.id(), "DPN session " + rsu.id() + " → " + v.id() + " not opened: " + e.reason() + ": "
                        + e.getMessage());
                return null;
            }
            sessionsOpened.incrementAndGet();
            (s.fastTransition() ? fastSetUps : fullSetUps).incrementAndGet();
            servingSessions.computeIfAbsent(rsu.id(), k -> new AtomicLong()).incrementAndGet();
            List<AutoCloseable> psk = airLink(v, rsu, s, ve);
            Served now = new Served(rsu.id(), s, psk, s.fastTransition());
            Served old = serving.put(v.id(), now);
            if (old != null) {
                old.close();
            }
            lastFailure.remove(v.id());
            LOG.info("city {}: {} serves {}: DPN session {} ({}){}", scenario.name(), rsu.id(), v.id(),
                    hex(s.sessionId()), s.fastTransition() ? "fast transition" : "full unit authentication",
                    psk.isEmpty() ? " (air link PSK not registered: stacks not there)" : ", air link PSK registered");
            return hex(s.sessionId());
        } finally {
            opening.remove(v.id());
        }
    }

    /**
     * The RSU's base station opens its DPN session to it once (a first contact), so the RSU has its R0
     * key holder for fast transitions; a failure only means full set-ups for that RSU (logged once).
     */
    private void attach(Rsu rsu, DpnEndpoint re) {
        DpnSession a = attached.get(rsu.id());
        if (a != null && a.isOpen()) {
            return;
        }
        Long failedAt = attachFailed.get(rsu.id());
        if (failedAt != null && System.nanoTime() - failedAt < TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS)) {
            return; // not on every serve: a set-up that fails may take the whole set-up timeout
        }
        String bs = bsDau(rsu.baseStation());
        DpnEndpoint be = devices.endpoint(bs);
        if (be == null || !enrolled(bs, rsu.id())) {
            return;
        }
        try {
            DpnSession s = be.connect(re.listenAddress(), re.deviceId());
            attached.put(rsu.id(), s);
            await(re, s.sessionId()); // the RSU's end is registered: its R0 key holder from now on
            attachFailed.remove(rsu.id());
        } catch (DpnException e) {
            if (attachFailed.put(rsu.id(), System.nanoTime()) == null) {
                LOG.info("city {}: {} not attached to {} (its RSU–vehicle set-ups are full ones until it is): {}: {}",
                        scenario.name(), rsu.id(), bs, e.reason(), e.getMessage());
            }
        }
    }

    /** Registers the session's exported PSK at the RSU's and the vehicle's stacks; sends one greeting. */
    private List<AutoCloseable> airLink(Vehicle v, Rsu rsu, DpnSession atRsu, DpnEndpoint ve) {
        List<AutoCloseable> out = new ArrayList<>();
        MessageProtection mp = devices.protection();
        V2xStack rs = devices.stack(rsu.id());
        V2xStack vs = devices.stack(v.id());
        DpnSession atVehicle = await(ve, atRsu.sessionId());
        if (mp == null || rs == null || vs == null || atVehicle == null) {
            return out;
        }
        byte[] a = atRsu.exportKey(PSK_LABEL, 16);
        byte[] b = atVehicle.exportKey(PSK_LABEL, 16);
        try {
            ProtectedChannel rc = mp.ieee1609Psk(a, ChannelOptions.datagram("v2i", Clock.systemUTC()));
            out.add(rc);
            ProtectedChannel vc = mp.ieee1609Psk(b, ChannelOptions.datagram("v2i", Clock.systemUTC()));
            out.add(vc);
            out.add(rs.registerPsk(a, rc));
            out.add(vs.registerPsk(b, vc));
            rs.sendPayload(SERVING_SERVICE, ("serving " + v.id() + " by " + rsu.id()).getBytes(StandardCharsets.UTF_8),
                    1, Security.psk(rc));
        } catch (Exception | Error e) {
            fail(v.id(), "air link PSK of " + rsu.id() + " → " + v.id() + ": " + e);
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
        return out;
    }

    /** The responder's end of a session (registered by its endpoint once key confirmation is done). */
    private static DpnSession await(DpnEndpoint e, long sessionId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (DpnSession s : e.sessions()) {
                if (s.sessionId() == sessionId) {
                    return s;
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5); // polling the responder's session table with a deadline
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ handover (paper Figure 6)

    /**
     * E's base station sends the vehicle's session context to F over their DPN session, which is
     * quantum-keyed: opened with a QKD key from the KMMs mixed in, or rekeyed with a fresh one when
     * it is already open (relayed by the KMMs when E and F are not neighbours). F's handler gets the
     * context; both ends hash the same exporter output (equal hashes = the same session keys, hence
     * the same QKD key); then F's RSU opens its session to the vehicle.
     */
    Transfer transfer(Vehicle v, String from, String to, Rsu rsuTo) throws DpnException, TimeoutException {
        DpnEndpoint ef = devices.endpoint(bsDau(from));
        DpnEndpoint et = devices.endpoint(bsDau(to));
        if (ef == null || et == null) {
            throw new DpnException(DpnException.Reason.UNREACHABLE, "DPN endpoint of "
                    + bsDau(ef == null ? from : to) + " is not there");
        }
        // one transfer at a time per pair of base stations: its rekey, context and proof belong together
        synchronized (pairLocks.computeIfAbsent(from.compareTo(to) < 0 ? from + "|" + to : to + "|" + from,
                k -> new Object())) {
            return transferLocked(v, from, to, rsuTo, ef, et);
        }
    }

    private Transfer transferLocked(Vehicle v, String from, String to, Rsu rsuTo, DpnEndpoint ef, DpnEndpoint et)
            throws DpnException, TimeoutException {
        DpnSession s = quantumKeyed(from, to, ef, et);
        Served served = serving.get(v.id());
        String context = "qkdv2i-handover/v1;vehicle=" + v.id() + ";from=" + from + ";to=" + to + ";rsu=" + rsuTo.id()
                + ";radio=" + v.radio() + ";session=" + (served == null ? "-" : hex(served.session().sessionId()));
        byte[] sent = context.getBytes(StandardCharsets.UTF_8);
        // the vehicle's PMK-R0 for F's domain goes first on the same session, so F holds it once the context is in
        boolean ftKey = false;
        DpnEndpoint ve = devices.endpoint(v.id());
        if (ve != null) {
            try {
                ftKey = ef.transferFastTransition(ve.deviceId(), s);
            } catch (DpnException e) {
                LOG.info("city {}: PMK-R0 of {} not sent {} → {}: {}", scenario.name(), v.id(), from, to, e.getMessage());
            }
        }
        CompletableFuture<byte[]> got = new CompletableFuture<>();
        contexts.put(bsDau(to) + "|" + v.id(), got);
        byte[] received;
        try {
            s.send(sent);
            received = got.get(CONTEXT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            contexts.remove(bsDau(to) + "|" + v.id());
        }
        DpnSession atTo = await(et, s.sessionId());
        byte[] fpFrom = proof(s);
        byte[] fpTo = atTo == null ? new byte[0] : proof(atTo);
        boolean same = atTo != null && MessageDigest.isEqual(fpFrom, fpTo) && s.epoch() == atTo.epoch();
        boolean qk = s.quantumKeyed() && atTo != null && atTo.quantumKeyed();
        String servingSession = serve(v, rsuTo);
        Served now = serving.get(v.id());
        boolean fastServing = servingSession != null && now != null && now.rsu().equals(rsuTo.id()) && now.fast();
        return new Transfer(hex(s.sessionId()), s.epoch(), qk, HexFormat.of().formatHex(fpFrom, 0,
                Math.min(16, fpFrom.length)), same, Arrays.equals(sent, received), servingSession,
                s.quantumKeyId().orElse(null), ftKey, fastServing);
    }

    /**
     * E's end of the base stations' session, with a QKD key not used before: a new session mixes one
     * at set-up; one that carried a handover already (in either direction: {@code connect} returns
     * the open session with that peer, whoever opened it) is rekeyed, which mixes a fresh one.
     * Retried for up to {@value #RETRY_MILLIS} ms while the KMMs have no key yet.
     */
    private DpnSession quantumKeyed(String from, String to, DpnEndpoint ef, DpnEndpoint et) throws DpnException {
        String pair = from + ">" + to;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
        while (true) {
            try {
                DpnSession s = bsSessions.get(pair);
                if (s == null || !s.isOpen()) {
                    s = ef.connect(et.listenAddress(), et.deviceId());
                    bsSessions.put(pair, s);
                }
                if (!keyedSessions.add(s.sessionId())) {
                    s.rekey(); // epoch e+1 mixes a fresh QKD key (dpn README, Keys)
                } else if (s.epoch() == 0) {
                    sessionsOpened.incrementAndGet(); // epoch 0 mixed one at set-up
                } else {
                    s.rekey();
                }
                return s;
            } catch (DpnException e) {
                if (closed || System.nanoTime() > deadline || e.reason() == DpnException.Reason.POLICY_DENIED
                        || e.reason() == DpnException.Reason.REVOKED) {
                    throw e;
                }
                try {
                    Thread.sleep(250); // back-off while the KMM has no key yet, not synchronisation
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static byte[] proof(DpnSession s) {
        byte[] x = s.exportKey(PROOF_LABEL, 32);
        try {
            return MessageDigest.getInstance("SHA-256").digest(x);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(x, (byte) 0);
        }
    }

    /** A base station's DPN handler: a handover context for one of its vehicles arrived (hand off at once). */
    private void context(String dau, byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        int at = text.indexOf(";vehicle=");
        if (!text.startsWith("qkdv2i-handover/v1;") || at < 0) {
            LOG.info("city {}: {} got a DPN message that is not a handover context ({} bytes)", scenario.name(), dau,
                    payload.length);
            return;
        }
        int end = text.indexOf(';', at + 1);
        String vehicle = text.substring(at + 9, end < 0 ? text.length() : end);
        CompletableFuture<byte[]> f = contexts.get(dau + "|" + vehicle);
        if (f != null) {
            f.complete(payload.clone());
        }
    }

    // ------------------------------------------------------------------ counters

    /** Per RSU and vehicle, in scenario order; a stack not there counts zero. */
    List<Report.V2xCount> counts() {
        List<Report.V2xCount> out = new ArrayList<>();
        for (Rsu r : scenario.rsus()) {
            out.add(count(r.id(), "RSU", r.radio().name()));
        }
        for (Vehicle v : scenario.vehicles()) {
            out.add(count(v.id(), "VEHICLE", v.radio().name()));
        }
        return out;
    }

    private Report.V2xCount count(String id, String kind, String tech) {
        V2xStack s = devices.stack(id);
        StackStatistics st = null;
        try {
            st = s == null ? null : s.statistics();
        } catch (RuntimeException e) {
            // the stack is going away
        }
        long psk = pskDelivered.getOrDefault(id, new AtomicLong()).get();
        long sessions = servingSessions.getOrDefault(id, new AtomicLong()).get();
        return st == null ? new Report.V2xCount(id, kind, tech, 0, 0, 0, 0, Map.of(), psk, sessions)
                : new Report.V2xCount(id, kind, tech, st.sent(), st.received(), st.delivered(), st.refused(),
                        st.refusedBy(), psk, sessions);
    }

    /** The stations' counters now, summed per kind (RSU, VEHICLE). */
    static Map<String, Report.V2xTotal> byKind(List<Report.V2xCount> counts, double wallSeconds) {
        Map<String, Report.V2xTotal> out = new LinkedHashMap<>();
        for (Report.V2xCount c : counts) {
            Report.V2xTotal t = out.getOrDefault(c.kind(),
                    new Report.V2xTotal(c.kind(), 0, wallSeconds, 0, 0, 0, 0, Map.of()));
            Map<String, Long> by = new TreeMap<>(t.refusedBy());
            c.refusedBy().forEach((k, n) -> by.merge(k, n, Long::sum));
            out.put(c.kind(), new Report.V2xTotal(c.kind(), t.stations() + 1, wallSeconds, t.sent() + c.sent(),
                    t.received() + c.received(), t.delivered() + c.delivered(), t.refused() + c.refused(), by));
        }
        return out;
    }

    /** {@code now} minus {@code before}, per kind: what the stations did in between. */
    static List<Report.V2xTotal> since(Map<String, Report.V2xTotal> before, Map<String, Report.V2xTotal> now) {
        List<Report.V2xTotal> out = new ArrayList<>();
        for (Report.V2xTotal n : now.values()) {
            Report.V2xTotal b = before.getOrDefault(n.kind(), new Report.V2xTotal(n.kind(), 0, 0, 0, 0, 0, 0, Map.of()));
            Map<String, Long> by = new TreeMap<>(n.refusedBy());
            b.refusedBy().forEach((k, x) -> by.merge(k, -x, Long::sum));
            by.values().removeIf(x -> x == 0);
            out.add(new Report.V2xTotal(n.kind(), n.stations(), n.wallSeconds() - b.wallSeconds(), n.sent() - b.sent(),
                    n.received() - b.received(), n.delivered() - b.delivered(), n.refused() - b.refused(), by));
        }
        return out;
    }

    /** Remembers the counters as the clock starts: the report's "while playing" is measured from here. */
    void clockStarted(double wallSeconds) {
        atClockStart = byKind(counts(), wallSeconds);
    }

    /** What the stations did from the clock's start to now ({@code wallSeconds} since the engine's start). */
    List<Report.V2xTotal> whilePlaying(double wallSeconds) {
        Map<String, Report.V2xTotal> start = atClockStart;
        return start == null ? List.of() : since(start, byKind(counts(), wallSeconds));
    }

    /** V2X messages: every message a stack received, verified and delivered. */
    long messages() {
        long n = 0;
        for (Report.V2xCount c : counts()) {
            n += c.delivered();
        }
        return n;
    }

    long sessionsOpened() {
        return sessionsOpened.get();
    }

    /** RSU–vehicle DPN set-ups by the full (post-quantum or KMAC) unit authentication. */
    long fullSetUps() {
        return fullSetUps.get();
    }

    /** RSU–vehicle DPN set-ups by a fast transition (no unit authentication). */
    long fastSetUps() {
        return fastSetUps.get();
    }

    long sessionFailures() {
        return sessionFailures.get();
    }

    private void fail(String vehicle, String why) {
        sessionFailures.incrementAndGet();
        if (!why.equals(lastFailure.put(vehicle, why))) {
            LOG.info("city {}: {}", scenario.name(), why);
        }
    }

    static String hex(long id) {
        return String.format("%016x", id);
    }

    @Override
    public void close() {
        closed = true;
        serving.values().forEach(Served::close);
        serving.clear();
        bsSessions.values().forEach(DpnSession::close);
        bsSessions.clear();
        attached.values().forEach(DpnSession::close);
        attached.clear();
        for (AutoCloseable r : registrations) {
            try {
                r.close();
            } catch (Exception e) {
                // already gone
            }
        }
        registrations.clear();
        devices.close();
    }
}
