package org.qkdv2i.telemetry.mqtt.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.V2xCounters;

/** The publisher against a real Mosquitto broker, checked by a Paho subscriber. */
public class MqttTelemetryBrokerTest {

    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    private Mosquitto broker;
    private MqttTelemetry publisher;

    @Before
    public void broker() throws Exception {
        broker = new Mosquitto();
    }

    @After
    public void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private MqttTelemetry publisher(String node, int bufferSize) throws Exception {
        MqttTelemetry p = new MqttTelemetry(new MqttTelemetry.Settings(broker.url(), "pub-" + node, node, "qkdv2i",
                "", new char[0], null, bufferSize, 100, 1000, 30, 5000));
        p.start();
        return p;
    }

    private static Alarm alarm(String subject) {
        return new Alarm(Alarm.Kind.EAVESDROPPING, Alarm.Severity.CRITICAL, "n1", subject, T, "QBER 0.14 > 0.11");
    }

    @Test
    public void stateIsRetainedAlarmsAreNotAndStatusIsOnline() throws Exception {
        publisher = publisher("n1", 100);
        try (Subscriber live = new Subscriber(broker.url(), "live", false, "qkdv2i/n1/alarms")) {
            publisher.link(new LinkTelemetry("n1", "fso/1", "UP", 0.021, 1250.5, Double.NaN, "", T));
            publisher.pool(new PoolTelemetry("n1", "fso/1", "n2", 40, 38, 1000, 100, 7, 1, 768, 42, 2, T));
            publisher.alarm(alarm("fso/1"));
            Await.until("alarm at live subscriber", 10_000, () -> !live.received.isEmpty());
            Subscriber.Received a = live.received.get(0);
            assertEquals(1, a.qos());
            assertFalse("alarms are not retained", a.retained());
            assertEquals("{\"kind\":\"EAVESDROPPING\",\"severity\":\"CRITICAL\",\"node\":\"n1\",\"subject\":\"fso/1\","
                    + "\"time\":\"2026-11-27T10:00:00Z\",\"text\":\"QBER 0.14 > 0.11\"}", a.payload());
        }
        Await.until("3 messages acknowledged", 10_000, () -> publisher.status().sent() == 3);

        // a late subscriber gets the retained state and status, but no old alarm
        try (Subscriber late = new Subscriber(broker.url(), "late", false, "qkdv2i/n1/#")) {
            Await.until("retained state", 10_000, () -> late.received.size() >= 3, () -> late.received.toString());
            String link = late.on("qkdv2i/n1/links/fso_1/state").get(0).payload();
            assertEquals("{\"node\":\"n1\",\"link\":\"fso/1\",\"state\":\"UP\",\"qber\":0.021,\"skr\":1250.5,"
                    + "\"lossDb\":null,\"reason\":\"\",\"time\":\"2026-11-27T10:00:00Z\"}", link);
            Subscriber.Received pool = late.on("qkdv2i/n1/pools/fso_1").get(0);
            assertTrue(pool.retained());
            assertTrue(pool.payload(), pool.payload().contains("\"ownKeys\":40,\"peerKeys\":38,\"capacity\":1000"));
            // issue 9: key authentication counters of the link (bits spent, blocks checked and failed)
            assertTrue(pool.payload(), pool.payload().contains(
                    "\"authBitsSpent\":768,\"authCheckedBlocks\":42,\"authFailedBlocks\":2"));
            Subscriber.Received status = late.on("qkdv2i/n1/status").get(0);
            assertEquals("online", status.payload());
            assertTrue(status.retained());
            assertTrue("no retained alarm", late.on("qkdv2i/n1/alarms").isEmpty());
        }
        assertTrue(publisher.status().connected());
        assertEquals(0, publisher.status().droppedState() + publisher.status().droppedAlarms());
    }

    @Test
    public void aKeyAuthenticationAlarmGoesToTheAlarmsTopic() throws Exception {
        publisher = publisher("n5", 100);
        try (Subscriber live = new Subscriber(broker.url(), "live5", false, "qkdv2i/n5/alarms")) {
            publisher.alarm(new Alarm(Alarm.Kind.KEY_AUTHENTICATION, Alarm.Severity.MAJOR, "n5", "fso-1", T,
                    "key authentication failed on link fso-1: key-check values differ"));
            Await.until("alarm at live subscriber", 10_000, () -> !live.received.isEmpty());
            Subscriber.Received a = live.received.get(0);
            assertEquals(1, a.qos());
            assertFalse(a.retained());
            assertEquals("{\"kind\":\"KEY_AUTHENTICATION\",\"severity\":\"MAJOR\",\"node\":\"n5\","
                    + "\"subject\":\"fso-1\",\"time\":\"2026-11-27T10:00:00Z\",\"text\":\"key authentication "
                    + "failed on link fso-1: key-check values differ\"}", a.payload());
        }
    }

