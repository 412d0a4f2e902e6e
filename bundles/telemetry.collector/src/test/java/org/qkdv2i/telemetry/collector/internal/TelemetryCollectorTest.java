package org.qkdv2i.telemetry.collector.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.QosStatus;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;
import org.qkdv2i.telemetry.api.V2xCounters;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.V2xStack;

public class TelemetryCollectorTest {

    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    static class Recording implements TelemetrySink {
        final List<Object> got = new CopyOnWriteArrayList<>();

        @Override
        public void link(LinkTelemetry link) {
            got.add(link);
        }

        @Override
        public void pool(PoolTelemetry pool) {
            got.add(pool);
        }

        @Override
        public void kmm(KmmCounters counters) {
            got.add(counters);
        }

        @Override
        public void alarm(Alarm alarm) {
            got.add(alarm);
        }

        @Override
        public void identity(IdentityEvent event) {
            got.add(event);
        }

        @Override
        public void v2x(V2xCounters counters) {
            got.add(counters);
        }

        @Override
        public void qos(QosTelemetry qos) {
            got.add(qos);
        }

        @Override
        public SinkStatus status() {
            return new SinkStatus("test", "n1", "", true, got.size(), 0, 0, 0);
        }

        List<Alarm> alarms() {
            return got.stream().filter(Alarm.class::isInstance).map(Alarm.class::cast).toList();
        }

        List<V2xCounters> v2x() {
            return got.stream().filter(V2xCounters.class::isInstance).map(V2xCounters.class::cast).toList();
        }
    }

    static final class OneLinkKmm implements KeyManager {
        @Override
        public String nodeId() {
            return "n1";
        }

