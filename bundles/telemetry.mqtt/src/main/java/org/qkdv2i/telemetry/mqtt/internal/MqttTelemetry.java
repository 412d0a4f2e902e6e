package org.qkdv2i.telemetry.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.SocketFactory;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
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
 * MQTT v5 publisher of one node's telemetry (topic tree in README.md). Callers never block on the
 * network: messages go to a bounded {@link OutboundBuffer}; one worker thread connects, drains the
 * buffer and removes a message only after the broker acknowledged it (QoS 1), so alarms raised
 * while the broker is away are replayed after the reconnect.
 */
final class MqttTelemetry implements TelemetrySink, AutoCloseable {

    /** @param maxInflight QoS 1 messages sent but not yet acknowledged, at most (capped by the broker's Receive Maximum) */
    record Settings(String brokerUrl, String clientId, String node, String prefix, String username,
            char[] password, SocketFactory socketFactory, int bufferSize, long backoffInitialMillis,
            long backoffMaxMillis, int keepAliveSeconds, long ackTimeoutMillis, int maxInflight) {

        static final int DEFAULT_MAX_INFLIGHT = 16;

        Settings(String brokerUrl, String clientId, String node, String prefix, String username, char[] password,
                SocketFactory socketFactory, int bufferSize, long backoffInitialMillis, long backoffMaxMillis,
                int keepAliveSeconds, long ackTimeoutMillis) {
            this(brokerUrl, clientId, node, prefix, username, password, socketFactory, bufferSize,
                    backoffInitialMillis, backoffMaxMillis, keepAliveSeconds, ackTimeoutMillis, DEFAULT_MAX_INFLIGHT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(MqttTelemetry.class);
    private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private final Settings settings;
    private final String base;
    private final OutboundBuffer buffer;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong inflightRetries = new AtomicLong();
    private final MqttAsyncClient client;
    // written and read on the worker thread only, except the volatile reads for status()
    private volatile boolean connected;
    private volatile boolean closed;
    /** Messages in flight at most on this connection: maxInflight capped by the broker's Receive Maximum. */
    private volatile int window = 1;
    /** Incremented per connection: late callbacks of a lost connection must not count as failures of the next. */
    private volatile long epoch;
    private volatile String lastConnectError;
    private long backoff;

    MqttTelemetry(Settings settings) throws MqttException {
        this.settings = settings;
        this.base = settings.prefix() + "/" + level(settings.node()) + "/";
        this.buffer = new OutboundBuffer(settings.bufferSize());
        this.backoff = settings.backoffInitialMillis();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-telemetry-" + settings.node());
            t.setDaemon(true);
            return t;
        });
        this.client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
    }

    void start() {
        worker.execute(this::connect);
        long check = Math.max(50, settings.ackTimeoutMillis() / 2);
        worker.scheduleWithFixedDelay(this::checkAcks, check, check, TimeUnit.MILLISECONDS);
    }

    /** Topic of the node's liveness ("online" / "offline", retained; Last Will). */
    String statusTopic() {
        return base + "status";
    }

    String topic(String suffix) {
        return base + suffix;
    }

    /** MQTT topic levels must not contain '/', '+' or '#' (MQTT 5.0 §4.7): IDs are escaped. */
    static String level(String id) {
        return id.replace('/', '_').replace('+', '_').replace('#', '_');
    }

    // ---- TelemetrySink ----

    @Override
    public void link(LinkTelemetry l) {
        state("links/" + level(l.link()) + "/state", new Json().put("node", l.node()).put("link", l.link())
                .put("state", l.state()).put("qber", l.qber()).put("skr", l.secretKeyRate())
                .put("lossDb", l.lossDb()).put("reason", l.reason()).put("time", l.time()));
    }

    @Override
    public void pool(PoolTelemetry p) {
        state("pools/" + level(p.link()), new Json().put("node", p.node()).put("link", p.link())
                .put("peer", p.peerNode()).put("ownKeys", p.ownKeys()).put("peerKeys", p.peerKeys())
                .put("capacity", p.capacity()).put("lowWater", p.lowWater()).put("delivered", p.delivered())
                .put("expired", p.expired()).put("authBitsSpent", p.authBitsSpent())
                .put("authCheckedBlocks", p.authCheckedBlocks()).put("authFailedBlocks", p.authFailedBlocks())
                .put("time", p.time()));
    }

    @Override
    public void kmm(KmmCounters k) {
        state("kmm", new Json().put("node", k.node()).put("pools", k.pools()).put("saes", k.saes())
                .put("delivered", k.delivered()).put("expired", k.expired()).put("time", k.time()));
    }

    @Override
    public void relay(RelayTelemetry r) {
        state("relay/" + level(r.link()), new Json().put("node", r.node()).put("link", r.link())
                .put("peer", r.peerNode()).put("keysSent", r.keysSent()).put("keysReceived", r.keysReceived())
                .put("linkKeyBits", r.linkKeyBits()).put("voided", r.voided()).put("time", r.time()));
    }

    @Override
    public void qos(QosTelemetry q) {
        // issue 9: allocation by agreed QoS per key pool (the pool is named by its neighbour node)
        state("qos/" + level(q.pool()), new Json().put("node", q.node()).put("pool", q.pool())
                .put("consumers", q.consumers()).put("reserved", q.reserved()).put("servedBps", q.servedBps())
                .put("served", q.served()).put("refused", q.refused()).put("refillBps", q.refillBps())
                .put("time", q.time()));
    }

    @Override
    public void v2x(V2xCounters v) {
        state("v2x/" + level(v.adapter()), new Json().put("node", v.node()).put("adapter", v.adapter())
                .put("sent", v.sent()).put("received", v.received()).put("rejected", v.rejected())
                .put("sendFailures", v.sendFailures()).put("delivered", v.delivered()).put("malformed", v.malformed())
                .put("refused", v.refused()).put("duplicates", v.duplicates()).put("outsideArea", v.outsideArea())
                .put("time", v.time()));
    }

    @Override
    public void identity(IdentityEvent e) {
        // events, not state: not retained, but still dropped before alarms
        enqueue("identity", new Json().put("node", e.node()).put("source", e.source()).put("kind", e.kind())
                .put("subject", e.subject()).put("detail", e.detail()).put("time", e.time()), false, false);
    }

    @Override
    public void alarm(Alarm a) {
        enqueue("alarms", new Json().put("kind", a.kind().name()).put("severity", a.severity().name())
                .put("node", a.node()).put("subject", a.subject()).put("time", a.time()).put("text", a.text()),
                false, true);
    }

    @Override
    public SinkStatus status() {
        return new SinkStatus("mqtt", settings.node(), settings.brokerUrl(), connected, sent.get(), buffer.size(),
                buffer.droppedState(), buffer.droppedAlarms());
    }

    long connectAttempts() {
        return connectAttempts.get();
    }

    /** Publishes retried because Paho's in-flight count lagged (see drain); diagnostics. */
    long inflightRetries() {
        return inflightRetries.get();
    }

    /** Why the last connect failed (diagnostics, tests); null if none failed yet. */
    String lastConnectError() {
        return lastConnectError;
    }

    /**
     * Paho wraps TLS and socket failures ("Untranslated MqttException", "Connection lost"): the
     * innermost cause says what went wrong (e.g. the broker's certificate is not trusted).
     */
    static String reason(Throwable e) {
        String text = e.getMessage();
        Throwable c = e.getCause();
        Throwable last = null;
        while (c != null && c != last) {
            last = c;
            text = text + ": " + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage());
            c = c.getCause();
        }
        return text;
    }

