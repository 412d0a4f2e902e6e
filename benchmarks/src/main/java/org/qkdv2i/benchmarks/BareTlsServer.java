package org.qkdv2i.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;

/**
 * The yardstick for the ETSI 014 benchmark: the same embedded Jetty, TLS stack (BCJSSE,
 * mutual TLS, hybrid key exchange) and client-certificate check as a KME, answering every
 * request with a fixed JSON body the size of a one-key enc_keys response and doing
 * nothing else.
 *
 * <p>Usage: {@code BareTlsServer <pki dir> <node id> <port>}
 */
public final class BareTlsServer {

    /** Held so the level sticks: BCJSSE logs every connection at INFO through java.util.logging. */
    private static final java.util.logging.Logger BC_LOG = java.util.logging.Logger.getLogger("org.bouncycastle");

    private BareTlsServer() {
    }

    public static void main(String[] args) throws Exception {
        BC_LOG.setLevel(java.util.logging.Level.WARNING);
        Path pki = Path.of(args[0]);
        String nodeId = args[1];
        int port = Integer.parseInt(args[2]);
        BcNodeTls tls = BcNodeTls.load(nodeId, pki.resolve("node-" + nodeId + ".p12"),
                DevPki.DEFAULT_PASSWORD.toCharArray(), pki.resolve("ca.pem"), BcNodeTls.DEFAULT_GROUPS,
                BcNodeTls.DEFAULT_PROTOCOLS);
        byte[] body = ("{\"keys\":[{\"key_ID\":\"" + UUID.randomUUID() + "\",\"key\":\""
                + Base64.getEncoder().encodeToString(new byte[32]) + "\"}]}").getBytes(StandardCharsets.UTF_8);

        Server server = new Server(new QueuedThreadPool(200, 8));
        server.addConnector(JettyTls.httpsConnector(server, tls, "127.0.0.1", port));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asString(request, StandardCharsets.UTF_8); // consume the JSON request body
                // same per-request work as the KME's authentication step: read the client CN
                if (JettyTls.clientCommonName(request).isEmpty()) {
                    response.setStatus(401);
                    callback.succeeded();
                    return true;
                }
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        System.out.println("bare TLS endpoint ready on " + port);
        server.join();
    }
}
