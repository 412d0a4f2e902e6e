package org.qkdv2i.kmm.internal.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveResult;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer KMM endpoint of one node: HTTPS with mutual TLS; the calling node is the CN
 * of its client certificate and must be a configured peer.
 */
public final class PeerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerServer.class);

    /** What the endpoint serves: {@code KmmCore#reserve}. */
    public interface Reserver {
        ReserveResult reserve(String callerNodeId, ReserveRequest request) throws PeerException;
    }

    private final Server server;
    private final ServerConnector connector;
    private final String nodeId;

    public PeerServer(NodeTls tls, String host, int port, Supplier<Set<String>> peers, Reserver reserver) {
        this.nodeId = tls.nodeId();
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("kmm-peer-" + nodeId);
        this.server = new Server(pool);
        this.connector = JettyTls.httpsConnector(server, tls, host, port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback, peers, reserver);
                return true;
            }
        });
    }

    public void start() throws Exception {
        server.start();
        LOG.info("node {}: peer KMM endpoint listening on https://{}:{}{}", nodeId, connector.getHost(),
                connector.getLocalPort(), PeerJson.RESERVE_PATH);
    }

    public int port() {
        return connector.getLocalPort();
    }

    private void serve(Request request, Response response, Callback callback, Supplier<Set<String>> peers,
            Reserver reserver) {
        Optional<String> caller = JettyTls.clientCommonName(request);
        if (caller.isEmpty() || !peers.get().contains(caller.get())) {
            LOG.warn("node {}: peer request from {} refused: not a configured peer", nodeId, caller.orElse("(no CN)"));
            reply(response, callback, 403, new PeerJson.ErrorBody("caller " + caller.orElse("(no certificate CN)")
                    + " is not a configured peer of node " + nodeId));
            return;
        }
        if (!PeerJson.RESERVE_PATH.equals(Request.getPathInContext(request))) {
            reply(response, callback, 404, new PeerJson.ErrorBody("no such peer resource"));
            return;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            reply(response, callback, 405, new PeerJson.ErrorBody("use POST"));
            return;
        }
        ReserveRequest req;
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes(PeerJson.MAX_BODY + 1);
            if (body.length > PeerJson.MAX_BODY) {
                reply(response, callback, 413, new PeerJson.ErrorBody("body too large"));
                return;
            }
            req = PeerJson.read(body, ReserveRequest.class);
            if (req.linkId() == null || req.masterSaeId() == null || req.slaveSaeIds() == null || req.keys() == null
                    || req.keys().stream().anyMatch(k -> k == null || k.keyId() == null || k.parts() == null
                            || k.parts().contains(null))) {
                throw new IOException("missing fields");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: malformed reservation from peer {}: {}", nodeId, caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody("malformed reservation request"));
            return;
        }
        try {
            reply(response, callback, 200, reserver.reserve(caller.get(), req));
        } catch (PeerException e) {
            LOG.warn("node {}: reservation from peer {} refused: {}", nodeId, caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("node {}: reservation from peer {} failed: {}", nodeId, caller.get(), e.toString());
            reply(response, callback, 500, new PeerJson.ErrorBody("internal error"));
        }
    }

    private static void reply(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(PeerJson.write(body)), callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
            LOG.info("node {}: peer KMM endpoint stopped", nodeId);
        } catch (Exception e) {
            LOG.warn("node {}: stopping the peer endpoint failed: {}", nodeId, e.toString());
        }
    }
}
