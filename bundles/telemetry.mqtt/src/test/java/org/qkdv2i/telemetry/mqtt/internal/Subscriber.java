package org.qkdv2i.telemetry.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A Paho test subscriber that records what arrives. */
final class Subscriber implements MqttCallback, AutoCloseable {

    record Received(String topic, String payload, boolean retained, int qos) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final MqttClient client;

    /** @param persistentSession keep the session (and queued QoS 1 messages) across broker restarts */
    Subscriber(String url, String id, boolean persistentSession, String... filters) throws MqttException {
        this(url, id, null, null, persistentSession, filters);
    }

    Subscriber(String url, String id, String user, String password, boolean persistentSession, String... filters)
            throws MqttException {
        client = new MqttClient(url, id, new MemoryPersistence());
        client.setCallback(this);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(!persistentSession);
        if (persistentSession) {
            o.setSessionExpiryInterval(3600L);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 2);
        }
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(o);
        for (String f : filters) {
            client.subscribe(f, 1);
        }
    }

    List<Received> on(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Override
    public void messageArrived(String topic, MqttMessage m) {
        received.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained(), m.getQos()));
    }

    @Override
    public void disconnected(MqttDisconnectResponse r) {
    }

    @Override
    public void mqttErrorOccurred(MqttException e) {
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

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close(true);
    }
}
