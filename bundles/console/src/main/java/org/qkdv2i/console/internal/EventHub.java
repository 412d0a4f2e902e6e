package org.qkdv2i.console.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.qkdv2i.scenario.api.CityEvent;

/**
 * Fans city events, snapshots and status out to every open SSE stream. Called from the engine's
 * event thread and the snapshot timer; never blocks (streams queue and write asynchronously).
 */
final class EventHub {

    /** SSE event names the page listens to. */
    static final String CITY = "city";
    static final String VIEW = "view";
    static final String STATUS = "status";
    static final String GAP = "gap";

    private final Set<SseStream> streams = new CopyOnWriteArraySet<>();

    void add(SseStream s) {
        streams.add(s);
    }

    void remove(SseStream s) {
        streams.remove(s);
    }

    int clients() {
        return streams.size();
    }

    void event(CityEvent e) {
        String frame = eventFrame(e);
        for (SseStream s : streams) {
            s.live(e.seq(), frame);
        }
    }

    void broadcast(String event, Object data) {
        String frame = frame(event, Json.text(data));
        for (SseStream s : streams) {
            s.send(frame);
        }
    }

    void closeAll() {
        for (SseStream s : streams) {
            s.close();
        }
        streams.clear();
    }

    /** A city event as an SSE frame: the sequence number is its ID (Last-Event-ID on reconnect). */
    static String eventFrame(CityEvent e) {
        return "id: " + e.seq() + "\nevent: " + CITY + "\ndata: " + Json.text(e) + "\n\n";
    }

    /** An SSE frame without ID: a client's Last-Event-ID stays at the last city event. */
    static String frame(String event, String json) {
        // Json.text never emits raw newlines (they are escaped in strings), so one data line suffices
        return "event: " + event + "\ndata: " + json + "\n\n";
    }

    static Map<String, Object> status(boolean running, String scenario) {
        return scenario == null ? Map.of("running", running) : Map.of("running", running, "scenario", scenario);
    }
}
