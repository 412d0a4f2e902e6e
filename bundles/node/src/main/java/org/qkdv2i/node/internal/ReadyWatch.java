package org.qkdv2i.node.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import javax.net.ssl.SSLSocket;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints "node X ready in N ms" once node X has a KMM (a KeyManager service) and its ETSI GS
 * QKD 014 server completes a mutual-TLS handshake on the configured port. N counts from JVM start, so it
 * is the start-to-first-request time an operator sees.
 */
final class ReadyWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ReadyWatch.class);
    static final String SERVER_FACTORY_PID = "org.qkdv2i.kmm.etsi014.Server";
    private static final long CHECK_EVERY_MS = 20;
    private static final long GIVE_UP_AFTER_MS = 120_000;

    /** A configured ETSI 014 server endpoint. */
    record Endpoint(String nodeId, String host, int port) {
    }

    private final ConfigurationAdmin configAdmin;
    private final Predicate<String> kmmUp;
    private final Function<String, NodeTls> tlsOf;
    private final Consumer<Endpoint> onReady;
    private final Set<String> reported = new HashSet<>();
    private final long started = System.currentTimeMillis();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qkd-node-ready");
        t.setDaemon(true);
        return t;
    });

    ReadyWatch(ConfigurationAdmin configAdmin, Predicate<String> kmmUp, Function<String, NodeTls> tlsOf,
            Consumer<Endpoint> onReady) {
        this.configAdmin = configAdmin;
        this.kmmUp = kmmUp;
        this.tlsOf = tlsOf;
        this.onReady = onReady;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    static long millisSinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private void check() {
        try {
            Configuration[] configs = configAdmin.listConfigurations(
                    "(service.factoryPid=" + SERVER_FACTORY_PID + ")");
            boolean pending = false;
            if (configs != null) {
                for (Configuration c : configs) {
                    Endpoint e = endpoint(c.getProperties());
                    if (e == null || reported.contains(e.nodeId())) {
                        continue;
                    }
                    if (kmmUp.test(e.nodeId()) && accepts(e, tlsOf.apply(e.nodeId()))) {
                        reported.add(e.nodeId());
                        onReady.accept(e);
                    } else {
                        pending = true;
                    }
                }
            }
            if (!pending && !reported.isEmpty()) {
                timer.shutdown(); // every configured node has reported: nothing left to watch
                return;
            }
            if (System.currentTimeMillis() - started > GIVE_UP_AFTER_MS) {
                if (pending || reported.isEmpty()) {
                    LOG.warn("no node became ready within {} s: check the configuration in deploy/ and the log above",
                            GIVE_UP_AFTER_MS / 1000);
                }
                timer.shutdown();
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.warn("readiness check failed: {}", e.toString());
        }
    }

    static Endpoint endpoint(Dictionary<String, Object> props) {
        if (props == null) {
            return null;
        }
        Object node = props.get("nodeId");
        Object host = props.get("host");
        Object port = props.get("port");
        if (node == null || port == null) {
            return null;
        }
        try {
            int p = port instanceof Number n ? n.intValue() : Integer.parseInt(port.toString().trim());
            String h = host == null || host.toString().isBlank() || host.toString().equals("0.0.0.0")
                    ? "127.0.0.1" : host.toString().trim();
            return new Endpoint(node.toString().trim(), h, p);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * True once the server completes a mutual-TLS handshake with the node's own identity, as an
     * SAE's would. A bound port alone is not enough (the kernel queues connections before Jetty
     * serves them), and a probe without a certificate would be logged as a refused client.
     */
    static boolean accepts(Endpoint e, NodeTls tls) {
        if (tls == null) {
            return false;
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(e.host(), e.port()), 500);
            plain.setSoTimeout(2000);
            try (SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory()
                    .createSocket(plain, e.host(), e.port(), false)) {
                socket.startHandshake();
                return true;
            }
        } catch (IOException notYet) {
            return false;
        }
    }
}