    @Test
    public void qosSummaryIsRetainedStatePerPool() throws Exception {
        publisher = publisher("n8", 100);
        publisher.qos(new QosTelemetry("n8", "bs/2", 2, 1, 3200.5, 150, 17, 4000, T));
        Await.until("acknowledged", 10_000, () -> publisher.status().sent() == 1);
        try (Subscriber late = new Subscriber(broker.url(), "late8", false, "qkdv2i/n8/qos/+")) {
            Await.until("retained qos summary", 10_000, () -> !late.received.isEmpty());
            Subscriber.Received r = late.received.get(0);
            assertEquals("qkdv2i/n8/qos/bs_2", r.topic());
            assertTrue(r.retained());
            assertEquals("{\"node\":\"n8\",\"pool\":\"bs/2\",\"consumers\":2,\"reserved\":1,\"servedBps\":3200.5,"
                    + "\"served\":150,\"refused\":17,\"refillBps\":4000.0,\"time\":\"2026-11-27T10:00:00Z\"}",
                    r.payload());
        }
    }

    @Test
    public void v2xCountersAreRetainedStateWithEveryCounter() throws Exception {
        publisher = publisher("n6", 100);
        publisher.v2x(new V2xCounters("n6", "rsu/g5", 100, 90, 10, 2, 80, 3, 7, 4, 1, T));
        Await.until("acknowledged", 10_000, () -> publisher.status().sent() == 1);
        try (Subscriber late = new Subscriber(broker.url(), "late6", false, "qkdv2i/n6/v2x/+")) {
            Await.until("retained v2x counters", 10_000, () -> !late.received.isEmpty());
            Subscriber.Received r = late.received.get(0);
            assertEquals("qkdv2i/n6/v2x/rsu_g5", r.topic());
            assertTrue(r.retained());
            assertEquals("{\"node\":\"n6\",\"adapter\":\"rsu/g5\",\"sent\":100,\"received\":90,\"rejected\":10,"
                    + "\"sendFailures\":2,\"delivered\":80,\"malformed\":3,\"refused\":7,\"duplicates\":4,"
                    + "\"outsideArea\":1,\"time\":\"2026-11-27T10:00:00Z\"}", r.payload());
        }
    }

    @Test
    public void manyAlarmsArriveInOrderWithSeveralInFlight() throws Exception {
        publisher = publisher("n7", 5000);
        try (Subscriber s = new Subscriber(broker.url(), "ops7", false, "qkdv2i/n7/alarms")) {
            for (int i = 0; i < 2000; i++) {
                publisher.alarm(new Alarm(Alarm.Kind.LINK_DOWN, Alarm.Severity.MAJOR, "n7", "a" + i, T, ""));
            }
            Await.until("2000 alarms", 30_000, () -> s.received.size() >= 2000, () -> publisher.status().toString());
            // one connection, no loss: exactly once and in the order raised (MQTT 5.0 §4.6)
            for (int i = 0; i < 2000; i++) {
                assertTrue(s.received.get(i).payload(), s.received.get(i).payload().contains("\"subject\":\"a" + i + "\""));
            }
            Await.until("all acknowledged", 10_000, () -> publisher.status().sent() == 2000 && publisher.status().buffered() == 0);
        }
    }

    @Test
    public void lastWillSaysOfflineWhenThePublisherVanishes() throws Exception {
        publisher = publisher("n2", 100);
        try (Subscriber s = new Subscriber(broker.url(), "watch", false, "qkdv2i/n2/status")) {
            Await.until("online", 10_000, () -> s.received.stream().anyMatch(r -> r.payload().equals("online")));
            publisher.abort(); // socket closed without DISCONNECT, as if the process were killed
            publisher = null;
            Await.until("Last Will offline", 10_000,
                    () -> s.received.stream().anyMatch(r -> r.payload().equals("offline")), () -> s.received.toString());
        }
        try (Subscriber late = new Subscriber(broker.url(), "late2", false, "qkdv2i/n2/status")) {
            Await.until("retained offline", 10_000, () -> !late.received.isEmpty());
            assertEquals("offline", late.received.get(0).payload());
            assertTrue(late.received.get(0).retained());
        }
    }