        @Override
        public List<Key> newKeys(KeyRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Key> keysById(String slave, String master, List<UUID> ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PairStatus status(String master, String slave) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PoolStatus> pools() {
            return List.of(new PoolStatus("n1", "fso-1", "n2", true,
                    new LinkStatus(LinkState.UP, 0.03, 800, 50_000, 12.5, "", T), 5, 6, 100, 10, 256, 3, 1));
        }

        @Override
        public List<SaeInfo> saes() {
            return List.of();
        }

        @Override
        public List<org.qkdv2i.kmm.api.KeyAuthStatus> keyAuthentication() {
            // 40 blocks passed, 2 failed, in 3 batches of 256 bits
            return List.of(new org.qkdv2i.kmm.api.KeyAuthStatus("n1", "fso-1", 40, 2, 0, 768, 1));
        }

        @Override
        public List<QosStatus> qosAllocation() {
            // two consumers of pool n2 under scarcity (the low-priority one refused), one of pool n3
            return List.of(
                    new QosStatus("n1", "n2", "pair sa -> sb", 5, 2560, 0, true, 3000.5, 120, 0, 4000),
                    new QosStatus("n1", "n3", "stream 7", 0, 0, 0, false, 100, 10, 1, 900),
                    new QosStatus("n1", "n2", "pair sc -> sd", 1, 512, 1024, false, 200, 30, 17, 4000));
        }
    }

    private final TelemetryCollector collector = new TelemetryCollector(new TelemetryCollector.Config() {
        @Override
        public long statePeriodSeconds() {
            return 10;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return TelemetryCollector.Config.class;
        }
    }, Clock.fixed(T, ZoneOffset.UTC), false);

    @After
    public void stop() {
        collector.deactivate();
    }

    @Test
    public void keyEventsBecomeAlarmsForSinksOfThatNodeOnly() {
        Recording n1 = new Recording();
        Recording n2 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addSink(n2, Map.of(TelemetrySink.NODE_PROPERTY, "n2"));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.LINK_EAVESDROPPING, "n1", "fso-1", "QBER 0.15", T));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.POOL_LOW, "n1", "fso-1", "", T));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.POOL_EMPTY, "n1", "fso-1", "", T));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.LINK_DOWN, "n1", "fso-1", "no light", T));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.LINK_UP, "n1", "fso-1", "", T));
        List<Alarm> alarms = n1.alarms();
        assertEquals(List.of(Alarm.Kind.EAVESDROPPING, Alarm.Kind.POOL_EMPTY, Alarm.Kind.LINK_DOWN),
                alarms.stream().map(Alarm::kind).toList());
        assertEquals(Alarm.Severity.CRITICAL, alarms.get(0).severity());
        assertEquals("fso-1", alarms.get(0).subject());
        assertTrue(alarms.get(0).text().contains("QBER 0.15"));
        assertTrue("other node's sink sees nothing", n2.alarms().isEmpty());
    }

    @Test
    public void stateComesFromTheKeyManager() throws Exception {
        Recording n1 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addKeyManager(new OneLinkKmm());
        collector.awaitIdle();
        n1.got.clear();
        collector.publishState();
        LinkTelemetry link = (LinkTelemetry) n1.got.stream().filter(LinkTelemetry.class::isInstance).findFirst().orElseThrow();
        assertEquals("UP", link.state());
        assertEquals(0.03, link.qber(), 0);
        assertEquals(800, link.secretKeyRate(), 0);
        assertEquals(12.5, link.lossDb(), 0);
        PoolTelemetry pool = (PoolTelemetry) n1.got.stream().filter(PoolTelemetry.class::isInstance).findFirst().orElseThrow();
        assertEquals(5, pool.ownKeys());
        assertEquals(100, pool.capacity());
        assertEquals("key authentication: bits spent", 768, pool.authBitsSpent());
        assertEquals("blocks checked (passed or failed)", 42, pool.authCheckedBlocks());
        assertEquals(2, pool.authFailedBlocks());
        KmmCounters k = (KmmCounters) n1.got.stream().filter(KmmCounters.class::isInstance).findFirst().orElseThrow();
        assertEquals(3, k.delivered());
        // QoS allocation (issue 9): one summary per pool
        List<QosTelemetry> qos = n1.got.stream().filter(QosTelemetry.class::isInstance).map(QosTelemetry.class::cast)
                .toList();
        assertEquals(List.of("n2", "n3"), qos.stream().map(QosTelemetry::pool).toList());
        QosTelemetry n2 = qos.get(0);
        assertEquals("n1", n2.node());
        assertEquals(2, n2.consumers());
        assertEquals(1, n2.reserved());
        assertEquals(3200.5, n2.servedBps(), 1e-9);
        assertEquals(150, n2.served());
        assertEquals("refusals of all consumers of the pool", 17, n2.refused());
        assertEquals(4000, n2.refillBps(), 0);
        assertEquals(1, qos.get(1).refused());
    }

    @Test
    public void aRevocationIsAnAlarmForEveryNode() {
        Recording n1 = new Recording();
        Recording n2 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addSink(n2, Map.of(TelemetrySink.NODE_PROPERTY, "n2"));
        collector.identityChanged("0123456789abcdef0123456789abcdef", true);
        collector.identityChanged("fedcba9876543210fedcba9876543210", false);
        assertEquals(1, n1.alarms().size());
        assertEquals(Alarm.Kind.REVOCATION, n1.alarms().get(0).kind());
        assertEquals("n2", n2.alarms().get(0).node());
        assertEquals("0123456789abcdef0123456789abcdef", n2.alarms().get(0).subject());
        assertEquals(2, n1.got.stream().filter(IdentityEvent.class::isInstance).count());
    }

    @Test
    public void aFailingSinkDoesNotStopTheOthers() {
        Recording good = new Recording();
        collector.addSink(new Recording() {
            @Override
            public void alarm(Alarm alarm) {
                throw new IllegalStateException("adapter broken");
            }
        }, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addSink(good, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.POOL_EMPTY, "n1", "fso-1", "", T));
        assertEquals(1, good.alarms().size());
    }

    /** A V2X stack whose refused counter the test moves; only stackId() and statistics() are used. */
    private static V2xStack stack(String id, AtomicLong refused) {
        return stack(id, () -> new StackStatistics(100, 2, 90, 80, 3, refused.get(), 4, 1));
    }

    private static V2xStack stack(String id, java.util.function.Supplier<StackStatistics> statistics) {
        return (V2xStack) Proxy.newProxyInstance(V2xStack.class.getClassLoader(), new Class<?>[] {V2xStack.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "stackId" -> id;
                    case "statistics" -> statistics.get();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "stack " + id;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static DpnEndpoint endpoint(AtomicReference<Map<DpnException.Reason, Long>> refused) {
        return (DpnEndpoint) Proxy.newProxyInstance(DpnEndpoint.class.getClassLoader(),
                new Class<?>[] {DpnEndpoint.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "refusedSetUps" -> refused.get();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "endpoint";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    public void v2xCountersGoToTheSinksOfTheStacksNodeOrToAllWithoutOne() throws Exception {
        Recording n1 = new Recording();
        Recording n2 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addSink(n2, Map.of(TelemetrySink.NODE_PROPERTY, "n2"));
        collector.addStack(stack("rsu-g5", new AtomicLong(7)), Map.of(TelemetrySink.NODE_PROPERTY, "n1",
                V2xStack.STACK, "rsu-g5"));
        collector.awaitIdle(); // a new sink gets the state at once, on the timer thread
        n1.got.clear();
        n2.got.clear();
        collector.publishState();
        assertEquals(1, n1.v2x().size());
        assertTrue("n2's sink gets no counters of n1's stack", n2.v2x().isEmpty());
        V2xCounters c = n1.v2x().get(0);
        assertEquals("n1", c.node());
        assertEquals("rsu-g5", c.adapter());
        assertEquals(100, c.sent());
        assertEquals(2, c.sendFailures());
        assertEquals(90, c.received());
        assertEquals(80, c.delivered());
        assertEquals(3, c.malformed());
        assertEquals(7, c.refused());
        assertEquals(10, c.rejected()); // malformed + refused
        assertEquals(4, c.duplicates());
        assertEquals(1, c.outsideArea());

        collector.addStack(stack("obu-pc5", new AtomicLong()), Map.of(V2xStack.STACK, "obu-pc5"));
        n1.got.clear();
        n2.got.clear();
        collector.publishState();
        assertEquals(2, n1.v2x().size());
        assertEquals(List.of("obu-pc5"), n2.v2x().stream().map(V2xCounters::adapter).toList());
        assertEquals("n2", n2.v2x().get(0).node());
    }

    @Test
    public void refusedV2xFramesRaiseOneAlarmPerStackPerPeriodWithTheCount() {
        Recording n1 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        AtomicLong refused = new AtomicLong();
        V2xStack rsu = stack("rsu-g5", refused);
        collector.addStack(rsu, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.checkAuthFailures();
        assertTrue("nothing refused, no alarm", n1.alarms().isEmpty());

        refused.addAndGet(250); // a flood of forged frames within one period
        collector.checkAuthFailures();
        assertEquals(1, n1.alarms().size());
        Alarm a = n1.alarms().get(0);
        assertEquals(Alarm.Kind.AUTH_FAILURE, a.kind());
        assertEquals(Alarm.Severity.WARNING, a.severity());
        assertEquals("rsu-g5", a.subject());
        assertEquals("n1", a.node());
        assertTrue(a.text(), a.text().contains("refused 250 received frames"));

        collector.checkAuthFailures();
        assertEquals("no growth, no new alarm", 1, n1.alarms().size());
        refused.incrementAndGet();
        collector.checkAuthFailures();
        assertEquals(2, n1.alarms().size());
        assertTrue(n1.alarms().get(1).text(), n1.alarms().get(1).text().contains("refused 1 received frame "));
        assertTrue(n1.alarms().get(1).text(), n1.alarms().get(1).text().contains("251 since the stack started"));

        collector.removeStack(rsu);
        refused.addAndGet(10);
        collector.checkAuthFailures();
        assertEquals("a removed stack is not polled", 2, n1.alarms().size());
    }

    /**
     * A vehicle hears the greetings its RSU sends other vehicles under their keys: refused NO_PSK,
     * another station's traffic, no alarm. Real refusals raise one, naming their causes.
     */
    @Test
    public void otherStationsPskTrafficIsNoAuthFailureAndTheAlarmNamesTheCauses() {
        Recording n1 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        AtomicReference<Map<String, Long>> causes = new AtomicReference<>(Map.of(StackStatistics.NO_PSK, 40L));
        collector.addStack(stack("v7", () -> new StackStatistics(100, 0, 90, 50, 0,
                causes.get().values().stream().mapToLong(Long::longValue).sum(), 0, 0, causes.get())),
                Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.checkAuthFailures();
        assertTrue("only others' PSK traffic: no alarm", n1.alarms().isEmpty());

        causes.set(Map.of(StackStatistics.NO_PSK, 90L, "STALE", 3L, "BAD_SIGNATURE", 1L));
        collector.checkAuthFailures();
        assertEquals(1, n1.alarms().size());
        String text = n1.alarms().get(0).text();
        assertTrue(text, text.contains("refused 4 received frames"));
        assertTrue(text, text.contains("{BAD_SIGNATURE=1, STALE=3}"));
    }

    @Test
    public void keyAuthenticationFailuresRaiseOneAlarmAtOnceAndTheRestOncePerPeriod() {
        Recording n1 = new Recording();
        Recording n2 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addSink(n2, Map.of(TelemetrySink.NODE_PROPERTY, "n2"));
        collector.keyEvent(new KeyEvent(KeyEvent.Type.KEY_AUTHENTICATION_FAILED, "n1", "fso-1",
                "link fso-1 driver sim at node n1: key-check values differ (block b1)", T));
        assertEquals("the first failure alarms at once", 1, n1.alarms().size());
        Alarm a = n1.alarms().get(0);
        assertEquals(Alarm.Kind.KEY_AUTHENTICATION, a.kind());
        assertEquals(Alarm.Severity.MAJOR, a.severity());
        assertEquals("fso-1", a.subject());
        assertEquals("n1", a.node());
        assertTrue(a.text(), a.text().contains("key authentication failed on link fso-1") && a.text().contains("b1"));

        // a driver failing every batch: the rest of the period is held back and counted
        for (int i = 2; i <= 40; i++) {
            collector.keyEvent(new KeyEvent(KeyEvent.Type.KEY_AUTHENTICATION_FAILED, "n1", "fso-1",
                    "key-check values differ (block b" + i + ")", T));
        }
        assertEquals(1, n1.alarms().size());
        // another link alarms on its own
        collector.keyEvent(new KeyEvent(KeyEvent.Type.KEY_AUTHENTICATION_FAILED, "n1", "fso-2", "block c1", T));
        assertEquals(2, n1.alarms().size());

        collector.checkKeyAuthFailures();
        List<Alarm> alarms = n1.alarms();
        assertEquals("one summary for fso-1, none for fso-2 (nothing held back)", 3, alarms.size());
        assertEquals(Alarm.Kind.KEY_AUTHENTICATION, alarms.get(2).kind());
        assertEquals("fso-1", alarms.get(2).subject());
        assertTrue(alarms.get(2).text(), alarms.get(2).text().contains("39 more key authentication failures")
                && alarms.get(2).text().contains("b40"));

        collector.checkKeyAuthFailures(); // a quiet period: nothing, and the links are forgotten
        assertEquals(3, n1.alarms().size());
        collector.checkKeyAuthFailures();
        collector.keyEvent(new KeyEvent(KeyEvent.Type.KEY_AUTHENTICATION_FAILED, "n1", "fso-1", "block b41", T));
        assertEquals("after a quiet period the next failure alarms at once", 4, n1.alarms().size());
        assertTrue("the alarm belongs to n1", n2.alarms().isEmpty());
    }

    @Test
    public void refusedDpnSetUpsRaiseAMajorAuthFailureAlarmNamingTheDau() {
        Recording n1 = new Recording();
        Recording n2 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addSink(n2, Map.of(TelemetrySink.NODE_PROPERTY, "n2"));
        AtomicReference<Map<DpnException.Reason, Long>> refused = new AtomicReference<>(Map.of());
        collector.addEndpoint(endpoint(refused), Map.of(TelemetrySink.NODE_PROPERTY, "n1", "dau.name", "dau-n1"));
        collector.checkAuthFailures();
        assertTrue(n1.alarms().isEmpty());
        refused.set(Map.of(DpnException.Reason.AUTHENTICATION_FAILED, 2L, DpnException.Reason.REVOKED, 1L));
        collector.checkAuthFailures();
        collector.checkAuthFailures();
        assertEquals(1, n1.alarms().size());
        Alarm a = n1.alarms().get(0);
        assertEquals(Alarm.Kind.AUTH_FAILURE, a.kind());
        assertEquals(Alarm.Severity.MAJOR, a.severity());
        assertEquals("dau-n1", a.subject());
        assertTrue(a.text(), a.text().contains("refused 3 session set-ups") && a.text().contains("AUTHENTICATION_FAILED=2"));
        assertTrue("the endpoint belongs to n1", n2.alarms().isEmpty());
    }

    @Test
    public void aStackThatFailsIsSkipped() throws Exception {
        Recording n1 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        V2xStack broken = (V2xStack) Proxy.newProxyInstance(V2xStack.class.getClassLoader(),
                new Class<?>[] {V2xStack.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new IllegalStateException("stack stopping");
                });
        collector.addStack(broken, Map.of());
        collector.addStack(stack("ok", new AtomicLong(1)), Map.of());
        collector.awaitIdle();
        n1.got.clear();
        collector.publishState();
        collector.checkAuthFailures();
        assertEquals(List.of("ok"), n1.v2x().stream().map(V2xCounters::adapter).toList());
        assertEquals(1, n1.alarms().size());
    }

    @Test
    public void keyEventsAfterDeactivationDoNotThrowIntoTheKmm() {
        Recording n1 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.deactivate();
        // a KMM thread still delivering an event while SCR deactivates the collector
        collector.keyEvent(new KeyEvent(KeyEvent.Type.POOL_LOW, "n1", "fso-1", "", T));
        collector.addKeyManager(new OneLinkKmm());
    }
}
