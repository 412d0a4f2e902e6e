package org.qkdv2i.scenario.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.api.Provisioned;
import org.qkdv2i.scenario.api.ScenarioException;
import org.qkdv2i.scenario.api.ScenarioException.Reason;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.Scenario.App;
import org.qkdv2i.scenario.internal.model.Scenario.AttackStep;
import org.qkdv2i.scenario.internal.model.Scenario.Link;
import org.qkdv2i.scenario.internal.model.Scenario.Rsu;
import org.qkdv2i.scenario.internal.model.Scenario.Sae;
import org.qkdv2i.scenario.internal.model.Scenario.Vehicle;
import org.qkdv2i.scenario.internal.model.Scenario.WeatherStep;
import org.qkdv2i.scenario.internal.sim.AttackEvent;
import org.qkdv2i.scenario.internal.sim.DriverSchedules;
import org.qkdv2i.scenario.internal.sim.LinkLag;
import org.qkdv2i.scenario.internal.sim.Mobility;
import org.qkdv2i.scenario.internal.sim.SimClock;
import org.qkdv2i.scenario.internal.sim.Timeline;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one scenario on the real parts: configures them ({@link Deployment}), waits until every
 * link delivers key and the applications are provisioned through the SDN controller, then starts
 * the simulated clock and, every tick, applies the weather and attack timelines (ConfigAdmin
 * updates of the drivers' Alice ends), moves the vehicles, hands their sessions over between base
 * stations with a relayed QKD key, draws the applications' keys, and turns what the KMMs and the
 * relay routes show into {@link CityEvent}s. The physics (rates, QBER, losses) is the drivers'.
 */
final class CityEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CityEngine.class);
    static final long TICK_MILLIS = 200;
    /** Longest wait for the network before the clock starts anyway. */
    static final long READY_TIMEOUT_MILLIS = 180_000;
    static final long RETRY_SECONDS = 15;
    /**
     * Longest wall time a timeline change waits for its link's physics to reach its simulated time;
     * then it applies anyway and the report says so (a driver whose rounds stalled for good must not
     * hold the story).
     */
    static final long MAX_DEFER_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** Wall seconds over which the live physics speed is measured. */
    static final double PHYSICS_WINDOW_S = 10;

    private final BundleContext context;
    private final Scenario scenario;
    private final Services services;
    /** Simulated seconds per wall second; changed live by {@link #changeSpeed}. */
    private volatile double speed;
    private final Path home;
    private final Deployment deployment;
    private final EventLog events;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "city-tick"));
    private final ExecutorService work = Executors.newFixedThreadPool(3, r -> thread(r, "city-work"));
    private final Instant origin = Instant.now();
    private final long createdNanos = System.nanoTime();
    private volatile SimClock clock;
    private volatile double readyAfter = Double.NaN;
    private volatile double devicesReadyAfter = Double.NaN;
    private volatile boolean closed;
    private volatile Northbound northbound;
    private final java.util.function.DoubleFunction<SimClock> clocks;
    private final Controller controller;
    private final V2xFleet fleet;

    // ---- the clock against the links' physics (see tickOnce: why the clock is not held back)
    private final LinkLag lagSource;
    /** Longest round of any link (scenario optics, driver.sim.fso default 1 s): the lag pacing explains. */
    private final double roundS;
    /** Per link, timeline changes waiting for its physics to reach their time (tick thread only). */
    private final Map<String, java.util.ArrayDeque<Deferred>> deferred = new HashMap<>();
    private volatile int eventsWaiting;
    private volatile Map<String, Double> linkLag = Map.of();
    private final Map<String, Double> peakLagByLink = new ConcurrentHashMap<>();
    private volatile double lagNow;
    private volatile String slowestLink;
    private volatile double peakLag;
    private volatile String peakLagLink;
    private volatile double peakLagAt;
    private volatile double behindS;
    private volatile double clockSpeed = Double.NaN;
    private volatile double maxHeld;
    private volatile double ahead;
    /** The hold the drivers were told last, and when (tick thread). */
    private double holdTold;
    private long holdToldNanos;
    private volatile double maxAhead;
    /** Per link, its lag behind the requested-speed clock (the drivers' schedules), last tick. */
    private volatile Map<String, Double> rawLag = Map.of();
    private volatile long begunNanos;
    private final java.util.ArrayDeque<double[]> physicsSamples = new java.util.ArrayDeque<>(); // {wall s, physics t}
    private final AtomicInteger eventsDeferred = new AtomicInteger();
    private volatile double maxDeferral;

    /** How far the clock is held back behind the requested speed (simulated s; see tickOnce). */
    private volatile double held;

    /**
     * The engine's clock: the requested-speed clock minus what it is held back for the slowest
     * link ({@link #held}); never runs backwards.
     */
    private final class HeldClock implements SimClock {
        final SimClock raw;
        private double last = Double.NEGATIVE_INFINITY;

        HeldClock(SimClock raw) {
            this.raw = raw;
        }

        @Override
        public synchronized double now() {
            last = Math.max(last, raw.now() - held);
            return last;
        }

        @Override
        public double speed() {
            return raw.speed();
        }
    }

    /** A timeline change for one link, applied once the link's physics reaches {@code atS}. */
    private record Deferred(double atS, double queuedAtS, long queuedNanos, String what, Runnable apply) {
    }

    /** Provisions an application at the SDN controller (its northbound API; a fake in tests). */
    interface Controller {
        void provision(String appId, String serverSae, String serverNode, String clientSae, String clientNode,
                int priority) throws Northbound.NorthboundException;
    }

    // ---- state (written by the tick thread unless noted; read by views)
    private final Timeline<WeatherStep> weatherLine;
    private final Timeline<AttackEvent> attackLine;
    private volatile String weather = "CLEAR";
    private volatile boolean daylight;
    private final Map<String, String> linkWeather = new ConcurrentHashMap<>();
    private final Map<String, String> attacks = new ConcurrentHashMap<>(); // link -> attack
    /** The last attack started on each link: a detection may come after Eve left (the drivers run behind). */
    private final Map<String, String> lastAttacks = new ConcurrentHashMap<>();
    private final Map<String, String> linkStates = new ConcurrentHashMap<>();
    private final Map<String, List<String>> appPaths = new ConcurrentHashMap<>();
    private final Map<String, String> appStatus = new ConcurrentHashMap<>();
    private final Map<String, App> apps = new LinkedHashMap<>();
    /** Applications provisioned from the console (shown and followed like the scenario's). */
    private final List<App> consoleAppList = new CopyOnWriteArrayList<>();
    private final Map<String, Double> keyCredit = new HashMap<>();
    private final Set<String> drawing = ConcurrentHashMap.newKeySet();
    private final Map<String, VehicleState> vehicles = new LinkedHashMap<>();
    private final Map<Scenario.Radio, List<Rsu>> rsusByRadio = new java.util.EnumMap<>(Scenario.Radio.class);
    /** Vehicles whose serving session is being opened (at most one task each). */
    private final Set<String> serving = ConcurrentHashMap.newKeySet();
    private final Set<String> activeAlarms = ConcurrentHashMap.newKeySet();
    private final AtomicLong keysDelivered = new AtomicLong();
    private final AtomicLong keysRelayed = new AtomicLong();
    private final AtomicLong handoverCount = new AtomicLong();
    private final AtomicLong alarms = new AtomicLong();
    private final AtomicLong keyFailures = new AtomicLong();
    private volatile long v2xMessagesShown;
    private double lastTick;
    private final AtomicInteger consoleApps = new AtomicInteger();
    private final List<Report.Handover> handovers = new CopyOnWriteArrayList<>();
    private final List<Report.Reroute> reroutes = new CopyOnWriteArrayList<>();
    private final List<Report.Detection> detections = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Map<String, String> failingApps = new ConcurrentHashMap<>();

    /** A vehicle's place and session now. */
    private static final class VehicleState {
        final Vehicle v;
        volatile Mobility.Place place;
        volatile Rsu rsu;
        volatile Rsu lastRsu;
        volatile String sessionBs;
        volatile boolean handingOver;

        VehicleState(Vehicle v) {
            this.v = v;
        }
    }

    CityEngine(BundleContext context, ConfigurationAdmin cm, Scenario scenario, Services services, double speed,
            Path home, int portsBase, long controllerPollMillis) {
        this(context, cm, scenario, services, speed, home, portsBase, controllerPollMillis, SimClock::wall, null,
                new OsgiDevices(context));
    }

    CityEngine(BundleContext context, ConfigurationAdmin cm, Scenario scenario, Services services, double speed,
            Path home, int portsBase, long controllerPollMillis, java.util.function.DoubleFunction<SimClock> clocks,
            Controller controller, Devices devices) {
        this(context, cm, scenario, services, speed, home, portsBase, controllerPollMillis, clocks, controller, devices,
                context == null ? LinkLag.NONE : new DriverSchedules(context));
    }

    /**
     * @param clocks     the simulated clock, started with the story (tests inject a manual one)
     * @param controller null: the SDN controller's northbound API with the engine's operator identity
     * @param devices    the DAUs, DPN endpoints, radios and stacks the engine configures (fakes in tests)
     * @param lag        how far each link's driver is behind the clock (the drivers' schedules; fakes in tests)
     */
    CityEngine(BundleContext context, ConfigurationAdmin cm, Scenario scenario, Services services, double speed,
            Path home, int portsBase, long controllerPollMillis, java.util.function.DoubleFunction<SimClock> clocks,
            Controller controller, Devices devices, LinkLag lag) {
        this.lagSource = lag;
        this.roundS = java.util.stream.Stream.concat(java.util.stream.Stream.of(scenario.optics()),
                scenario.links().stream().map(Link::optics)).map(o -> o.get("roundSeconds"))
                .filter(Number.class::isInstance).mapToDouble(o -> ((Number) o).doubleValue()).max().orElse(1.0);
        this.clocks = clocks;
        this.controller = controller;
        this.context = context;
        this.scenario = scenario;
        this.services = services;
        this.speed = speed;
        this.home = home;
        this.deployment = new Deployment(cm, scenario, home, speed, portsBase, controllerPollMillis);
        this.events = new EventLog(() -> services.listeners);
        this.fleet = new V2xFleet(scenario, devices);
        this.weatherLine = new Timeline<>(scenario.weather(), WeatherStep::atS);
        this.attackLine = new Timeline<>(AttackEvent.of(scenario.attacks()), AttackEvent::atS);
        scenario.apps().forEach(a -> apps.put(a.id(), a));
        scenario.vehicles().forEach(v -> vehicles.put(v.id(), new VehicleState(v)));
        scenario.links().forEach(l -> linkWeather.put(l.id(), "CLEAR"));
        for (Scenario.Radio r : Scenario.Radio.values()) {
            rsusByRadio.put(r, scenario.rsus().stream().filter(x -> x.radio() == r).toList());
        }
        scenario.vehicles().forEach(v -> vehicles.get(v.id()).place = Mobility.place(v, 0));
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Changes the speed live (CityComponent's @Modified): the clock runs on from where it is at the
     * new rate and every link's driver paces its rounds to it (driver.sim.fso applies {@code speed}
     * without reconnecting). On the tick thread, after the set-up.
     */
    void changeSpeed(double newSpeed) {
        tick.execute(() -> {
            double was = speed;
            speed = newSpeed;
            SimClock c = clock;
            if (c != null) {
                // the clock runs on from where it is (held or not) and the drivers pace from now with it
                held = 0;
                clock = new HeldClock(SimClock.from(c.now(), newSpeed));
            }
            try {
                deployment.changeSpeed(newSpeed);
                if (c != null) {
                    repaceDrivers();
                }
            } catch (java.io.IOException | IllegalStateException e) {
                LOG.warn("city {}: drivers keep speed {}: {}", scenario.name(), was, e.toString());
            }
            LOG.info("city {}: speed {} -> {} (live)", scenario.name(), was, newSpeed);
        });
    }

    String name() {
        return scenario.name();
    }

    /** Sets the city up in the background; the clock starts once the network is ready. */
    void start() {
        tick.execute(this::setUp);
    }

    // ------------------------------------------------------------------ set-up

    private void setUp() {
        try {
            deployment.pkiInit();
            // the first timeline weather (at 0 s) is already in the drivers' first configuration
            for (WeatherStep w : weatherLine.advance(0)) {
                applyWeatherProps(w, false);
            }
            deployment.configureAll();
            // the station states and DPN handlers before the stacks and endpoints, so none misses them
            fleet.start();
            long cpu = threadCpu();
            char[] password = new char[32];
            for (int i = 0; i < password.length; i++) {
                password[i] = Character.forDigit(random.nextInt(16), 16);
            }
            try {
                deployment.v2xPkiInit(password);
                deployment.configureDevices(handoverSaes(), new String(password));
            } finally {
                Arrays.fill(password, '\0');
            }
            LOG.info("city {}: {} nodes, {} FSO links, {} SAEs, {} RSUs, {} vehicles configured in {} (V2X dev PKI {} ms"
                    + " CPU); controller northbound port {}", scenario.name(), scenario.nodes().size(),
                    scenario.links().size(), scenario.saes().size(), scenario.rsus().size(), scenario.vehicles().size(),
                    home, (threadCpu() - cpu) / 1_000_000, deployment.controllerPort);
        } catch (Exception e) {
            problem("set-up failed: " + e);
            LOG.error("city {}: set-up failed: {}", scenario.name(), e.toString());
            return;
        }
        tick.schedule(this::awaitReady, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static long threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
    }

    /** Per base station node, its SAE of the handover applications (the one its DPN endpoint mixes QKD keys for). */
    Map<String, String> handoverSaes() {
        Map<String, String> out = new LinkedHashMap<>();
        for (App a : apps.values()) {
            if (a.handover()) {
                Sae m = scenario.sae(a.master()).orElseThrow();
                Sae s = scenario.sae(a.slave()).orElseThrow();
                out.putIfAbsent(m.node(), m.id());
                out.putIfAbsent(s.node(), s.id());
            }
        }
        return out;
    }

    private double wallSeconds() {
        return (System.nanoTime() - createdNanos) / 1e9;
    }

    /** Polled until every KMM is there, every link has been UP once and the applications are provisioned. */
    private void awaitReady() {
        if (closed) {
            return;
        }
        boolean timeout = wallSeconds() * 1000 > READY_TIMEOUT_MILLIS;
        try {
            pollLinks(0, false);
            boolean kmms = scenario.nodes().stream().allMatch(n -> services.kmms.containsKey(n.id()));
            boolean linksUp = kmms && scenario.links().stream().allMatch(l -> linkStates.containsKey(l.id())
                    && usable(linkStates.get(l.id())));
            // the devices too (DAUs enrolled, DPN endpoints listening): vehicles that drove past their
            // first RSU before its devices were up would miss the story's serving sessions
            devices();
            linksUp &= !Double.isNaN(devicesReadyAfter);
            if (linksUp || timeout) {
                if (provisionAll() || timeout) {
                    begin(timeout);
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("city {}: while waiting for the network: {}", scenario.name(), e.toString());
        }
        tick.schedule(this::awaitReady, 500, TimeUnit.MILLISECONDS);
    }

    private static boolean usable(String state) {
        return "UP".equals(state) || "DEGRADED".equals(state);
    }

    private final Set<String> provisioned = ConcurrentHashMap.newKeySet();

    /** Provisions every application not yet provisioned; true when all are. */
    private boolean provisionAll() {
        Controller nb = controller;
        if (nb == null) {
            Northbound n = northbound();
            if (n == null) {
                return false;
            }
            nb = (id, ss, sn, cs, cn, prio) -> n.provision(id, ss, sn, cs, cn, prio);
        }
        for (App a : apps.values()) {
            if (provisioned.contains(a.id())) {
                continue;
            }
            Sae m = scenario.sae(a.master()).orElseThrow();
            Sae s = scenario.sae(a.slave()).orElseThrow();
            try {
                nb.provision(a.id(), m.id(), m.node(), s.id(), s.node(), a.priority());
                provisioned.add(a.id());
                LOG.info("city {}: application {} provisioned ({} at {} -> {} at {})", scenario.name(), a.id(), m.id(),
                        m.node(), s.id(), s.node());
            } catch (Northbound.NorthboundException e) {
                if (e.status == 409) {
                    provisioned.add(a.id()); // already there (a retry after a lost answer)
                } else {
                    LOG.info("city {}: application {} not provisioned yet: {}", scenario.name(), a.id(), e.getMessage());
                    return false;
                }
            }
        }
        // the relay paths must be in place at the nodes before keys are drawn over them
        for (App a : apps.values()) {
            if (path(a).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private Northbound northbound() {
        Northbound nb = northbound;
        if (nb != null) {
            return nb;
        }
        NodeTls operator = services.tls.get(Deployment.OPERATOR_ID);
        if (operator == null) {
            return null;
        }
        try {
            nb = new Northbound(operator, deployment.controllerPort);
        } catch (Exception e) {
            LOG.warn("city {}: northbound client: {}", scenario.name(), e.toString());
            return null;
        }
        northbound = nb;
        return nb;
    }

    private void begin(boolean timeout) {
        readyAfter = wallSeconds();
        begunNanos = System.nanoTime();
        fleet.clockStarted(readyAfter);
        clock = new HeldClock(clocks.apply(speed));
        repaceDrivers();
        lastTick = 0;
        for (App a : apps.values()) {
            appPaths.put(a.id(), path(a));
        }
        String text = timeout
                ? "started after " + Math.round(readyAfter) + " s without the whole network: links " + linkStates
                : "network ready after " + String.format(Locale.ROOT, "%.1f", readyAfter) + " s (wall): "
                        + scenario.links().size() + " FSO links up, " + apps.size() + " applications provisioned, "
                        + fleet.daus().size() + " devices enrolled (after " + String.format(Locale.ROOT, "%.1f",
                                devicesReadyAfter) + " s)";
        if (timeout) {
            problem(text);
        }
        publish(0, CityEvent.WEATHER, "city", "scenario " + scenario.name() + " " + text + "; weather "
                + weather.toLowerCase(Locale.ROOT).replace('_', ' ') + (daylight ? " by day" : " at night"));
        tick.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ tick

    private void tickSafely() {
        if (closed) {
            return;
        }
        try {
            tickOnce();
        } catch (RuntimeException e) {
            LOG.warn("city {}: tick failed: {}", scenario.name(), e.toString());
        }
    }

    /*
     * The clock and the drivers. Each simulated link's Alice paces her rounds to the requested speed
     * on her own; the story's start re-bases them all (paceEpoch), so from then on her schedule is
     * the requested-speed clock. Under load the rounds (sifting, Cascade, privacy amplification)
     * fall behind it; the drivers publish how far (DriverSchedules) and the engine:
     * (1) holds its clock back (back-pressure): never more than lagTolerance() (about two rounds)
     *     ahead of the slowest link's physics, so vehicles, handovers, key draws and the timeline
     *     run at the speed the physics manages, and the pools and rates shown at t are the links'
     *     of t (within the tolerance); the requested speed is kept as the target: a link that
     *     catches up lets the clock run up to it again;
     * (2) applies each timeline weather/attack change to a link when that link's physics reaches
     *     the change's time, so fog and Eve start at their time as each link sees it (a link
     *     slower than the others by less than the tolerance would otherwise get it early);
     * (3) reports it: the summary line (BEHIND), the view (console) and the final report.
     * Links faster than the slowest would run on at the requested speed, ahead of a held clock by
     * the spread between the links' lags (large under load: fogged or attacked links' rounds are
     * cheap), and get timeline changes that much late in their own time; so the engine tells every
     * Alice the hold (pushHold: paceHoldSeconds) and she waits for the held clock. The view (aheadS)
     * and the report (maxAheadS, per-link lags) show what is left of it.
     */
    private void tickOnce() {
        Map<String, Double> lag = measureLag();
        double t = clock.now();
        double dt = Math.max(0, t - lastTick);
        lastTick = t;
        recordLag(t, dt, lag);
        for (WeatherStep w : weatherLine.advance(t)) {
            timelineWeather(t, w, lag);
        }
        for (AttackEvent a : attackLine.advance(t)) {
            String link = a.step().link();
            defer(link, a.atS(), t, (a.start() ? "Eve starts " : "Eve stops ") + a.step().attack().toLowerCase(Locale.ROOT)
                    + " on " + link, () -> {
                        double at = linkTime(link);
                        try {
                            if (a.start()) {
                                startAttack(at, link, a.step().attack(), a.step().strength());
                            } else {
                                stopAttack(at, link);
                            }
                        } catch (ScenarioException e) {
                            problem("timeline attack at " + a.atS() + " s: " + e.getMessage());
                        }
                    });
        }
        applyDue(t, lag);
        pollLinks(t, true);
        pollPaths(t);
        devices();
        moveVehicles(t, dt);
        drawKeys(t, dt);
    }

    // ------------------------------------------------------------------ the clock against the links

    /**
     * The links' lags behind the requested-speed clock now, and how far the clock is held back for
     * them; returns each link's lag behind the (held) clock.
     */
    private Map<String, Double> measureLag() {
        Map<String, Double> raw;
        try {
            raw = Map.copyOf(lagSource.lags(speed));
        } catch (RuntimeException e) {
            raw = Map.of(); // the registry is going away with the framework
        }
        double worst = raw.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double h = Math.max(0, worst - lagTolerance());
        held = h;
        pushHold(h);
        Map<String, Double> behindClock = new HashMap<>();
        raw.forEach((l, x) -> behindClock.put(l, Math.max(0, x - h)));
        rawLag = raw;
        return behindClock;
    }

    /** Keeps the figures the view and the report show. */
    private void recordLag(double t, double dt, Map<String, Double> lag) {
        Map<String, Double> raw = rawLag;
        linkLag = lag;
        double worst = 0;
        String worstLink = null;
        for (Map.Entry<String, Double> e : raw.entrySet()) {
            peakLagByLink.merge(e.getKey(), e.getValue(), Math::max);
            if (e.getValue() > worst || worstLink == null) {
                worst = e.getValue();
                worstLink = e.getKey();
            }
        }
        lagNow = worst;
        slowestLink = worstLink;
        if (worst > peakLag) {
            peakLag = worst;
            peakLagLink = worstLink;
            peakLagAt = t;
        }
        if (held > 0) {
            behindS += dt;
            maxHeld = Math.max(maxHeld, held);
        }
        // the fastest link runs on at the requested speed: ahead of a held clock by held - its lag
        double fastest = raw.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        ahead = raw.isEmpty() ? 0 : Math.max(0, held - fastest);
        maxAhead = Math.max(maxAhead, ahead);
        // the clock's speed over the last PHYSICS_WINDOW_S wall seconds
        double wall = (System.nanoTime() - begunNanos) / 1e9;
        physicsSamples.addLast(new double[] { wall, t });
        while (physicsSamples.size() > 2 && wall - physicsSamples.peekFirst()[0] > PHYSICS_WINDOW_S) {
            physicsSamples.removeFirst();
        }
        double[] first = physicsSamples.peekFirst();
        if (wall - first[0] > 1) {
            clockSpeed = Math.max(0, (t - first[1]) / (wall - first[0]));
        }
    }

    /**
     * Tells every Alice how far the clock is held (driver.sim.fso {@code paceHoldSeconds}): links
     * faster than the slowest wait for the held clock instead of running ahead of it. At most once
     * a wall second and for a change of 1 simulated s or more (a ConfigAdmin update per link);
     * a release (0) at once. Their published schedules stay unheld, so the lags measured stay
     * behind the requested speed and the hold does not feed back into itself.
     */
    private void pushHold(double h) {
        long now = System.nanoTime();
        boolean release = h == 0 && holdTold > 0;
        if (!release && (Math.abs(h - holdTold) < 1.0 || now - holdToldNanos < 1_000_000_000L)) {
            return;
        }
        holdTold = h;
        holdToldNanos = now;
        for (Link l : scenario.links()) {
            try {
                deployment.updateAlice(l.id(), Map.of("paceHoldSeconds", h));
            } catch (IOException | RuntimeException e) {
                LOG.warn("city {}: pacing hold of {} not updated: {}", scenario.name(), l.id(), e.toString());
            }
        }
    }

    /**
     * The story starts (or the speed changed): every running Alice paces from now, without the
     * backlog of her rounds so far (paceEpoch, a runtime property of driver.sim.fso), and schedules
     * published before now no longer count.
     */
    private void repaceDrivers() {
        long now = System.currentTimeMillis();
        lagSource.repaced(now);
        holdTold = 0;
        holdToldNanos = System.nanoTime();
        for (Link l : scenario.links()) {
            try {
                deployment.updateAlice(l.id(), Map.of("paceEpoch", now, "paceHoldSeconds", 0.0d));
            } catch (IOException | RuntimeException e) {
                problem("pacing of " + l.id() + " not re-based: " + e.getMessage());
            }
        }
    }

    /** Lag that pacing in whole rounds explains: two rounds, plus the drivers' 250 ms update and a tick. */
    double lagTolerance() {
        return 2 * roundS + 0.5 * speed;
    }

    /** Simulated time a link's physics has reached (the clock's without a measured lag). */
    private double linkTime(String link) {
        SimClock c = clock;
        return (c == null ? 0 : c.now()) - linkLag.getOrDefault(link, 0.0);
    }

    private void defer(String link, double atS, double t, String what, Runnable apply) {
        deferred.computeIfAbsent(link, k -> new java.util.ArrayDeque<>())
                .addLast(new Deferred(atS, t, System.nanoTime(), what, apply));
    }

    /** Applies, link by link in timeline order, the changes whose time the link's physics has reached. */
    private void applyDue(double t, Map<String, Double> lag) {
        int waiting = 0;
        for (Map.Entry<String, java.util.ArrayDeque<Deferred>> e : deferred.entrySet()) {
            String link = e.getKey();
            double reached = t - lag.getOrDefault(link, 0.0);
            java.util.ArrayDeque<Deferred> q = e.getValue();
            while (!q.isEmpty()) {
                Deferred d = q.peekFirst();
                boolean stalled = System.nanoTime() - d.queuedNanos() > MAX_DEFER_NANOS;
                if (reached < d.atS() && !stalled) {
                    break;
                }
                q.removeFirst();
                if (t - d.queuedAtS() > 1e-9 || reached < d.atS()) {
                    eventsDeferred.incrementAndGet();
                    maxDeferral = Math.max(maxDeferral, t - d.queuedAtS());
                    LOG.info("city {}: {} (timeline {} s) applied at clock {} s, when {}'s physics reached {} s",
                            scenario.name(), d.what(), fmt(d.atS()), fmt(t), link, fmt(reached));
                }
                if (stalled && reached < d.atS()) {
                    problem(d.what() + " (timeline " + fmt(d.atS()) + " s) applied at " + fmt(reached) + " s of "
                            + link + "'s physics: it did not reach the change's time within "
                            + TimeUnit.NANOSECONDS.toSeconds(MAX_DEFER_NANOS) + " s (wall)");
                }
                d.apply().run();
            }
            waiting += q.size();
        }
        eventsWaiting = waiting;
    }

    private static String fmt(double s) {
        return String.format(Locale.ROOT, "%.1f", s);
    }

    CityView.Clock clockView() {
        return new CityView.Clock(held, lagNow, slowestLink, peakLag, clockSpeed, held > 0, eventsWaiting, rawLag,
                ahead);
    }

    Report.Clock clockReport() {
        double wall = begunNanos == 0 ? 0 : (System.nanoTime() - begunNanos) / 1e9;
        return new Report.Clock(speed, wall > 0 ? simSeconds() / wall : Double.NaN, held, maxHeld, lagNow, peakLag,
                peakLagLink, peakLagAt, behindS, lagTolerance(), peakLagByLink, eventsDeferred.get(), maxDeferral,
                eventsWaiting, maxAhead);
    }

    // ------------------------------------------------------------------ weather and attacks

    /**
     * A timeline weather step: the city's sky changes at its time (the event), each link's driver
     * when its physics reaches that time.
     */
    private void timelineWeather(double t, WeatherStep w, Map<String, Double> lag) {
        List<String> links = w.links().isEmpty() ? scenario.links().stream().map(Link::id).toList() : w.links();
        if (w.links().isEmpty()) {
            weather = w.weather();
        }
        daylight = w.daylight();
        List<String> later = new ArrayList<>();
        for (String l : links) {
            if (t - lag.getOrDefault(l, 0.0) < w.atS()) {
                later.add(l + String.format(Locale.ROOT, " %.0f s", lag.get(l)));
            }
            defer(l, w.atS(), t, w.weather().toLowerCase(Locale.ROOT) + " over " + l, () -> {
                linkWeather.put(l, w.weather());
                try {
                    deployment.updateAlice(l, Map.of("weather", w.weather(), "daylight", w.daylight()));
                } catch (IOException | RuntimeException e) {
                    problem("weather on " + l + ": " + e.getMessage());
                }
            });
        }
        String where = w.links().isEmpty() ? "over the city" : "over " + String.join(", ", w.links());
        publish(t, CityEvent.WEATHER, w.links().isEmpty() ? "city" : String.join(",", w.links()),
                w.weather().toLowerCase(Locale.ROOT).replace('_', ' ') + (w.daylight() ? " by day " : " at night ")
                        + where + (later.isEmpty() ? "" : "; reaches " + String.join(", ", later)
                                + " behind as their physics catches up with the clock"));
    }

    private void applyWeather(double t, WeatherStep w) {
        applyWeatherProps(w, true);
        String where = w.links().isEmpty() ? "over the city" : "over " + String.join(", ", w.links());
        publish(t, CityEvent.WEATHER, w.links().isEmpty() ? "city" : String.join(",", w.links()),
                w.weather().toLowerCase(Locale.ROOT).replace('_', ' ') + (w.daylight() ? " by day " : " at night ")
                        + where);
    }

    /** Records a weather step and, when {@code live}, updates the Alice ends it covers. */
    private void applyWeatherProps(WeatherStep w, boolean live) {
        List<String> links = w.links().isEmpty() ? scenario.links().stream().map(Link::id).toList() : w.links();
        if (w.links().isEmpty()) {
            weather = w.weather();
        }
        daylight = w.daylight();
        for (String l : links) {
            linkWeather.put(l, w.weather());
            if (live) {
                try {
                    deployment.updateAlice(l, Map.of("weather", w.weather(), "daylight", w.daylight()));
                } catch (IOException | RuntimeException e) {
                    problem("weather on " + l + ": " + e.getMessage());
                }
            }
        }
        if (!live) {
            // before the drivers exist: the first configuration carries it
            deployment.initialWeather(links, w.weather(), w.daylight());
        }
    }

    void setWeather(String w, boolean day) throws ScenarioException {
        if (!CityView.WEATHERS.contains(w)) {
            throw new ScenarioException(Reason.BAD_REQUEST, "unknown weather \"" + w + "\"; one of " + CityView.WEATHERS);
        }
        requireRunning();
        double t = clock.now();
        tick.execute(() -> applyWeather(t, new WeatherStep(t, w, day, List.of())));
    }

    static Map<String, Object> eveProps(String attack, double strength) {
        Map<String, Object> p = new HashMap<>();
        p.put("eveInterceptFraction", "INTERCEPT_RESEND".equals(attack) ? strength : 0.0d);
        p.put("evePhotonNumberSplitting", "PHOTON_NUMBER_SPLITTING".equals(attack));
        p.put("eveFloodCps", "FLOOD".equals(attack) ? strength : 0.0d);
        p.put("eveBlockFraction", "BLOCK".equals(attack) ? strength : 0.0d);
        return p;
    }

    static double defaultStrength(String attack) {
        return switch (attack) {
            case "INTERCEPT_RESEND" -> 0.5;
            case "FLOOD" -> 1e6;
            case "BLOCK" -> 1.0;
            default -> 0;
        };
    }

    private void startAttack(double t, String link, String attack, double strength) throws ScenarioException {
        if (scenario.link(link).isEmpty()) {
            throw new ScenarioException(Reason.NOT_FOUND, "no link \"" + link + "\"");
        }
        if (!CityView.LinkView.ATTACKS.contains(attack)) {
            throw new ScenarioException(Reason.BAD_REQUEST, "unknown attack \"" + attack + "\"; one of "
                    + CityView.LinkView.ATTACKS);
        }
        if (attacks.putIfAbsent(link, attack) != null) {
            throw new ScenarioException(Reason.CONFLICT, "Eve already runs " + attacks.get(link) + " on " + link);
        }
        try {
            deployment.updateAlice(link, eveProps(attack, strength));
        } catch (IOException | RuntimeException e) {
            attacks.remove(link);
            throw new ScenarioException(Reason.UNAVAILABLE, "could not reconfigure " + link + ": " + e.getMessage(), e);
        }
        lastAttacks.put(link, attack);
        publish(t, CityEvent.ATTACK_STARTED, link, "Eve starts " + attack.toLowerCase(Locale.ROOT).replace('_', '-')
                + " on " + link);
    }

    private void stopAttack(double t, String link) throws ScenarioException {
        if (scenario.link(link).isEmpty()) {
            throw new ScenarioException(Reason.NOT_FOUND, "no link \"" + link + "\"");
        }
        String was = attacks.remove(link);
        if (was == null) {
            return;
        }
        try {
            deployment.updateAlice(link, eveProps("", 0));
        } catch (IOException | RuntimeException e) {
            throw new ScenarioException(Reason.UNAVAILABLE, "could not reconfigure " + link + ": " + e.getMessage(), e);
        }
        publish(t, CityEvent.ATTACK_STOPPED, link, "Eve stops " + was.toLowerCase(Locale.ROOT).replace('_', '-')
                + " on " + link);
    }

    void startAttack(String link, String attack) throws ScenarioException {
        requireRunning();
        startAttack(clock.now(), link, attack, defaultStrength(attack));
    }

    void stopAttack(String link) throws ScenarioException {
        requireRunning();
        stopAttack(clock.now(), link);
    }

    private void requireRunning() throws ScenarioException {
        if (clock == null) {
            throw new ScenarioException(Reason.UNAVAILABLE, "the city is still starting (waiting for its QKD links)");
        }
        if (closed) {
            throw new ScenarioException(Reason.UNAVAILABLE, "the city has stopped");
        }
    }

    // ------------------------------------------------------------------ links and paths

    private Optional<PoolStatus> pool(String node, String link) {
        KeyManager km = services.kmms.get(node);
        if (km == null) {
            return Optional.empty();
        }
        try {
            return km.pools().stream().filter(p -> p.linkId().equals(link)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty(); // the KMM is going away
        }
    }

    private void pollLinks(double t, boolean report) {
        for (Link l : scenario.links()) {
            Optional<PoolStatus> p = pool(l.alice(), l.id());
            LinkStatus s = p.map(PoolStatus::link).orElse(null);
            String state = s == null || !p.get().driverPresent() ? (s == null ? "STARTING" : "DOWN") : s.state().name();
            String before = linkStates.put(l.id(), state);
            if (!report || state.equals(before)) {
                continue;
            }
            String reason = s == null || s.reason().isBlank() ? "" : ": " + s.reason();
            publish(t, CityEvent.LINK_STATE, l.id(), l.id() + " " + before + " → " + state + reason);
            if (s != null && s.state() == LinkState.ABORTED_EAVESDROPPING) {
                String attack = attacks.getOrDefault(l.id(), lastAttacks.getOrDefault(l.id(), "none started by the city"));
                detections.add(new Report.Detection(t, l.id(), attack, s.qber()));
                publish(t, CityEvent.EAVESDROPPING_DETECTED, l.id(), "eavesdropping detected on " + l.id()
                        + String.format(Locale.ROOT, " (QBER %.1f %%): rounds aborted, no key enters the pools",
                                100 * s.qber()));
            }
        }
    }

    /**
     * An application's relay path as the nodes hold it (the controller's VIRT links in each KMM's
     * {@link RelayRoutes}): from the master's node hop by hop to the slave's; empty when not (yet)
     * in place; the two ends when they are neighbours.
     */
    List<String> path(App a) {
        String from = scenario.sae(a.master()).orElseThrow().node();
        String to = scenario.sae(a.slave()).orElseThrow().node();
        return path(from, to);
    }

    List<String> path(String from, String to) {
        RelayRoutes r = services.routes.get(from);
        if (r == null) {
            return List.of();
        }
        VirtualLink vl = null;
        for (VirtualLink v : r.virtualLinks()) {
            if (v.joins(from, to)) {
                vl = v; // the one put last
            }
        }
        if (vl == null) {
            boolean adjacent = scenario.links().stream().anyMatch(l -> l.joins(from, to));
            return adjacent ? List.of(from, to) : List.of();
        }
        List<String> path = new ArrayList<>(List.of(from));
        String at = from;
        VirtualLink here = vl;
        while (path.size() <= scenario.nodes().size()) {
            String next = here.hopTowards(to);
            if (next == null) {
                return List.of();
            }
            path.add(next);
            if (next.equals(to)) {
                return path;
            }
            RelayRoutes nr = services.routes.get(next);
            String id = here.linkId();
            here = nr == null ? null : nr.virtualLinks().stream().filter(v -> v.linkId().equals(id)).findFirst()
                    .orElse(null);
            if (here == null) {
                return List.of(); // not yet in place at every hop
            }
            at = next;
        }
        LOG.debug("relay path from {} loops at {}", from, at);
        return List.of();
    }

    private List<App> allApps() {
        List<App> all = new ArrayList<>(apps.values());
        all.addAll(consoleAppList);
        return all;
    }

    private void pollPaths(double t) {
        for (App a : allApps()) {
            List<String> now = path(a);
            List<String> before = appPaths.getOrDefault(a.id(), List.of());
            appStatus.put(a.id(), now.isEmpty() ? "NO_PATH" : "ACTIVE");
            if (now.isEmpty() || now.equals(before)) {
                continue;
            }
            appPaths.put(a.id(), now);
            if (!before.isEmpty()) {
                reroutes.add(new Report.Reroute(t, a.id(), before, now));
                publish(t, CityEvent.REROUTE, a.id(), a.id() + " rerouted " + String.join("-", before) + " → "
                        + String.join("-", now));
            }
        }
    }

    // ------------------------------------------------------------------ KMM events → alarms

    void keyEvent(KeyEvent e) {
        Double t = clock == null ? null : clock.now();
        String key = e.type() + "|" + e.nodeId() + "|" + e.linkId();
        switch (e.type()) {
            case POOL_REFILLED -> activeAlarms.remove(KeyEvent.Type.POOL_EMPTY + "|" + e.nodeId() + "|" + e.linkId());
            case LINK_UP -> {
                activeAlarms.remove(KeyEvent.Type.LINK_DOWN + "|" + e.nodeId() + "|" + e.linkId());
                activeAlarms.remove(KeyEvent.Type.LINK_EAVESDROPPING + "|" + e.nodeId() + "|" + e.linkId());
            }
            case POOL_EMPTY, LINK_DOWN, LINK_EAVESDROPPING -> {
                if (t == null || !activeAlarms.add(key)) {
                    return; // before the story starts (links coming up), or already raised
                }
                alarms.incrementAndGet();
                String what = switch (e.type()) {
                    case POOL_EMPTY -> "key pool of " + e.linkId() + " empty";
                    case LINK_DOWN -> "link " + e.linkId() + " down";
                    default -> "eavesdropping on " + e.linkId();
                };
                publish(t, e.type() == KeyEvent.Type.POOL_EMPTY ? CityEvent.POOL_EMPTY : CityEvent.ALARM, e.linkId(),
                        "alarm at node " + e.nodeId() + ": " + what + (e.detail().isBlank() ? "" : " (" + e.detail() + ")"));
            }
            default -> {
                // POOL_LOW: shown through the pool levels
            }
        }
    }

    // ------------------------------------------------------------------ vehicles and handovers

    /**
     * The devices (ConfigAdmin starts them one after the other, after the KMMs and links, so they
     * come up while the links make their first keys): each is enrolled in the identity log once its
     * DAU is there; a vehicle is served once its and its RSU's are. The clock waits for them.
     */
    private void devices() {
        if (!Double.isNaN(devicesReadyAfter)) {
            return;
        }
        if (fleet.devicesReady()) {
            devicesReadyAfter = wallSeconds();
            LOG.info("city {}: devices ready after {} s (wall): {} DAUs enrolled in the identity log, their DPN "
                    + "endpoints listening", scenario.name(), String.format(Locale.ROOT, "%.1f", devicesReadyAfter),
                    fleet.daus().size());
        }
    }

    private void moveVehicles(double t, double dt) {
        for (VehicleState s : vehicles.values()) {
            Mobility.Place p = Mobility.place(s.v, t);
            s.place = p;
            fleet.move(s.v, p);
            Rsu before = s.rsu;
            if (before != null) {
                s.lastRsu = before;
            }
            // a vehicle talks to RSUs of its own radio technology (the mixed fleet: 802.11p or PC5)
            Rsu now = Mobility.serving(rsusByRadio.get(s.v.radio()), p.point(), before);
            s.rsu = now;
            if (now == null) {
                if (before != null) {
                    fleet.leave(s.v.id()); // out of coverage: the context waits at its base station
                }
                continue;
            }
            if (s.sessionBs == null) {
                s.sessionBs = now.baseStation();
            }
            if (!s.sessionBs.equals(now.baseStation())) {
                if (!s.handingOver) {
                    s.handingOver = true;
                    String from = s.sessionBs;
                    String to = now.baseStation();
                    String rsuFrom = s.lastRsu == null ? "-" : s.lastRsu.id();
                    work.execute(() -> handover(t, s, from, to, rsuFrom, now));
                }
            } else if (!s.handingOver && fleet.needsSession(s.v.id(), now) && fleet.enrolled(s.v.id(), now.id())
                    && serving.add(s.v.id())) {
                work.execute(() -> {
                    try {
                        fleet.serve(s.v, now);
                    } finally {
                        serving.remove(s.v.id());
                    }
                });
            }
        }
        v2xMessagesShown = fleet.messages();
    }

    /** The KMM's key IDs are UUIDs (ETSI GS QKD 014 key_ID); anything else is not named in the report. */
    private static java.util.UUID keyId(String id) {
        try {
            return id == null ? null : java.util.UUID.fromString(id);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }

    /**
     * Horizontal handover (paper Figure 6): the old base station sends the vehicle's session context
     * to the new one over their DPN session, quantum-keyed with a QKD key relayed by the KMMs (a fresh
     * one per handover: the session is rekeyed); both ends' exporter hashes prove the same key; the
     * new base station's RSU opens its DPN session to the vehicle and continues.
     */
    private void handover(double t, VehicleState s, String from, String to, String rsuFrom, Rsu rsuTo) {
        List<String> path = List.of();
        String failure = null;
        V2xFleet.Transfer x = null;
        App app = apps.values().stream().filter(a -> a.handover()
                && scenario.sae(a.master()).orElseThrow().node().equals(from)
                && scenario.sae(a.slave()).orElseThrow().node().equals(to)).findFirst().orElse(null);
        try {
            if (app == null) {
                throw new ScenarioException(Reason.NOT_FOUND, "no handover application from " + from + " to " + to);
            }
            path = path(app);
            x = fleet.transfer(s.v, from, to, rsuTo);
            if (x.quantumKeyed()) {
                keysDelivered.incrementAndGet(); // the QKD key mixed into the session (set-up or rekey)
                if (path.size() > 2) {
                    keysRelayed.incrementAndGet();
                }
            }
        } catch (ScenarioException | org.qkdv2i.dpn.api.DpnException | java.util.concurrent.TimeoutException
                | RuntimeException e) {
            failure = e instanceof org.qkdv2i.dpn.api.DpnException d ? d.reason() + ": " + d.getMessage()
                    : e instanceof java.util.concurrent.TimeoutException ? "the context did not arrive at " + to
                            + " within " + V2xFleet.CONTEXT_TIMEOUT_MILLIS / 1000 + " s" : e.getMessage();
        }
        s.sessionBs = to;
        s.handingOver = false;
        double at = clock.now();
        boolean ok = failure == null && x.sameKey() && x.contextDelivered() && x.quantumKeyed();
        handovers.add(new Report.Handover(at, s.v.id(), from, to, x == null ? null : keyId(x.quantumKeyId()),
                x != null && x.sameKey(),
                x != null && x.contextDelivered(), path, failure, x == null ? null : x.dpnSession(),
                x == null ? 0 : x.epoch(), x != null && x.quantumKeyed(), x == null ? null : x.fingerprint(),
                x == null ? null : x.servingSession()));
        if (ok) {
            handoverCount.incrementAndGet();
            publish(at, CityEvent.HANDOVER, s.v.id(), s.v.id() + " handed over " + from + " → " + to + " (" + rsuFrom
                    + " → " + rsuTo.id() + "): session context sent over DPN session " + x.dpnSession() + " epoch "
                    + x.epoch() + ", quantum-keyed with QKD key " + (x.quantumKeyId() == null ? "(unnamed)" : x.quantumKeyId())
                    + " relayed " + String.join("-", path)
                    + "; same exporter hash " + x.fingerprint() + " at both base stations; " + rsuTo.id()
                    + (x.servingSession() == null ? " opens its DPN session to it once both are up"
                            : " serves it in DPN session " + x.servingSession()
                                    + (x.fastServing() ? " (fast transition: PMK-R0 sent over the QKD-keyed session)" : "")));
        } else {
            alarms.incrementAndGet();
            publish(at, CityEvent.ALARM, s.v.id(), "handover of " + s.v.id() + " " + from + " → " + to
                    + " without a QKD-secured session transfer: " + (failure != null ? failure
                            : !x.quantumKeyed() ? "the session was not quantum-keyed"
                                    : !x.sameKey() ? "the base stations' session keys differ" : "context lost"));
        }
    }

    /**
     * newKeys, retried for up to {@value #RETRY_SECONDS} s (wall) while the KMM answers UNAVAILABLE (peer
     * channel busy, a relay hop slow to acknowledge on a loaded machine; "nothing delivered, retry later").
     */
    private static List<Key> newKeysRetrying(KeyManager km, KeyRequest r) throws KeyManagerException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RETRY_SECONDS);
        while (true) {
            try {
                return km.newKeys(r);
            } catch (KeyManagerException e) {
                if (e.reason() != KeyManagerException.Reason.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(250); // back-off between attempts, not synchronisation
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    // ------------------------------------------------------------------ applications' keys

    private void drawKeys(double t, double dt) {
        for (App a : apps.values()) {
            if (a.keysPerSecond() <= 0) {
                continue;
            }
            double credit = keyCredit.getOrDefault(a.id(), 0.0) + a.keysPerSecond() * dt;
            int n = (int) Math.min(16, Math.floor(credit));
            if (n >= 1 && drawing.add(a.id())) {
                credit -= n;
                work.execute(() -> draw(t, a, n));
            }
            keyCredit.put(a.id(), Math.min(credit, 32));
        }
    }

    private void draw(double t, App a, int n) {
        try {
            Sae m = scenario.sae(a.master()).orElseThrow();
            Sae s = scenario.sae(a.slave()).orElseThrow();
            KeyManager km = services.kmms.get(m.node());
            KeyManager ks = services.kmms.get(s.node());
            if (km == null || ks == null) {
                return;
            }
            List<Key> keys = km.newKeys(new KeyRequest(m.id(), s.id(), n, Deployment.KEY_BITS));
            int same = 0;
            List<Key> got = List.of();
            try {
                got = ks.keysById(s.id(), m.id(), keys.stream().map(Key::id).toList());
                for (int i = 0; i < keys.size(); i++) {
                    byte[] x = keys.get(i).bytes();
                    byte[] y = got.get(i).bytes();
                    same += Arrays.equals(x, y) ? 1 : 0;
                    Arrays.fill(x, (byte) 0);
                    Arrays.fill(y, (byte) 0);
                }
            } finally {
                keys.forEach(Key::destroy);
                got.forEach(Key::destroy);
            }
            if (same != keys.size()) {
                problem("application " + a.id() + ": " + (keys.size() - same) + " keys differed between the SAEs");
            }
            keysDelivered.addAndGet(same);
            if (appPaths.getOrDefault(a.id(), List.of()).size() > 2) {
                keysRelayed.addAndGet(same);
            }
            if (failingApps.remove(a.id()) != null) {
                LOG.info("city {}: application {} gets keys again", scenario.name(), a.id());
            }
        } catch (KeyManagerException | RuntimeException e) {
            keyFailures.incrementAndGet();
            String msg = String.valueOf(e.getMessage());
            if (!msg.equals(failingApps.put(a.id(), msg))) {
                LOG.info("city {}: application {} got no keys: {}", scenario.name(), a.id(), msg);
            }
        } finally {
            drawing.remove(a.id());
        }
    }

    // ------------------------------------------------------------------ controls

    String updateDriver(String linkId) throws ScenarioException {
        if (scenario.link(linkId).isEmpty()) {
            throw new ScenarioException(Reason.NOT_FOUND, "no link \"" + linkId + "\"");
        }
        requireRunning();
        Collection<ServiceReference<?>> refs = new ArrayList<>();
        try {
            ServiceReference<?>[] found = context.getServiceReferences("org.qkdv2i.qkd.api.QkdDriver",
                    "(qkd.link.id=" + linkId + ")");
            if (found != null) {
                refs.addAll(Arrays.asList(found));
            }
        } catch (InvalidSyntaxException e) {
            throw new ScenarioException(Reason.BAD_REQUEST, "bad link ID " + linkId);
        }
        Bundle b = refs.stream().map(ServiceReference::getBundle).filter(x -> x != null).findFirst().orElse(null);
        if (b == null) {
            throw new ScenarioException(Reason.CONFLICT, "no driver serves " + linkId + " now");
        }
        String what = b.getSymbolicName() + " " + b.getVersion() + " (bundle " + b.getBundleId() + ")";
        String location = b.getLocation();
        try (java.io.InputStream in = open(location)) {
            if (in == null) {
                b.update();
            } else {
                b.update(in);
            }
        } catch (BundleException | IOException | IllegalStateException | SecurityException e) {
            throw new ScenarioException(Reason.UNAVAILABLE, "update of " + what + " from " + location + " failed: "
                    + e.getMessage(), e);
        }
        String text = "driver of " + linkId + " updated: " + what
                + " restarted from its location; the pools kept serving meanwhile";
        publish(clock.now(), CityEvent.DRIVER_UPDATED, linkId, text);
        return text;
    }

    /**
     * The bundle's jar at its location: a URL, or (bundles a bnd-exported jar such as demo.jar
     * installed from its own content, location {@code jar/<name>.jar}) a resource of the launcher's
     * class path; null when neither (then {@link Bundle#update()} tries the location itself).
     */
    private static java.io.InputStream open(String location) throws IOException {
        try {
            return new java.net.URL(location).openStream();
        } catch (java.net.MalformedURLException notUrl) {
            return ClassLoader.getSystemClassLoader().getResourceAsStream(location);
        }
    }

    Provisioned provision(String masterSae, String slaveSae) throws ScenarioException {
        Sae m = scenario.sae(masterSae).orElseThrow(() -> new ScenarioException(Reason.NOT_FOUND, "no SAE \"" + masterSae
                + "\"; SAEs: " + scenario.saes().stream().map(Sae::id).toList()));
        Sae s = scenario.sae(slaveSae).orElseThrow(() -> new ScenarioException(Reason.NOT_FOUND, "no SAE \"" + slaveSae
                + "\"; SAEs: " + scenario.saes().stream().map(Sae::id).toList()));
        if (m.node().equals(s.node())) {
            throw new ScenarioException(Reason.BAD_REQUEST, masterSae + " and " + slaveSae + " are both on node "
                    + m.node() + ": an application joins SAEs of two nodes");
        }
        requireRunning();
        Controller nb = controller;
        if (nb == null) {
            Northbound n = northbound();
            if (n == null) {
                throw new ScenarioException(Reason.UNAVAILABLE, "the SDN controller's operator identity is not there");
            }
            nb = (id, ss, sn, cs, cn, prio) -> n.provision(id, ss, sn, cs, cn, prio);
        }
        String appId = "console-" + consoleApps.incrementAndGet();
        try {
            nb.provision(appId, m.id(), m.node(), s.id(), s.node(), 1);
        } catch (Northbound.NorthboundException e) {
            throw new ScenarioException(e.status == 400 ? Reason.BAD_REQUEST : e.status == 409 ? Reason.CONFLICT
                    : Reason.UNAVAILABLE, e.getMessage());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> path = path(m.node(), s.node());
        while (path.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200); // waiting for the controller's next poll to push the path
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            path = path(m.node(), s.node());
        }
        if (path.isEmpty()) {
            throw new ScenarioException(Reason.UNAVAILABLE, "application " + appId
                    + " provisioned, but its relay path did not reach the nodes within 20 s");
        }
        KeyManager km = services.kmms.get(m.node());
        KeyManager ks = services.kmms.get(s.node());
        if (km == null || ks == null) {
            throw new ScenarioException(Reason.UNAVAILABLE, "KMM of " + (km == null ? m.node() : s.node()) + " is gone");
        }
        try {
            Key k = newKeysRetrying(km, new KeyRequest(m.id(), s.id(), 1, Deployment.KEY_BITS)).get(0);
            boolean same;
            try {
                Key k2 = ks.keysById(s.id(), m.id(), List.of(k.id())).get(0);
                byte[] a = k.bytes();
                byte[] b = k2.bytes();
                same = Arrays.equals(a, b);
                Arrays.fill(a, (byte) 0);
                Arrays.fill(b, (byte) 0);
                k2.destroy();
            } finally {
                k.destroy();
            }
            keysDelivered.incrementAndGet();
            if (path.size() > 2) {
                keysRelayed.incrementAndGet();
            }
            appPaths.put(appId, path);
            consoleAppList.add(new App(appId, m.id(), s.id(), 1, 0, false));
            publish(clock.now(), CityEvent.APP_PROVISIONED, appId, appId + ": " + m.id() + "@" + m.node() + " → "
                    + s.id() + "@" + s.node() + " over " + String.join("-", path) + ", first key " + k.id()
                    + (same ? " (same at both SAEs)" : " (KEYS DIFFER)"));
            return new Provisioned(appId, m.id(), s.id(), path, k.id(), same);
        } catch (KeyManagerException e) {
            throw new ScenarioException(Reason.UNAVAILABLE, "application " + appId + " provisioned over "
                    + String.join("-", path) + ", but no key was delivered: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ views

    private void publish(double t, String kind, String subject, String text) {
        events.publish(origin.plusNanos((long) (t * 1e9)), kind, subject, text);
    }

    private void problem(String text) {
        problems.add(text);
        LOG.warn("city {}: {}", scenario.name(), text);
    }

    double simSeconds() {
        SimClock c = clock;
        return c == null ? 0 : c.now();
    }

    boolean ready() {
        return clock != null;
    }

    /** Simulated seconds since the start of the story at an event's {@code simTime}. */
    double secondsOf(Instant simTime) {
        return java.time.Duration.between(origin, simTime).toNanos() / 1e9;
    }

    List<CityEvent> events(long afterSeq, int limit) {
        return events.after(afterSeq, limit);
    }

    CityView view() {
        double t = simSeconds();
        List<CityView.NodeView> nodes = scenario.nodes().stream()
                .map(n -> new CityView.NodeView(n.id(), n.kind().name(), n.label(), n.x(), n.y())).toList();
        Map<String, Integer> relayPaths = new HashMap<>();
        for (List<String> p : appPaths.values()) {
            for (int i = 0; i + 1 < p.size(); i++) {
                for (Link l : scenario.links()) {
                    if (l.joins(p.get(i), p.get(i + 1))) {
                        relayPaths.merge(l.id(), 1, Integer::sum);
                    }
                }
            }
        }
        List<CityView.LinkView> links = new ArrayList<>();
        for (Link l : scenario.links()) {
            Optional<PoolStatus> a = pool(l.alice(), l.id());
            Optional<PoolStatus> b = pool(l.bob(), l.id());
            LinkStatus s = a.map(PoolStatus::link).orElse(null);
            links.add(new CityView.LinkView(l.id(), l.alice(), l.bob(), l.lengthM(),
                    linkStates.getOrDefault(l.id(), "STARTING"), s == null ? 0 : s.secretKeyRate(),
                    s == null ? Double.NaN : s.qber(), s == null ? Double.NaN : s.channelLossDb(),
                    a.map(p -> p.ownKeys() + p.peerKeys()).orElse(0L), b.map(p -> p.ownKeys() + p.peerKeys()).orElse(0L),
                    a.map(PoolStatus::capacity).orElse(0L), attacks.get(l.id()), relayPaths.getOrDefault(l.id(), 0)));
        }
        List<CityView.RsuView> rsus = scenario.rsus().stream()
                .map(r -> new CityView.RsuView(r.id(), r.baseStation(), r.x(), r.y(), r.rangeM(), r.radio().name()))
                .toList();
        List<CityView.VehicleView> vs = new ArrayList<>();
        for (VehicleState s : vehicles.values()) {
            Mobility.Place p = s.place;
            Rsu r = s.rsu;
            vs.add(new CityView.VehicleView(s.v.id(), s.v.radio().name(), p.x(), p.y(), p.headingDeg(), p.speedMps(),
                    r == null ? null : r.id(), s.sessionBs));
        }
        List<CityView.AppView> as = new ArrayList<>();
        for (App a : allApps()) {
            as.add(new CityView.AppView(a.id(), a.master(), a.slave(), appPaths.getOrDefault(a.id(), List.of()),
                    clock == null ? "STARTING" : appStatus.getOrDefault(a.id(), "PENDING")));
        }
        return new CityView(scenario.name(), origin.plusNanos((long) (t * 1e9)), speed, weather, daylight, nodes, links,
                rsus, vs, as, totals(), clock == null ? CityView.Clock.NONE : clockView());
    }

    CityView.Totals totals() {
        return new CityView.Totals(keysDelivered.get(), keysRelayed.get(), handoverCount.get(), v2xMessagesShown,
                alarms.get());
    }

    Report report() {
        return new Report(scenario.name(), ready(), readyAfter, simSeconds(), totals(), events.counts(),
                new ArrayList<>(handovers), new ArrayList<>(reroutes), new ArrayList<>(detections), keyFailures.get(),
                new ArrayList<>(problems), fleet.counts(), fleet.sessionsOpened(), devicesReadyAfter, clockReport(),
                fleet.fullSetUps(), fleet.fastSetUps(), fleet.whilePlaying(wallSeconds()));
    }

    @Override
    public void close() {
        closed = true;
        tick.shutdownNow();
        work.shutdownNow();
        try {
            tick.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Northbound nb = northbound;
        if (nb != null) {
            nb.close();
        }
        fleet.close();
        deployment.close();
        events.close();
    }
}
