package org.qkdv2i.kmm.etsi004.internal;

import java.util.function.Supplier;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/**
 * One embedded Jetty serving this project's HTTPS binding of ETSI GS QKD 004 for one node (mutual TLS).
 * Public (in a package the bundle does not export) so that benchmarks can run it outside a framework.
 */
public final class Etsi004Server {

    /** Tuning and limits. */
    public record Settings(String host, int port, int maxRequestBytes, int minThreads, int maxThreads,
            long idleTimeoutMillis) {
    }

    private final Server server;
    private final ServerConnector connector;

    /** @param streams looked up on every request, so a KMM may come and go while the server runs */
    public Etsi004Server(String nodeId, NodeTls tls, Supplier<KeyStreams> streams, Settings s) {
        QueuedThreadPool pool = new QueuedThreadPool(s.maxThreads(), s.minThreads());
        pool.setName("etsi004-" + nodeId);
        server = new Server(pool);
        server.setStopAtShutdown(false); // stopped by the component, not by a JVM hook
        connector = JettyTls.httpsConnector(server, tls, s.host(), s.port());
        connector.setIdleTimeout(s.idleTimeoutMillis());
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        http.getHttpConfiguration().setSendDateHeader(false);
        http.getHttpConfiguration().setRequestHeaderSize(8192);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(new Etsi004Handler(nodeId, streams, s.maxRequestBytes()));
    }

    public void start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    public void stop() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }
}
