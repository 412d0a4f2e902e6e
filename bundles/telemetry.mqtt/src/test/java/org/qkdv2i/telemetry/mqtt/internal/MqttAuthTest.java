package org.qkdv2i.telemetry.mqtt.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import org.junit.After;
import org.junit.Test;

/** Username and password against a Mosquitto that refuses anonymous clients. */
public class MqttAuthTest {

    private Mosquitto broker;
    private MqttTelemetry good;
    private MqttTelemetry bad;

    @After
    public void stop() throws Exception {
        if (good != null) {
            good.close();
        }
        if (bad != null) {
            bad.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private MqttTelemetry publisher(String node, String password) throws Exception {
        MqttTelemetry p = new MqttTelemetry(new MqttTelemetry.Settings(broker.url(), "pub-" + node, node, "qkdv2i",
                "node", password.toCharArray(), null, 100, 100, 1000, 30, 5000));
        p.start();
        return p;
    }

    @Test
    public void rightPasswordPublishesWrongPasswordIsRefusedAndRetried() throws Exception {
        broker = new Mosquitto("node", "s3cret-pw");
        try (Subscriber s = new Subscriber(broker.url(), "ops", "node", "s3cret-pw", false, "qkdv2i/+/status")) {
            bad = publisher("bad", "wrong");
            good = publisher("good", "s3cret-pw");
            Await.until("good node online", 10_000, () -> s.received.stream()
                    .anyMatch(r -> r.topic().equals("qkdv2i/good/status") && r.payload().equals("online")));
            // the refused publisher keeps retrying with backoff and never gets through
            Await.until("bad node refused and retried", 10_000, () -> bad.connectAttempts() >= 3);
            assertFalse(bad.status().connected());
            assertEquals(0, s.on("qkdv2i/bad/status").size());
        }
    }
}
