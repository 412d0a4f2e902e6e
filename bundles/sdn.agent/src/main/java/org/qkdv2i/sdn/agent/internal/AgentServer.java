package org.qkdv2i.sdn.agent.internal;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/** One embedded Jetty serving the node's ETSI GS QKD 015 RESTCONF API over mutual TLS. */
final class AgentServer {

    private final Server server;
    private final ServerConnector connector;

    /** @param port 0 binds any free port (tests) */
    AgentServer(String nodeId, NodeTls tls, String host, int port, AgentHandler handler) {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2); // a handful of controllers, polled once a second
        pool.setName("sdn-agent-" + nodeId);
        server = new Server(pool);
        server.setStopAtShutdown(false); // stopped by the component, not by a JVM hook
        connector = JettyTls.httpsConnector(server, tls, host, port);
        connector.setIdleTimeout(30_000);
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        http.getHttpConfiguration().setSendDateHeader(false);
        http.getHttpConfiguration().setRequestHeaderSize(8192);
        server.addConnector(connector);
        server.setErrorHandler(new ErrorsHandler());
        server.setHandler(handler);
    }

    void start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    void stop() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }

    /** The bound port (useful with port 0). */
    int port() {
        return connector.getLocalPort();
    }
}
