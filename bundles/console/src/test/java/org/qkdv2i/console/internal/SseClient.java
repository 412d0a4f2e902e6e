package org.qkdv2i.console.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A minimal Server-Sent Events reader for tests: parses frames on its own thread. */
final class SseClient implements AutoCloseable {

    record Event(String id, String event, String data) {
    }

    private final HttpURLConnection conn;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> skipped = new ArrayList<>();
    private final Thread reader;

    SseClient(String url, String lastEventId) throws Exception {
        conn = (HttpURLConnection) new URL(url).openConnection();
        conn.setRequestProperty("Accept", "text/event-stream");
        if (lastEventId != null) {
            conn.setRequestProperty("Last-Event-ID", lastEventId);
        }
        conn.setReadTimeout(15_000);
        conn.connect();
        BufferedReader in = new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8));
        reader = new Thread(() -> {
            String id = null;
            String event = "message";
            StringBuilder data = new StringBuilder();
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new Event(id, event, data.toString()));
                        }
                        id = null;
                        event = "message";
                        data.setLength(0);
                    } else if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    }
                }
            } catch (Exception closed) {
                // the test closed the connection
            }
        }, "test-sse");
        reader.setDaemon(true);
        reader.start();
    }

    int status() throws Exception {
        return conn.getResponseCode();
    }

    String contentType() {
        return conn.getContentType();
    }

    /** The next event of that type (others are skipped and remembered), within 30 s (a loaded CI runner). */
    Event next(String type) throws InterruptedException {
        return nextMatching(type, d -> true);
    }

    Event nextMatching(String type, Predicate<String> data) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no '" + type + "' event within 30 s; skipped " + skipped);
            }
            if (e.event().equals(type) && data.test(e.data())) {
                return e;
            }
            skipped.add(e);
        }
    }

    /** An event of that type seen so far (skipped or queued), or null. */
    Event seen(String type) {
        for (Event e : skipped) {
            if (e.event().equals(type)) {
                return e;
            }
        }
        for (Event e : events) {
            if (e.event().equals(type)) {
                return e;
            }
        }
        return null;
    }

    @Override
    public void close() {
        conn.disconnect();
    }
}