    private void state(String suffix, Json json) {
        enqueue(suffix, json, true, false);
    }

    private void enqueue(String suffix, Json json, boolean retained, boolean alarm) {
        if (closed) {
            return;
        }
        String dropped = buffer.offer(base + suffix, json.toString().getBytes(StandardCharsets.UTF_8), retained, alarm);
        if (dropped != null) {
            LOG.warn("node {}: MQTT buffer full ({} messages), dropped {} (dropped so far: {} state, {} alarms)",
                    settings.node(), settings.bufferSize(), dropped, buffer.droppedState(), buffer.droppedAlarms());
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            try {
                worker.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                drainQueued.set(false);
            }
        }
    }

    // ---- worker thread ----

    private void connect() {
        if (closed || connected) {
            return;
        }
        connectAttempts.incrementAndGet();
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false); // our own backoff, so the buffer is replayed in order
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setConnectionTimeout((int) Math.max(1, settings.ackTimeoutMillis() / 1000));
        MqttMessage will = new MqttMessage(OFFLINE, 1, true, new MqttProperties());
        o.setWill(statusTopic(), will); // MQTT 5.0 §3.1.2.5: the broker publishes it if we vanish
        if (!settings.username().isEmpty()) {
            o.setUserName(settings.username());
        }
        byte[] pw = null;
        if (settings.password() != null && settings.password().length > 0) {
            // Paho keeps the array itself: wiped once the CONNECT has been answered
            java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(settings.password()));
            pw = Arrays.copyOf(b.array(), b.limit()); // the encoder's array may be longer than the password
            Arrays.fill(b.array(), (byte) 0);
            o.setPassword(pw);
        }
        if (settings.socketFactory() != null) {
            o.setSocketFactory(settings.socketFactory());
        }
        try {
            IMqttToken connack = client.connect(o);
            connack.waitForCompletion(settings.ackTimeoutMillis());
            // MQTT 5.0 §3.2.2.3.3: the broker says how many QoS 1 messages it takes unacknowledged
            Integer receiveMaximum = connack.getResponseProperties() == null ? null
                    : connack.getResponseProperties().getReceiveMaximum();
            window = Math.max(1, Math.min(settings.maxInflight(), receiveMaximum == null ? 65535 : receiveMaximum));
            client.publish(statusTopic(), ONLINE, 1, true).waitForCompletion(settings.ackTimeoutMillis());
            epoch++;
            buffer.resend();
            connected = true;
            backoff = settings.backoffInitialMillis();
            LOG.info("node {}: MQTT connected to {} as {} (up to {} messages in flight)", settings.node(),
                    settings.brokerUrl(), settings.clientId(), window);
            drainQueued.set(true);
            drain();
        } catch (MqttException e) {
            lastConnectError = reason(e);
            LOG.warn("node {}: MQTT connect to {} failed ({}); retry in {} ms", settings.node(), settings.brokerUrl(),
                    lastConnectError, backoff);
            forceClose();
            retryLater();
        } finally {
            if (pw != null) {
                Arrays.fill(pw, (byte) 0);
            }
        }
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long delay = backoff;
        backoff = Math.min(settings.backoffMaxMillis(), backoff * 2);
        worker.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends buffered messages while fewer than {@link #window} are in flight. A message leaves the
     * buffer on its PUBACK (Paho callback thread); MQTT keeps the order on one connection (MQTT
     * 5.0 §4.6), so alarms still arrive in the order they were raised. On a lost connection every
     * unacknowledged message is sent again on the next one (at least once).
     */
    private void drain() {
        drainQueued.set(false);
        while (connected && !closed && buffer.inFlight() < window) {
            OutboundBuffer.Message m = buffer.next();
            if (m == null) {
                return;
            }
            long sentOn = epoch;
            try {
                client.publish(m.topic(), m.payload(), 1, m.retained(), null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        buffer.acknowledged(m); // also after a later loss: the broker has it
                        sent.incrementAndGet();
                        scheduleDrain();
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        onWorker(() -> {
                            if (sentOn == epoch && connected) {
                                LOG.warn("node {}: MQTT publish to {} failed ({}); kept in buffer, reconnecting",
                                        settings.node(), m.topic(), reason(e));
                                lost();
                            }
                        });
                    }
                });
            } catch (MqttException e) {
                buffer.notSent(m);
                if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    // Paho 1.2.5 completes a QoS 1 token before its callback thread lowers the in-flight
                    // count (paho.mqtt.java #551): under CPU load the count lags behind the PUBACKs.
                    // The connection is fine: try again in a moment instead of reconnecting.
                    inflightRetries.incrementAndGet();
                    drainQueued.set(true);
                    worker.schedule(this::drain, 1, TimeUnit.MILLISECONDS);
                    return;
                }
                LOG.warn("node {}: MQTT publish to {} failed ({}); kept in buffer, reconnecting", settings.node(),
                        m.topic(), reason(e));
                lost();
                return;
            }
        }
    }

    /** No PUBACK within ackTimeoutMillis: the connection counts as lost (a half-open TCP connection). */
    private void checkAcks() {
        if (!connected || closed) {
            return;
        }
        long since = buffer.oldestInFlightSince();
        if (since != Long.MAX_VALUE && System.nanoTime() - since > settings.ackTimeoutMillis() * 1_000_000L) {
            LOG.warn("node {}: MQTT broker {} did not acknowledge within {} ms; kept in buffer, reconnecting",
                    settings.node(), settings.brokerUrl(), settings.ackTimeoutMillis());
            lost();
        }
    }

    private void onWorker(Runnable r) {
        try {
            worker.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down
        }
    }

    private void lost() {
        if (!connected) {
            return;
        }
        connected = false;
        buffer.resend();
        forceClose();
        retryLater();
    }

    private void forceClose() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException | RuntimeException ignored) {
            // the connection is gone either way
        }
    }

    /** For tests: vanish without DISCONNECT, as a killed process would (the broker sends the Will). */
    void abort() throws MqttException {
        closed = true;
        worker.shutdownNow();
        client.disconnectForcibly(0, 1000, false);
        client.close(true);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            worker.submit(() -> {
                try {
                    if (client.isConnected()) {
                        // a clean DISCONNECT suppresses the Will: say "offline" ourselves
                        client.publish(statusTopic(), OFFLINE, 1, true).waitForCompletion(settings.ackTimeoutMillis());
                        client.disconnect().waitForCompletion(settings.ackTimeoutMillis());
                    }
                } catch (MqttException e) {
                    LOG.warn("node {}: MQTT clean disconnect failed ({})", settings.node(), e.getMessage());
                }
                connected = false;
            }).get(2 * settings.ackTimeoutMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("node {}: MQTT close did not finish ({})", settings.node(), e.toString());
        }
        worker.shutdownNow();
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // closing anyway
        }
        if (buffer.size() > 0) {
            LOG.info("node {}: MQTT publisher closed with {} unsent messages", settings.node(), buffer.size());
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse r) {
            LOG.warn("node {}: MQTT connection to {} lost ({})", settings.node(), settings.brokerUrl(),
                    r.getReasonString() != null ? r.getReasonString() : String.valueOf(r.getException()));
            try {
                worker.execute(MqttTelemetry.this::lost);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.warn("node {}: MQTT error ({})", settings.node(), e.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // publisher only
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
