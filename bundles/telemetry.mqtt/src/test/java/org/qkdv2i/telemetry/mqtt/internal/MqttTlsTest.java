package org.qkdv2i.telemetry.mqtt.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.SocketFactory;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.tls.DevPki;

/**
 * Mutual TLS against a real Mosquitto whose TLS listener requires a client certificate
 * ({@code require_certificate true}). Certificates are generated at test time with Bouncy
 * Castle (DevPki: ECDSA P-256 CA, broker and node certificates) in a temporary folder; a
 * second, unrelated CA plays the attacker. Test subscribers use the broker's plain listener.
 */
public class MqttTlsTest {

    private static final char[] PW = "test-only-pw".toCharArray();
    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static DevPki.Result pki;
    private static DevPki.Result rogue;
    private static Mosquitto broker;

    private MqttTelemetry publisher;

    @BeforeClass
    public static void start() throws Exception {
        Path dir = TMP.newFolder("pki").toPath();
        pki = DevPki.init(dir, List.of("broker", "n1", "n2", "n3"), List.of(), PW);
        rogue = DevPki.init(TMP.newFolder("rogue").toPath(), List.of("broker", "n9"), List.of(), PW);
        broker = new Mosquitto(new Mosquitto.Tls(pki.caCertificate(), dir.resolve("node-broker.pem"),
                dir.resolve("node-broker-key.pem")));
    }

    @AfterClass
    public static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @After
    public void stop() {
        if (publisher != null) {
            publisher.close();
        }
    }

    private MqttTelemetry publisher(String node, SocketFactory tls) throws Exception {
        MqttTelemetry p = new MqttTelemetry(new MqttTelemetry.Settings(broker.tlsUrl(), "pub-" + node, node, "qkdv2i",
                "", new char[0], tls, 100, 100, 1000, 30, 5000));
        p.start();
        return p;
    }

    private static SocketFactory tls(Path keyStore, Path trust) throws Exception {
        return MqttTls.socketFactory(BC, keyStore, PW.clone(), trust, null, List.of("TLSv1.3"));
    }

    @Test
    public void aClientCertificateOfTheBrokersCaPublishesOverTls13() throws Exception {
        // the client enables TLSv1.3 only (tls()): connecting at all means TLS 1.3 was negotiated
        try (Subscriber s = new Subscriber(broker.url(), "ops1", false, "qkdv2i/n1/#")) {
            publisher = publisher("n1", tls(pki.nodeKeyStore("n1"), pki.caCertificate()));
            publisher.alarm(new Alarm(Alarm.Kind.AUTH_FAILURE, Alarm.Severity.WARNING, "n1", "rsu-g5", T, "over TLS"));
            Await.until("alarm through the TLS listener", 15_000, () -> !s.on("qkdv2i/n1/alarms").isEmpty(),
                    () -> publisher.status().toString());
            assertTrue(s.on("qkdv2i/n1/alarms").get(0).payload().contains("\"text\":\"over TLS\""));
            assertTrue(publisher.status().connected());
            assertEquals(broker.tlsUrl(), publisher.status().endpoint());
        }
    }

    @Test
    public void aClientCertificateOfAnotherCaIsRefusedByTheBroker() throws Exception {
        try (Subscriber s = new Subscriber(broker.url(), "ops2", false, "qkdv2i/n9/#")) {
            // trusts the right broker, but its own certificate comes from the attacker's CA
            publisher = publisher("n9", tls(rogue.nodeKeyStore("n9"), pki.caCertificate()));
            publisher.alarm(new Alarm(Alarm.Kind.AUTH_FAILURE, Alarm.Severity.WARNING, "n9", "x", T, "forged"));
            Await.until("refused and retried", 15_000, () -> publisher.connectAttempts() >= 3);
            assertFalse(publisher.status().connected());
            assertEquals(0, publisher.status().sent());
            assertEquals(1, publisher.status().buffered()); // the alarm stays buffered for a good connection
            assertTrue("nothing from the rogue node", s.received.isEmpty());
        }
    }

    @Test
    public void noClientCertificateIsRefused() throws Exception {
        publisher = publisher("n2", tls(null, pki.caCertificate()));
        Await.until("refused and retried", 15_000, () -> publisher.connectAttempts() >= 3);
        assertFalse(publisher.status().connected());
    }

    @Test
    public void aBrokerCertifiedByAnotherCaIsRefusedByThePublisher() throws Exception {
        // a valid client certificate, but the publisher trusts only the attacker's CA
        publisher = publisher("n3", tls(pki.nodeKeyStore("n3"), rogue.caCertificate()));
        // the error is recorded after each failed attempt, and a loaded runner may time an attempt out
        // instead: await the refusal's own cause as the last error
        Await.until("refused for the certificate chain and retried", 15_000, () -> publisher.connectAttempts() >= 3
                && publisher.lastConnectError() != null
                && publisher.lastConnectError().contains("Unable to find certificate chain"),
                () -> "last error: " + publisher.lastConnectError());
        assertFalse(publisher.status().connected());
        assertFalse("the broker never saw a client of n3", broker.log().contains("pub-n3"));
    }

    /** The component reads the same settings from its configuration (as from a .cfg in deploy/). */
    @Test
    public void theComponentConnectsWithMutualTlsFromItsConfiguration() throws Exception {
        MqttPublisherComponent.Config c = config(Map.of("qkd.node", "n1", "clientId", "comp-n1",
                "brokerUrl", broker.tlsUrl(), "keyStore", pki.nodeKeyStore("n1").toString(),
                ".keyStorePassword", new String(PW), "trustStore", pki.caCertificate().toString()));
        try (Subscriber s = new Subscriber(broker.url(), "ops5", false, "qkdv2i/n1/status")) {
            MqttPublisherComponent comp = new MqttPublisherComponent(c);
            try {
                // the publisher marks itself connected after the broker acknowledged "online", so a subscriber
                // can see "online" first: await both
                Await.until("online over TLS and the component connected", 15_000, () -> s.received.stream()
                        .anyMatch(r -> r.payload().equals("online")) && comp.status().connected(),
                        () -> comp.status().toString());
            } finally {
                comp.deactivate();
            }
        }
    }

    @Test
    public void aWrongKeyStorePasswordKeepsTheComponentInactive() {
        MqttPublisherComponent.Config c = config(Map.of("qkd.node", "n1", "brokerUrl", broker.tlsUrl(),
                "keyStore", pki.nodeKeyStore("n1").toString(), ".keyStorePassword", "wrong",
                "trustStore", pki.caCertificate().toString()));
        try {
            new MqttPublisherComponent(c).deactivate();
            org.junit.Assert.fail("activation must fail");
        } catch (Exception e) {
            // SCR leaves the component inactive; the component logged one ERROR line naming the cause
            assertTrue(e.toString(), e instanceof java.io.IOException || e instanceof java.security.GeneralSecurityException);
        }
    }

    /** A configuration as SCR builds it: the given properties, the annotation's defaults for the rest. */
    static MqttPublisherComponent.Config config(Map<String, Object> props) {
        return (MqttPublisherComponent.Config) Proxy.newProxyInstance(MqttPublisherComponent.Config.class.getClassLoader(),
                new Class<?>[] {MqttPublisherComponent.Config.class}, (proxy, m, args) -> {
                    // DS 1.4 §112.8.2.2: '_' -> '.', '__' -> '_' ; a leading "_" becomes "."
                    String key = m.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
                    Object v = props.get(key);
                    return v != null ? v : m.getDefaultValue();
                });
    }
}
