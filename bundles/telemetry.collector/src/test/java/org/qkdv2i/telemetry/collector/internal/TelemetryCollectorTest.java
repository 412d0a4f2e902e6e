package org.qkdv2i.telemetry.collector.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;

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
        public SinkStatus status() {
            return new SinkStatus("test", "n1", "", true, got.size(), 0, 0, 0);
        }

        List<Alarm> alarms() {
            return got.stream().filter(Alarm.class::isInstance).map(Alarm.class::cast).toList();
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
    public void stateComesFromTheKeyManager() {
        Recording n1 = new Recording();
        collector.addSink(n1, Map.of(TelemetrySink.NODE_PROPERTY, "n1"));
        collector.addKeyManager(new OneLinkKmm());
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
        KmmCounters k = (KmmCounters) n1.got.stream().filter(KmmCounters.class::isInstance).findFirst().orElseThrow();
        assertEquals(3, k.delivered());
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
}
