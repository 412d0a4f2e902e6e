package org.qkdv2i.sdn.controller.internal;

import java.util.Set;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/** The embedded Jetty serving the northbound API over mutual TLS. */
final class Northbound {

    private final Server server;
    private final ServerConnector connector;

    Northbound(SdnController controller, NodeTls tls, String host, int port, Set<String> operators) {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("sdn-northbound-" + tls.nodeId());
        server = new Server(pool);
        server.setStopAtShutdown(false);
        connector = JettyTls.httpsConnector(server, tls, host, port);
        server.addConnector(connector);
        ErrorHandler errors = new JsonErrors();
        server.setErrorHandler(errors);
        server.setHandler(new NorthboundHandler(controller, operators));
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

    int port() {
        return connector.getLocalPort();
    }

    /** Errors Jetty raises before the handler (bad URI, header too large): JSON, no HTML, no stack trace. */
    private static final class JsonErrors extends ErrorHandler {
        JsonErrors() {
            setShowStacks(false);
            setShowMessageInTitle(false);
        }

        @Override
        protected void generateResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                int code, String message, Throwable cause, org.eclipse.jetty.util.Callback callback) {
            String reason = org.eclipse.jetty.http.HttpStatus.getMessage(code);
            byte[] body = ("{\"message\":\"" + (reason == null ? "HTTP " + code : reason.toLowerCase(java.util.Locale.ROOT))
                    + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, java.nio.ByteBuffer.wrap(body), callback);
        }
    }
}