    @Test
    public void cleanCloseAlsoPublishesOffline() throws Exception {
        publisher = publisher("n3", 100);
        try (Subscriber s = new Subscriber(broker.url(), "watch3", false, "qkdv2i/n3/status")) {
            Await.until("online", 10_000, () -> s.received.stream().anyMatch(r -> r.payload().equals("online")));
            publisher.close();
            publisher = null;
            Await.until("offline", 10_000, () -> s.received.stream().anyMatch(r -> r.payload().equals("offline")));
        }
    }

    @Test
    public void noAlarmIsLostAcrossABrokerRestart() throws Exception {
        publisher = publisher("n1", 1000);
        try (Subscriber s = new Subscriber(broker.url(), "scada", true, "qkdv2i/n1/alarms")) {
            for (int i = 0; i < 5; i++) {
                publisher.alarm(alarm("a" + i));
            }
            Await.until("first alarms acknowledged", 10_000, () -> publisher.status().sent() >= 5);
            broker.stop();
            Await.until("publisher notices the broker is gone", 10_000, () -> !publisher.status().connected());
            for (int i = 5; i < 15; i++) {
                publisher.alarm(alarm("a" + i)); // buffered while the broker is down
                publisher.link(new LinkTelemetry("n1", "fso/1", "DOWN", Double.NaN, 0, Double.NaN, "restart " + i, T));
            }
            assertTrue("buffered: " + publisher.status(), publisher.status().buffered() >= 10);
            broker.start();
            for (int i = 15; i < 20; i++) {
                publisher.alarm(alarm("a" + i));
            }
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 20; i++) {
                expected.add("a" + i);
            }
            Await.until("all 20 alarms at the subscriber", 30_000, () -> subjects(s).containsAll(expected),
                    () -> "got " + subjects(s) + " publisher " + publisher.status());
            assertEquals(expected, subjects(s)); // QoS 1 may duplicate; a set shows none is missing
            Await.until("buffer drained", 10_000, () -> publisher.status().buffered() == 0);
            assertEquals(0, publisher.status().droppedAlarms());
            assertEquals(0, publisher.status().droppedState());
        }
    }

    private static Set<String> subjects(Subscriber s) {
        return s.received.stream().map(r -> r.payload().replaceAll(".*\"subject\":\"([^\"]*)\".*", "$1"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    public void overflowWhileOfflineDropsStateBeforeAlarmsAndCountsIt() throws Exception {
        broker.stop();
        publisher = publisher("n4", 4);
        for (int i = 0; i < 3; i++) {
            publisher.pool(new PoolTelemetry("n4", "l" + i, "n5", i, i, 10, 1, 0, 0, T));
        }
        for (int i = 0; i < 4; i++) {
            publisher.alarm(new Alarm(Alarm.Kind.POOL_EMPTY, Alarm.Severity.MAJOR, "n4", "l" + i, T, ""));
        }
        assertEquals(3, publisher.status().droppedState());
        assertEquals(0, publisher.status().droppedAlarms());
        publisher.alarm(new Alarm(Alarm.Kind.LINK_DOWN, Alarm.Severity.MAJOR, "n4", "l9", T, ""));
        assertEquals(1, publisher.status().droppedAlarms()); // only alarms left: the oldest goes
        broker.start();
        try (Subscriber s = new Subscriber(broker.url(), "n4sub", false, "qkdv2i/n4/alarms")) {
            // the 4 buffered alarms arrive once the publisher's backoff brings it back
            Await.until("replayed alarms", 20_000, () -> s.received.size() >= 4 || publisher.status().buffered() == 0,
                    () -> publisher.status().toString());
        }
        // a PUBACK removes the message from the buffer, then counts it as sent: await the count, not the buffer alone
        Await.until("reconnected, drained and the 4 alarms counted as sent", 20_000,
                () -> publisher.status().buffered() == 0 && publisher.status().sent() >= 4,
                () -> publisher.status().toString());
        assertEquals(4, publisher.status().sent());
    }
}
