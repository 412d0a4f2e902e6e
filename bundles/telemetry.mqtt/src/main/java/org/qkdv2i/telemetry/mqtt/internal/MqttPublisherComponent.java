package org.qkdv2i.telemetry.mqtt.internal;

import java.nio.file.Path;
import java.util.Arrays;

import javax.net.SocketFactory;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.RelayTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;
import org.qkdv2i.telemetry.api.V2xCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT publisher per factory configuration (a node may feed several brokers). Registered as a
 * {@link TelemetrySink} with service property {@code qkd.node}; the collector feeds it.
 */
// immediate: connected as soon as configured, and not deactivated (disconnect, reconnect) whenever
// its only user, the collector, restarts or lets it go
@Component(configurationPid = MqttPublisherComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = TelemetrySink.class, immediate = true)
@Designate(ocd = MqttPublisherComponent.Config.class, factory = true)
public final class MqttPublisherComponent implements TelemetrySink {

    static final String PID = "org.qkdv2i.telemetry.mqtt.Publisher";
    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisherComponent.class);

    @ObjectClassDefinition(name = "QKD-V2I MQTT telemetry publisher",
            description = "Publishes a node's link, pool and KMM state (retained) and alarms (QoS 1) to an MQTT v5 broker.")
    public @interface Config {
        @AttributeDefinition(name = "Node", description = "node ID whose telemetry is published (service property qkd.node)")
        String qkd_node();

        @AttributeDefinition(name = "Broker URL", description = "tcp://host:1883 or ssl://host:8883")
        String brokerUrl() default "tcp://localhost:1883";

        @AttributeDefinition(name = "Client ID", description = "empty: qkdv2i-{node}", required = false)
        String clientId() default "";

        @AttributeDefinition(name = "Topic prefix")
        String topicPrefix() default "qkdv2i";

        @AttributeDefinition(name = "User name", required = false)
        String username() default "";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
        String _password() default "";

        @AttributeDefinition(name = "TLS trust store", description = "CA certificates trusted for the broker (ssl:// URLs): "
                + "PEM bundle (.pem, .crt) or PKCS12; empty: the JVM's default trust store", required = false)
        String trustStore() default "";

        @AttributeDefinition(name = "TLS trust store password", description = "PKCS12 trust stores only",
                type = AttributeType.PASSWORD, required = false)
        String _trustStorePassword() default "";

        @AttributeDefinition(name = "TLS client key store", description = "PKCS12 with this node's client key and "
                + "certificate chain, presented to the broker (mutual TLS); empty: no client certificate", required = false)
        String keyStore() default "";

        @AttributeDefinition(name = "TLS client key store password", type = AttributeType.PASSWORD, required = false)
        String _keyStorePassword() default "";

        @AttributeDefinition(name = "TLS protocols", description = "enabled TLS versions (ssl:// URLs)")
        String[] tlsProtocols() default {"TLSv1.3"};

        @AttributeDefinition(name = "Buffer size", description = "messages kept while the broker is away; state is dropped before alarms")
        int bufferSize() default 10000;

        @AttributeDefinition(name = "Reconnect: first delay (ms)")
        long reconnectInitialMillis() default 500;

        @AttributeDefinition(name = "Reconnect: longest delay (ms)")
        long reconnectMaxMillis() default 30000;

        @AttributeDefinition(name = "Keep alive (s)")
        int keepAliveSeconds() default 30;

        @AttributeDefinition(name = "Acknowledgement timeout (ms)")
        long ackTimeoutMillis() default 5000;

        @AttributeDefinition(name = "Messages in flight", description = "QoS 1 messages sent before their PUBACK, at "
                + "most (capped by the broker's Receive Maximum); order is kept either way", min = "1", max = "65535")
        int maxInflight() default 16;
    }

    private final MqttTelemetry mqtt;

    @Activate
    public MqttPublisherComponent(Config c) throws Exception {
        String node = c.qkd_node();
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException(PID + ": qkd.node is required");
        }
        String clientId = c.clientId().isBlank() ? "qkdv2i-" + node : c.clientId();
        MqttTelemetry.Settings s = new MqttTelemetry.Settings(c.brokerUrl(), clientId, node, c.topicPrefix(),
                c.username(), c._password().toCharArray(), socketFactory(c), c.bufferSize(),
                c.reconnectInitialMillis(), c.reconnectMaxMillis(), c.keepAliveSeconds(), c.ackTimeoutMillis(),
                Math.max(1, c.maxInflight()));
        mqtt = new MqttTelemetry(s);
        mqtt.start();
    }

    /** Bouncy Castle JSSE for ssl:// URLs (null for tcp://: Paho's plain socket). */
    private static SocketFactory socketFactory(Config c) throws Exception {
        boolean tlsSettings = !c.trustStore().isBlank() || !c.keyStore().isBlank();
        if (!c.brokerUrl().trim().toLowerCase(java.util.Locale.ROOT).startsWith("ssl://")) {
            if (tlsSettings) {
                LOG.warn("node {}: MQTT broker URL {} is not ssl://: trustStore/keyStore ignored, the connection is "
                        + "NOT encrypted", c.qkd_node(), c.brokerUrl());
            }
            return null;
        }
        char[] ksPw = c._keyStorePassword().toCharArray();
        char[] tsPw = c._trustStorePassword().toCharArray();
        try {
            return MqttTls.socketFactory(new BouncyCastleProvider(),
                    c.keyStore().isBlank() ? null : Path.of(c.keyStore().trim()), ksPw,
                    c.trustStore().isBlank() ? null : Path.of(c.trustStore().trim()), tsPw,
                    java.util.Arrays.stream(c.tlsProtocols()).map(String::trim).filter(p -> !p.isEmpty()).toList());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            // one readable line, no stack trace: the component stays inactive until the configuration is fixed
            LOG.error("node {}: MQTT publisher to {} not started: TLS key or trust store unusable: {}", c.qkd_node(),
                    c.brokerUrl(), e.getMessage());
            throw e;
        } finally {
            Arrays.fill(ksPw, '\0');
            Arrays.fill(tsPw, '\0');
        }
    }

    @Deactivate
    void deactivate() {
        mqtt.close();
    }

    @Override
    public void link(LinkTelemetry link) {
        mqtt.link(link);
    }

    @Override
    public void pool(PoolTelemetry pool) {
        mqtt.pool(pool);
    }

    @Override
    public void kmm(KmmCounters counters) {
        mqtt.kmm(counters);
    }

    @Override
    public void relay(RelayTelemetry relay) {
        mqtt.relay(relay);
    }

    @Override
    public void qos(QosTelemetry qos) {
        mqtt.qos(qos);
    }

    @Override
    public void identity(IdentityEvent event) {
        mqtt.identity(event);
    }

    @Override
    public void v2x(V2xCounters counters) {
        mqtt.v2x(counters);
    }

    @Override
    public void alarm(Alarm alarm) {
        mqtt.alarm(alarm);
    }

    @Override
    public SinkStatus status() {
        return mqtt.status();
    }
}
