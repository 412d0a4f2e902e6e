package org.qkdv2i.telemetry.mqtt.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded buffer of messages waiting for the broker. Alarms are kept in order and sent first;
 * state messages are coalesced per topic (only the newest state of a topic matters, it is
 * retained). On overflow the oldest state message goes first; an alarm is dropped only when the
 * buffer holds nothing but alarms. Every drop is counted.
 *
 * <p>Messages handed out by {@link #next()} are in flight until {@link #acknowledged} (PUBACK)
 * or {@link #resend()} (connection lost: they go out again, in order, on the next connection).
 */
final class OutboundBuffer {

    record Message(String topic, byte[] payload, boolean retained, boolean alarm, long seq) {
    }

    private final int capacity;
    private final Deque<Message> alarms = new ArrayDeque<>();
    /** key: topic for retained state (coalesced); topic + seq for non-retained events. */
    private final LinkedHashMap<String, Message> states = new LinkedHashMap<>();
    /** In flight since (nanoTime), by identity. */
    private final Map<Message, Long> inFlight = new IdentityHashMap<>();
    private long seq;
    private long droppedState;
    private long droppedAlarms;

    OutboundBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1");
        }
        this.capacity = capacity;
    }

    /** @return a one-line description of what was dropped to make room, or null if nothing */
    synchronized String offer(String topic, byte[] payload, boolean retained, boolean alarm) {
        Message m = new Message(topic, payload, retained, alarm, ++seq);
        String key = key(m);
        if (!alarm && states.containsKey(key)) {
            states.remove(key); // superseded by a newer state of the same topic: re-append at the end
            states.put(key, m);
            return null;
        }
        String dropped = null;
        if (size() >= capacity) {
            if (!states.isEmpty()) {
                Iterator<Map.Entry<String, Message>> it = states.entrySet().iterator();
                dropped = "state " + it.next().getValue().topic();
                it.remove();
                droppedState++;
            } else if (alarm) {
                dropped = "alarm " + alarms.removeFirst().topic();
                droppedAlarms++;
            } else {
                droppedState++;
                return "state " + topic;
            }
        }
        if (alarm) {
            alarms.addLast(m);
        } else {
            states.put(key, m);
        }
        return dropped;
    }

    /** The next message to send: alarms first, then the oldest state. */
    synchronized Message peek() {
        if (!alarms.isEmpty()) {
            return alarms.peekFirst();
        }
        return states.isEmpty() ? null : states.values().iterator().next();
    }

    /**
     * The oldest message not yet in flight (alarms first, then states), now in flight; null if
     * every buffered message is in flight already.
     */
    synchronized Message next() {
        for (Message m : alarms) {
            if (!inFlight.containsKey(m)) {
                inFlight.put(m, System.nanoTime());
                return m;
            }
        }
        for (Message m : states.values()) {
            if (!inFlight.containsKey(m)) {
                inFlight.put(m, System.nanoTime());
                return m;
            }
        }
        return null;
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    /** nanoTime at which the oldest message in flight was handed out; {@code Long.MAX_VALUE} if none. */
    synchronized long oldestInFlightSince() {
        long oldest = Long.MAX_VALUE;
        for (long t : inFlight.values()) {
            oldest = Math.min(oldest, t);
        }
        return oldest;
    }

    /** The message was not sent after all (the client refused it): it goes out again. */
    synchronized void notSent(Message m) {
        inFlight.remove(m);
    }

    /** The connection is gone: everything unacknowledged is sent again on the next one. */
    synchronized void resend() {
        inFlight.clear();
    }

    /** Removes a message once the broker acknowledged it (unless a newer state replaced it). */
    synchronized void acknowledged(Message m) {
        inFlight.remove(m);
        if (m.alarm()) {
            // acknowledgements come in order (MQTT 5.0 §4.6), so this is the first one
            Iterator<Message> it = alarms.iterator();
            while (it.hasNext()) {
                if (it.next() == m) {
                    it.remove();
                    break;
                }
            }
        } else {
            // by key, not by scanning: with thousands of states buffered a scan per PUBACK was O(n^2)
            String key = key(m);
            if (states.get(key) == m) {
                states.remove(key);
            }
        }
    }

    private static String key(Message m) {
        return m.retained() ? m.topic() : m.topic() + '#' + m.seq();
    }

    synchronized int size() {
        return alarms.size() + states.size();
    }

    synchronized long droppedState() {
        return droppedState;
    }

    synchronized long droppedAlarms() {
        return droppedAlarms;
    }
}
