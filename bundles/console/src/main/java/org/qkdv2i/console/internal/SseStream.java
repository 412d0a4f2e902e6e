package org.qkdv2i.console.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One Server-Sent Events stream (WHATWG HTML §9.2). Frames are queued and written one write at
 * a time without holding a thread; a client that does not keep up (more than {@code maxQueuedChars}
 * waiting) is dropped, and reconnects with {@code Last-Event-ID}.
 *
 * <p>City events carry their sequence number as the SSE {@code id}; a stream never sends an event
 * twice or out of order: while the replay from {@code City.events} is written, live events are held
 * and sent afterwards when newer than the last one replayed.
 */
final class SseStream {

    private record Held(long seq, String frame) {
    }

    private final Response response;
    private final Callback done;
    private final int maxQueuedChars;
    private final Runnable onClose;
    private final Object lock = new Object();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final List<Held> held = new ArrayList<>();
    private int queuedChars;
    private long lastSeq;
    private boolean replaying = true;
    private boolean closed;
    private final Flusher flusher = new Flusher();

    SseStream(Response response, Callback done, long lastSeq, int maxQueuedChars, Runnable onClose) {
        this.response = response;
        this.done = done;
        this.lastSeq = lastSeq;
        this.maxQueuedChars = maxQueuedChars;
        this.onClose = onClose;
    }

    /** An event from the replay of {@code City.events} (oldest first). */
    void replayed(long seq, String frame) {
        synchronized (lock) {
            if (seq <= lastSeq) {
                return;
            }
            lastSeq = seq;
            enqueue(frame);
        }
        flusher.iterate();
    }

    /** The replay is written: live events held meanwhile follow, if newer. */
    void replayDone() {
        synchronized (lock) {
            replaying = false;
            held.sort(Comparator.comparingLong(Held::seq));
            for (Held h : held) {
                if (h.seq() > lastSeq) {
                    lastSeq = h.seq();
                    enqueue(h.frame());
                }
            }
            held.clear();
        }
        flusher.iterate();
    }

    /** A live city event. */
    void live(long seq, String frame) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (replaying) {
                held.add(new Held(seq, frame));
                return;
            }
            if (seq <= lastSeq) {
                return;
            }
            lastSeq = seq;
            enqueue(frame);
        }
        flusher.iterate();
    }

    /** A frame without an ID (snapshot, status, comment). */
    void send(String frame) {
        synchronized (lock) {
            enqueue(frame);
        }
        flusher.iterate();
    }

    boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Ends the stream normally (console stopping). */
    void close() {
        if (markClosed()) {
            done.succeeded();
        }
    }

    private void fail(Throwable cause) {
        if (markClosed()) {
            done.failed(cause);
        }
    }

    private boolean markClosed() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            queue.clear();
            held.clear();
        }
        onClose.run();
        return true;
    }

    private void enqueue(String frame) {
        if (closed) {
            return;
        }
        if (queuedChars + frame.length() > maxQueuedChars) {
            // a stalled client: drop it rather than buffer without bound; it reconnects with Last-Event-ID
            closed = true;
            queue.clear();
            held.clear();
            new Thread(() -> {
                onClose.run();
                done.failed(new IllegalStateException("SSE client too slow"));
            }, "console-sse-drop").start();
            return;
        }
        queue.add(frame);
        queuedChars += frame.length();
    }

    /** Writes what is queued, one write at a time, without recursion when writes complete at once. */
    private final class Flusher extends IteratingCallback {
        @Override
        protected Action process() {
            StringBuilder out = new StringBuilder();
            synchronized (lock) {
                if (closed) {
                    return Action.IDLE;
                }
                while (!queue.isEmpty()) {
                    out.append(queue.poll());
                }
                queuedChars = 0;
            }
            if (out.length() == 0) {
                return Action.IDLE;
            }
            response.write(false, ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            fail(cause);
        }
    }
}
