package org.qkdv2i.telemetry.collector.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.kmm.api.KeyAuthStatus;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyEventListener;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.QosStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.RelayTelemetry;
import org.qkdv2i.telemetry.api.TelemetrySink;
import org.qkdv2i.telemetry.api.V2xCounters;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the node's key managers (pools and link status, periodically) and key events (at once),
 * relay routes, the identity directory, V2X stacks and DPN endpoints, turns them into telemetry
 * records and alarms, and feeds every {@link TelemetrySink} of the same node (service property
 * {@code qkd.node}). Adapter-neutral: an OPC UA sink gets the same stream as an MQTT one.
 *
 * <p>Authentication failures (V2X frames refused by security, DPN session set-ups refused) are
 * polled counters: at most one {@code AUTH_FAILURE} alarm per stack or endpoint per state period,
 * carrying the growth, so a flood of bad frames cannot flood the operators (or push state out of
 * an adapter's buffer).
 */
@Component(configurationPid = TelemetryCollector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = KeyEventListener.class, immediate = true) // publishes state even before a KMM sends an event
@Designate(ocd = TelemetryCollector.Config.class)
public final class TelemetryCollector implements KeyEventListener {

    static final String PID = "org.qkdv2i.telemetry.Collector";

    @ObjectClassDefinition(name = "QKD-V2I telemetry collector")
    public @interface Config {
        @AttributeDefinition(name = "State period (s)", description = "how often link and pool state is published")
        long statePeriodSeconds() default 10;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryCollector.class);

    private final List<KeyManager> keyManagers = new CopyOnWriteArrayList<>();
    private final List<RelayRoutes> relays = new CopyOnWriteArrayList<>();
    private final Map<IdentityDirectory, IdentityDirectory.Listener> directories = new ConcurrentHashMap<>();
    private final Map<TelemetrySink, String> sinks = new ConcurrentHashMap<>();
    /** V2X stacks and DPN endpoints with their qkd.node service property ("" if absent: all nodes' sinks). */
    private final Map<V2xStack, String> stacks = new ConcurrentHashMap<>();
    private final Map<DpnEndpoint, Owner> endpoints = new ConcurrentHashMap<>();
    /**
     * Key authentication failures per node and link in the current period: an entry means an alarm
     * was raised this period, its value counts the failures since (reported by the next check).
     */
    private final Map<NodeLink, KeyAuthWindow> keyAuthFailures = new ConcurrentHashMap<>();

    private record NodeLink(String node, String link) {
    }

    /** Failures of one link held back since its last alarm, and the newest one's detail. */
    private static final class KeyAuthWindow {
        long suppressed;
        String lastDetail = "";
    }

    /** Refusal counts at the last alarm check; touched on the timer thread only (and by unbinds). */
    private final Map<Object, Long> lastRefused = new ConcurrentHashMap<>();
    private final long periodSeconds;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    @Activate
    public TelemetryCollector(Config c) {
        this(c, Clock.systemUTC(), true);
    }

    /** A DPN endpoint's node ("" if not set) and DAU name. */
    private record Owner(String node, String dau) {
    }

    TelemetryCollector(Config c, Clock clock, boolean periodic) {
        this.clock = clock;
        this.periodSeconds = Math.max(1, c.statePeriodSeconds());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemetry-collector");
            t.setDaemon(true);
            return t;
        });
        if (periodic) {
            timer.scheduleWithFixedDelay(this::publishState, periodSeconds, periodSeconds, TimeUnit.SECONDS);
            // its own schedule: publishState also runs on key events, alarms must stay one per period
            timer.scheduleWithFixedDelay(this::checkAuthFailures, periodSeconds, periodSeconds, TimeUnit.SECONDS);
            timer.scheduleWithFixedDelay(this::checkKeyAuthFailures, periodSeconds, periodSeconds, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    /** Publishes the state soon, on the timer thread; a no-op once deactivated (callers never see an exception). */
    private void refresh() {
        try {
            timer.execute(this::publishState);
        } catch (RejectedExecutionException deactivated) {
            // the collector is going away while a KMM or SCR thread still calls in
        }
    }

    /** For tests: returns once the timer thread has run everything queued so far (it is one thread). */
    void awaitIdle() throws Exception {
        timer.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addKeyManager(KeyManager km) {
        keyManagers.add(km);
        refresh();
    }

    void removeKeyManager(KeyManager km) {
        keyManagers.remove(km);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addRelayRoutes(RelayRoutes r) {
        relays.add(r);
    }

    void removeRelayRoutes(RelayRoutes r) {
        relays.remove(r);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStack(V2xStack stack, Map<String, Object> props) {
        stacks.put(stack, nodeOf(props));
    }

    void removeStack(V2xStack stack) {
        stacks.remove(stack);
        lastRefused.remove(stack);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addEndpoint(DpnEndpoint endpoint, Map<String, Object> props) {
        Object dau = props.get(DeviceAuthenticationUnit.NAME);
        endpoints.put(endpoint, new Owner(nodeOf(props), dau == null ? "dpn" : dau.toString()));
    }

    void removeEndpoint(DpnEndpoint endpoint) {
        endpoints.remove(endpoint);
        lastRefused.remove(endpoint);
    }

    private static String nodeOf(Map<String, Object> props) {
        Object node = props.get(TelemetrySink.NODE_PROPERTY);
        return node == null ? "" : node.toString().trim();
    }

    /** The identity directory (DPN identity log) is network-wide: its changes go to every node's sinks. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDirectory(IdentityDirectory d) {
        IdentityDirectory.Listener l = (id, revoked) -> identityChanged(id.toString(), revoked);
        directories.put(d, l);
        d.addListener(l);
    }

    void removeDirectory(IdentityDirectory d) {
        IdentityDirectory.Listener l = directories.remove(d);
        if (l != null) {
            try {
                d.removeListener(l);
            } catch (RuntimeException goingAway) {
                // the directory is being unregistered
            }
        }
    }

    void identityChanged(String device, boolean revoked) {
        sinks.forEach((sink, node) -> {
            try {
                sink.identity(new IdentityEvent(node, "dpn", revoked ? "REVOKED" : "CHANGED", device, "", clock.instant()));
                if (revoked) {
                    sink.alarm(new Alarm(Alarm.Kind.REVOCATION, Alarm.Severity.WARNING, node, device, clock.instant(),
                            "device " + device + " revoked in the identity directory"));
                }
            } catch (RuntimeException e) {
                LOG.warn("node {}: telemetry sink {} failed ({})", node, sink.getClass().getName(), e.toString());
            }
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSink(TelemetrySink sink, Map<String, Object> props) {
        Object node = props.get(TelemetrySink.NODE_PROPERTY);
        sinks.put(sink, node == null ? "" : node.toString());
        refresh(); // a new sink gets the current state at once
    }

    void removeSink(TelemetrySink sink) {
        sinks.remove(sink);
    }

    private void each(String node, Consumer<TelemetrySink> call) {
        sinks.forEach((sink, n) -> {
            if (n.equals(node)) {
                try {
                    call.accept(sink);
                } catch (RuntimeException e) {
                    // a failing adapter must not disturb the others (or key delivery)
                    LOG.warn("node {}: telemetry sink {} failed ({})", node, sink.getClass().getName(), e.toString());
                }
            }
        });
    }

    /**
     * Calls every sink of {@code node} with its own node ID; {@code node} "" (a V2X stack or DPN
     * endpoint registered without {@code qkd.node}) means every sink: one framework is normally one node.
     */
    private void eachOf(String node, BiConsumer<TelemetrySink, String> call) {
        sinks.forEach((sink, n) -> {
            if (node.isEmpty() || n.equals(node)) {
                try {
                    call.accept(sink, n);
                } catch (RuntimeException e) {
                    LOG.warn("node {}: telemetry sink {} failed ({})", n, sink.getClass().getName(), e.toString());
                }
            }
        });
    }

    /** Publishes link, pool and KMM state of every known node. */
    void publishState() {
        for (KeyManager km : keyManagers) {
            String node;
            List<PoolStatus> pools;
            try {
                node = km.nodeId();
                pools = km.pools();
            } catch (RuntimeException e) {
                continue; // the key manager is going away
            }
            Map<String, KeyAuthStatus> auth = new HashMap<>();
            try {
                for (KeyAuthStatus a : km.keyAuthentication()) { // empty with key authentication off
                    auth.put(a.linkId(), a);
                }
            } catch (RuntimeException e) {
                // the key manager is going away: no counters this time
            }
            long delivered = 0;
            long expired = 0;
            for (PoolStatus p : pools) {
                delivered += p.delivered();
                expired += p.expired();
                PoolTelemetry pt = pool(node, p, auth.get(p.linkId()));
                each(node, s -> s.pool(pt));
                LinkTelemetry lt = link(node, p);
                each(node, s -> s.link(lt));
            }
            KmmCounters k;
            try {
                k = new KmmCounters(node, pools.size(), km.saes().size(), delivered, expired, clock.instant());
            } catch (RuntimeException e) {
                continue;
            }
            each(node, s -> s.kmm(k));
            List<QosStatus> qos;
            try {
                qos = km.qosAllocation();
            } catch (RuntimeException e) {
                qos = List.of(); // the key manager is going away
            }
            for (QosTelemetry q : qosSummaries(node, qos)) {
                each(node, s -> s.qos(q));
            }
        }
        for (RelayRoutes r : relays) {
            String node;
            List<RelayStats> stats;
            try {
                node = r.nodeId();
                stats = r.relayStats();
            } catch (RuntimeException e) {
                continue;
            }
            for (RelayStats st : stats) {
                RelayTelemetry rt = new RelayTelemetry(node, st.linkId(), st.peerNodeId(), st.keysSent(),
                        st.keysReceived(), st.linkKeyBits(), st.voided(), clock.instant());
                each(node, s -> s.relay(rt));
            }
        }
        stacks.forEach((stack, node) -> {
            String id;
            StackStatistics st;
            try {
                id = stack.stackId();
                st = stack.statistics();
            } catch (RuntimeException e) {
                return; // the stack is going away
            }
            eachOf(node, (s, n) -> s.v2x(new V2xCounters(n, id, st.sent(), st.received(), st.malformed() + st.refused(),
                    st.sendFailures(), st.delivered(), st.malformed(), st.refused(), st.duplicates(), st.outsideArea(),
                    clock.instant())));
        });
    }

    /**
     * Raises one AUTH_FAILURE alarm per V2X stack whose security refused frames since the last
     * check, and per DPN endpoint that refused session set-ups, with the count. Runs once per
     * state period. Counters start at the stack's / endpoint's activation, so the first check
     * reports what was refused before the collector bound it (at least once, as alarms are).
     */
    void checkAuthFailures() {
        stacks.forEach((stack, node) -> {
            String id;
            long refused;
            Map<String, Long> causes;
            try {
                id = stack.stackId();
                StackStatistics st = stack.statistics();
                // another station's PSK traffic heard on the broadcast air is not an attack on this one
                causes = new TreeMap<>(st.refusedBy());
                refused = st.refused() - causes.getOrDefault(StackStatistics.NO_PSK, 0L);
                causes.remove(StackStatistics.NO_PSK);
            } catch (RuntimeException e) {
                return;
            }
            long grew = grewBy(stack, refused);
            if (grew > 0) {
                String text = "V2X stack " + id + " refused " + grew + " received frame" + (grew == 1 ? "" : "s")
                        + " by security (verification failed, unknown PSK or unsecured) in the last " + periodSeconds
                        + " s; " + refused + " since the stack started" + (causes.isEmpty() ? "" : " " + causes);
                LOG.warn("V2X stack {}: {} frames refused by security in the last {} s (since it started: {})", id,
                        grew, periodSeconds, causes.isEmpty() ? refused : causes);
                eachOf(node, (s, n) -> s.alarm(new Alarm(Alarm.Kind.AUTH_FAILURE, Alarm.Severity.WARNING, n, id,
                        clock.instant(), text)));
            }
        });
        endpoints.forEach((endpoint, owner) -> {
            Map<DpnException.Reason, Long> byReason;
            try {
                byReason = endpoint.refusedSetUps();
            } catch (RuntimeException e) {
                return;
            }
            long total = byReason.values().stream().mapToLong(Long::longValue).sum();
            long grew = grewBy(endpoint, total);
            if (grew > 0) {
                String text = "DPN endpoint " + owner.dau() + " refused " + grew + " session set-up"
                        + (grew == 1 ? "" : "s") + " in the last " + periodSeconds + " s; since it started: " + byReason;
                LOG.warn("DPN endpoint {}: {} session set-ups refused in the last {} s ({})", owner.dau(), grew,
                        periodSeconds, byReason);
                eachOf(owner.node(), (s, n) -> s.alarm(new Alarm(Alarm.Kind.AUTH_FAILURE, Alarm.Severity.MAJOR, n,
                        owner.dau(), clock.instant(), text)));
            }
        });
        forgetGone();
    }

    /** Forgets the counts of stacks and endpoints that left (an unbind may race with a check). */
    private void forgetGone() {
        lastRefused.keySet().removeIf(k -> !stacks.containsKey(k) && !endpoints.containsKey(k));
    }

    /** Growth of a monotonic counter since the last check (a restarted counter counts from 0). */
    private long grewBy(Object source, long now) {
        Long before = lastRefused.put(source, now);
        long base = before == null || before > now ? 0 : before;
        return now - base;
    }

    /**
     * A KMM's {@code KEY_AUTHENTICATION_FAILED}: the first of a link in a period is an alarm at once;
     * more in the same period are counted and reported together by the next
     * {@link #checkKeyAuthFailures} (a driver failing every batch cannot flood the operators).
     * @return the alarm to raise now, or null when held back
     */
    private Alarm keyAuthFailed(KeyEvent e) {
        boolean[] first = {false};
        keyAuthFailures.compute(new NodeLink(e.nodeId(), e.linkId()), (k, w) -> {
            if (w == null) {
                first[0] = true;
                return new KeyAuthWindow();
            }
            w.suppressed++;
            w.lastDetail = e.detail();
            return w;
        });
        if (!first[0]) {
            return null;
        }
        LOG.warn("node {}: key authentication failed on link {}: alarm raised", e.nodeId(), e.linkId());
        return new Alarm(Alarm.Kind.KEY_AUTHENTICATION, Alarm.Severity.MAJOR, e.nodeId(), e.linkId(), e.time(),
                "key authentication failed on link " + e.linkId() + ": " + e.detail());
    }

    /**
     * Once per state period: one alarm per link with the key authentication failures held back
     * since its last alarm; a link without any since is forgotten (its next failure alarms at once).
     */
    void checkKeyAuthFailures() {
        for (NodeLink nl : keyAuthFailures.keySet()) {
            long[] held = {0};
            String[] detail = {""};
            keyAuthFailures.computeIfPresent(nl, (k, w) -> {
                held[0] = w.suppressed;
                detail[0] = w.lastDetail;
                if (w.suppressed == 0) {
                    return null;
                }
                w.suppressed = 0;
                return w;
            });
            if (held[0] > 0) {
                String text = held[0] + " more key authentication failure" + (held[0] == 1 ? "" : "s") + " on link "
                        + nl.link() + " in the last " + periodSeconds + " s; the last: " + detail[0];
                LOG.warn("node {}: {} more key authentication failures on link {} in the last {} s", nl.node(),
                        held[0], nl.link(), periodSeconds);
                Alarm a = new Alarm(Alarm.Kind.KEY_AUTHENTICATION, Alarm.Severity.MAJOR, nl.node(), nl.link(),
                        clock.instant(), text);
                each(nl.node(), s -> s.alarm(a));
            }
        }
    }

    /** One summary per pool of the KMM's per-consumer QoS allocation, in the order the pools first appear. */
    List<QosTelemetry> qosSummaries(String node, List<QosStatus> consumers) {
        Map<String, List<QosStatus>> byPool = new LinkedHashMap<>();
        for (QosStatus c : consumers) {
            byPool.computeIfAbsent(c.pool(), k -> new ArrayList<>()).add(c);
        }
        List<QosTelemetry> out = new ArrayList<>(byPool.size());
        byPool.forEach((pool, cs) -> out.add(new QosTelemetry(node, pool, cs.size(),
                (int) cs.stream().filter(QosStatus::reserved).count(),
                cs.stream().mapToDouble(QosStatus::servedBps).sum(), cs.stream().mapToLong(QosStatus::served).sum(),
                cs.stream().mapToLong(QosStatus::refused).sum(), cs.get(0).refillBps(), clock.instant())));
        return out;
    }

    PoolTelemetry pool(String node, PoolStatus p) {
        return pool(node, p, null);
    }

    /** With the link's key authentication counters ({@code auth} null: none, 0). */
    PoolTelemetry pool(String node, PoolStatus p, KeyAuthStatus auth) {
        return new PoolTelemetry(node, p.linkId(), p.peerNodeId(), p.ownKeys(), p.peerKeys(), p.capacity(),
                p.lowWater(), p.delivered(), p.expired(), auth == null ? 0 : auth.bitsSpent(),
                auth == null ? 0 : auth.authenticated() + auth.failed(), auth == null ? 0 : auth.failed(),
                clock.instant());
    }

    LinkTelemetry link(String node, PoolStatus p) {
        LinkStatus s = p.link();
        if (s == null || !p.driverPresent()) {
            return new LinkTelemetry(node, p.linkId(), "DOWN", Double.NaN, 0, Double.NaN, "no driver", clock.instant());
        }
        return new LinkTelemetry(node, p.linkId(), s.state().name(), s.qber(), s.secretKeyRate(), s.channelLossDb(),
                s.reason(), s.timestamp());
    }

    @Override
    public void keyEvent(KeyEvent e) {
        Alarm alarm = switch (e.type()) {
            case LINK_EAVESDROPPING -> new Alarm(Alarm.Kind.EAVESDROPPING, Alarm.Severity.CRITICAL, e.nodeId(),
                    e.linkId(), e.time(), "eavesdropping detected on link " + e.linkId() + ": " + e.detail());
            case POOL_EMPTY -> new Alarm(Alarm.Kind.POOL_EMPTY, Alarm.Severity.MAJOR, e.nodeId(), e.linkId(), e.time(),
                    "key pool of link " + e.linkId() + " is empty: " + e.detail());
            case LINK_DOWN -> new Alarm(Alarm.Kind.LINK_DOWN, Alarm.Severity.MAJOR, e.nodeId(), e.linkId(), e.time(),
                    "link " + e.linkId() + " down: " + e.detail());
            case KEY_AUTHENTICATION_FAILED -> keyAuthFailed(e);
            default -> null; // POOL_LOW, POOL_REFILLED, LINK_UP, KEY_VOIDED: state only
        };
        if (alarm != null) {
            each(e.nodeId(), s -> s.alarm(alarm));
        }
        // refresh the state of the affected node off the caller's thread (the KMM must not wait)
        refresh();
    }
}
