package org.qkdv2i.telemetry.mqtt.internal;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
import org.qkdv2i.telemetry.api.RelayTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;
import org.qkdv2i.telemetry.api.V2xCounters;

/**
 * One MQTT publisher per factory configuration (a node may feed several brokers). Registered as a
 * {@link TelemetrySink} with service property {@code qkd.node}; the collector feeds it.
 */
@Component(configurationPid = MqttPublisherComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = TelemetrySink.class)
@Designate(ocd = MqttPublisherComponent.Config.class, factory = true)
public final class MqttPublisherComponent implements TelemetrySink {

    static final String PID = "org.qkdv2i.telemetry.mqtt.Publisher";

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

        @AttributeDefinition(name = "TLS trust store", description = "PKCS12 file with the broker's CA (ssl:// URLs); empty: JVM default", required = false)
        String trustStore() default "";

        @AttributeDefinition(name = "TLS trust store password", type = AttributeType.PASSWORD, required = false)
        String _trustStorePassword() default "";

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
                c.reconnectInitialMillis(), c.reconnectMaxMillis(), c.keepAliveSeconds(), c.ackTimeoutMillis());
        mqtt = new MqttTelemetry(s);
        mqtt.start();
    }

    private static SocketFactory socketFactory(Config c) throws Exception {
        if (c.trustStore().isBlank()) {
            return null; // tcp://, or ssl:// with the JVM's trust store
        }
        char[] pw = c._trustStorePassword().toCharArray();
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(c.trustStore()))) {
            ts.load(in, pw);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        java.util.Arrays.fill(pw, '\0');
        return ctx.getSocketFactory();
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
