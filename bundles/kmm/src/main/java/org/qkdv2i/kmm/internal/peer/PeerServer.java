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
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryResult;
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

    /** What the endpoint serves: {@code KmmCore#reserve} and {@code KmmCore#inventory}. */
    public interface Endpoint {
        ReserveResult reserve(String callerNodeId, ReserveRequest request) throws PeerException;

        InventoryResult inventory(String callerNodeId, InventoryRequest request) throws PeerException;
    }

    private final Server server;
    private final ServerConnector connector;
    private final String nodeId;

    public PeerServer(NodeTls tls, String host, int port, Supplier<Set<String>> peers, Endpoint endpoint) {
        this.nodeId = tls.nodeId();
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("kmm-peer-" + nodeId);
        this.server = new Server(pool);
        this.connector = JettyTls.httpsConnector(server, tls, host, port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback, peers, endpoint);
                return true;
            }
        });
    }

    public void start() throws Exception {
        server.start();
        LOG.info("node {}: peer KMM endpoint listening on https://{}:{}/peer/v1/", nodeId, connector.getHost(),
                connector.getLocalPort());
    }

    public int port() {
        return connector.getLocalPort();
    }

    private void serve(Request request, Response response, Callback callback, Supplier<Set<String>> peers,
            Endpoint endpoint) {
        Optional<String> caller = JettyTls.clientCommonName(request);
        if (caller.isEmpty() || !peers.get().contains(caller.get())) {
            LOG.warn("node {}: peer request from {} refused: not a configured peer", nodeId, caller.orElse("(no CN)"));
            reply(response, callback, 403, new PeerJson.ErrorBody("caller " + caller.orElse("(no certificate CN)")
                    + " is not a configured peer of node " + nodeId));
            return;
        }
        String path = Request.getPathInContext(request);
        boolean reserve = PeerJson.RESERVE_PATH.equals(path);
        if (!reserve && !PeerJson.INVENTORY_PATH.equals(path)) {
            reply(response, callback, 404, new PeerJson.ErrorBody("no such peer resource"));
            return;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            reply(response, callback, 405, new PeerJson.ErrorBody("use POST"));
            return;
        }
        String what = reserve ? "reservation" : "inventory";
        ReserveRequest res = null;
        InventoryRequest inv = null;
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes(PeerJson.MAX_BODY + 1);
            if (body.length > PeerJson.MAX_BODY) {
                reply(response, callback, 413, new PeerJson.ErrorBody("body too large"));
                return;
            }
            if (reserve) {
                res = PeerJson.read(body, ReserveRequest.class);
                if (res.linkId() == null || res.masterSaeId() == null || res.slaveSaeIds() == null
                        || res.keys() == null || res.keys().stream().anyMatch(k -> k == null || k.keyId() == null
                                || k.parts() == null || k.parts().contains(null))) {
                    throw new IOException("missing fields");
                }
            } else {
                inv = PeerJson.read(body, InventoryRequest.class);
                if (inv.linkId() == null || inv.ids() == null || inv.ids().contains(null)) {
                    throw new IOException("missing fields");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: malformed {} from peer {}: {}", nodeId, what, caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody("malformed " + what + " request"));
            return;
        }
        try {
            Object answer = reserve ? endpoint.reserve(caller.get(), res) : endpoint.inventory(caller.get(), inv);
            reply(response, callback, 200, answer);
        } catch (PeerException e) {
            LOG.warn("node {}: {} from peer {} refused: {}", nodeId, what, caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("node {}: {} from peer {} failed: {}", nodeId, what, caller.get(), e.toString());
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
