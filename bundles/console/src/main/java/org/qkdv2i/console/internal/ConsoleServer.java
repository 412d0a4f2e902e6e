package org.qkdv2i.console.internal;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console: one embedded Jetty (plain HTTP on loopback by default), the SSE hub and a timer
 * that takes a {@link CityView} snapshot every {@code snapshotMillis}, keeps it for the charts and
 * pushes it to every open page. Usable without OSGi (the tests run it against a fake City).
 */
final class ConsoleServer {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

    /** Options (the component's configuration, or a test's). */
    record Options(String bindAddress, int port, long snapshotMillis, int historySeconds, int replayLimit,
            int maxRequestBytes, int maxClientQueueChars, List<String> allowedHosts) {
        Options {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }

        Options(String bindAddress, int port, long snapshotMillis, int historySeconds, int replayLimit,
                int maxRequestBytes, int maxClientQueueChars) {
            this(bindAddress, port, snapshotMillis, historySeconds, replayLimit, maxRequestBytes, maxClientQueueChars,
                    List.of());
        }
    }

    private final Sources sources;
    private final Options options;
    private final EventHub hub = new EventHub();
    private final History history;
    private final Server server;
    private final ServerConnector connector;
    private ScheduledExecutorService timer;
    private volatile boolean wasRunning;

    ConsoleServer(Sources sources, Options options) {
        this.sources = sources;
        this.options = options;
        long samples = Math.max(2, options.historySeconds() * 1000L / Math.max(50, options.snapshotMillis()));
        this.history = new History((int) Math.min(samples, 100_000));
        QueuedThreadPool pool = new QueuedThreadPool(32, 2); // a few pages and scripts; SSE holds no thread
        pool.setName("console");
        server = new Server(pool);
        server.setStopAtShutdown(false); // stopped by the component, not by a JVM hook
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(options.bindAddress());
        connector.setPort(options.port());
        connector.setIdleTimeout(60_000); // SSE streams get a snapshot every second, well within this
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        http.getHttpConfiguration().setSendServerVersion(false);
        http.getHttpConfiguration().setRequestHeaderSize(8192);
        server.addConnector(connector);
        server.setErrorHandler(new ProblemErrorHandler());
        server.setHandler(new ConsoleHandler(sources, hub, history, new StaticFiles(), options.maxRequestBytes(),
                options.replayLimit(), options.maxClientQueueChars(),
                HostCheck.of(options.bindAddress(), options.allowedHosts())));
    }

    void start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw e;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "console-snapshot");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, options.snapshotMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        hub.closeAll();
        try {
            server.stop();
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    /** From the engine's event thread (CityListener): queue only, never block. */
    void event(CityEvent e) {
        hub.event(e);
    }

    /** The City came or went: pages show it at once. */
    void cityChanged() {
        City c = sources.city();
        if (c == null) {
            history.clear();
        }
        ScheduledExecutorService t = timer;
        if (t != null && !t.isShutdown()) {
            t.execute(this::tick);
        }
    }

    int clients() {
        return hub.clients();
    }

    History history() {
        return history;
    }

    private void tick() {
        City c = sources.city();
        try {
            if (c == null) {
                if (wasRunning) {
                    LOG.info("console: scenario gone; pages show 'no scenario running'");
                }
                wasRunning = false;
                hub.broadcast(EventHub.STATUS, EventHub.status(false, null));
                return;
            }
            CityView v = c.view();
            if (!wasRunning) {
                LOG.info("console: showing scenario {}", v.scenario());
                hub.broadcast(EventHub.STATUS, EventHub.status(true, v.scenario()));
            }
            wasRunning = true;
            history.add(v);
            hub.broadcast(EventHub.VIEW, v);
        } catch (RuntimeException e) {
            // the engine leaving between lookup and call, or failing: say so and try again next tick
            LOG.debug("console: no snapshot this tick: {}", e.toString());
            hub.broadcast(EventHub.STATUS, EventHub.status(false, null));
        }
    }
}
