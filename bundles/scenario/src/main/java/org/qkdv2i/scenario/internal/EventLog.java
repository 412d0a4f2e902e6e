package org.qkdv2i.scenario.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers events without gaps, keeps the last {@link #HISTORY} of them for {@code City.events}
 * and hands each, in order, to every {@link CityListener} from one thread.
 */
final class EventLog implements AutoCloseable {

    static final int HISTORY = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final Supplier<List<CityListener>> listeners;
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "city-events");
        t.setDaemon(true);
        return t;
    });
    // guarded by this
    private final ArrayDeque<CityEvent> history = new ArrayDeque<>();
    private long seq;
    private final java.util.Map<String, Long> counts = new java.util.TreeMap<>();

    EventLog(Supplier<List<CityListener>> listeners) {
        this.listeners = listeners;
    }

    CityEvent publish(Instant simTime, String kind, String subject, String text) {
        CityEvent e;
        synchronized (this) {
            e = new CityEvent(++seq, simTime, kind, subject, text);
            history.addLast(e);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            counts.merge(kind, 1L, Long::sum);
            // submitted under the lock: the dispatcher sees events in sequence order
            try {
                dispatcher.execute(() -> deliver(e));
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closing: history only
            }
        }
        LOG.info("city event {} {} {}: {}", e.seq(), kind, subject, text);
        return e;
    }

    private void deliver(CityEvent e) {
        for (CityListener l : listeners.get()) {
            try {
                l.event(e);
            } catch (RuntimeException ex) {
                LOG.warn("city listener {} failed on event {}: {}", l.getClass().getName(), e.seq(), ex.toString());
            }
        }
    }

    synchronized List<CityEvent> after(long afterSeq, int limit) {
        List<CityEvent> out = new ArrayList<>();
        for (CityEvent e : history) {
            if (e.seq() > afterSeq) {
                out.add(e);
            }
        }
        int n = Math.max(0, limit);
        return out.size() > n ? List.copyOf(out.subList(out.size() - n, out.size())) : out;
    }

    synchronized java.util.Map<String, Long> counts() {
        return new java.util.TreeMap<>(counts);
    }

    synchronized long lastSeq() {
        return seq;
    }

    @Override
    public void close() {
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
