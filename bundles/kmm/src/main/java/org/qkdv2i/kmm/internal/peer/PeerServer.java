package org.qkdv2i.kmm.internal.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
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
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.PeerTransport.AssignRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.AssignResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.ClaimRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ClaimResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.DriverMessage;
import org.qkdv2i.kmm.internal.core.PeerTransport.DriverReply;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtAck;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKeysRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtVoid;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.LinkControlRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.StreamMessage;
import org.qkdv2i.kmm.internal.core.PeerTransport.StreamReply;
import org.qkdv2i.kmm.internal.core.PeerTransport.VoidKeysRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.KeyCheckRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.KeyCheckResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.VoidKeysResult;
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

    /** What the endpoint serves: the peer side of {@code KmmCore}, and the driver channel. */
    public interface Endpoint {
        ReserveResult reserve(String callerNodeId, ReserveRequest request) throws PeerException;

        InventoryResult inventory(String callerNodeId, InventoryRequest request) throws PeerException;

        AssignResult assign(String callerNodeId, AssignRequest request) throws PeerException;

        ClaimResult claim(String callerNodeId, ClaimRequest request) throws PeerException;

        /** A message for the driver of {@code linkId} here; the answer goes back to the caller's driver. */
        byte[] driverMessage(String callerNodeId, String linkId, byte[] message) throws PeerException;

        /** ETSI GS QKD 020 {@code ext_keys}: checked now (400), processed and acknowledged later. */
        default void extKeys(String callerNodeId, ExtKeysRequest request) throws PeerException {
            throw new PeerException("this node does not relay keys", true);
        }

        /** The acknowledgement of a relay hop this node sent to {@code callerNodeId}. */
        default void extAck(String callerNodeId, ExtAck ack) throws PeerException {
            throw new PeerException("this node does not relay keys", true);
        }

        /** Discards relayed keys ({@code ext_keys/void}). */
        default void extVoid(String callerNodeId, ExtVoid request) throws PeerException {
            throw new PeerException("this node does not relay keys", true);
        }

        /** The peer disabled or enabled a link it shares with this node: do the same here. */
        default void linkControl(String callerNodeId, LinkControlRequest request) throws PeerException {
            throw new PeerException("this node takes no link control from peers", true);
        }

        /** Key-check values of driver key blocks of a link the peer shares with this node (key authentication). */
        default KeyCheckResult keyCheck(String callerNodeId, KeyCheckRequest request) throws PeerException {
            throw new PeerException("this node takes no key checks", true);
        }

        /** The peer voids keys it delivered to one of its master SAEs (key replacement). */
        default VoidKeysResult voidKeys(String callerNodeId, VoidKeysRequest request) throws PeerException {
            throw new PeerException("this node takes no key voids", true);
        }

        /** A key stream message from the peer KMM (ETSI GS QKD 004 streams across the link). */
        default StreamReply stream(String callerNodeId, StreamMessage message) throws PeerException {
            throw new PeerException("this node serves no key streams", true);
        }

        /** {@code base} with key stream messages handed to {@code streams}. */
        static Endpoint withStreams(Endpoint base, StreamMessages streams) {
            return new Endpoint() {
                @Override
                public StreamReply stream(String caller, StreamMessage message) throws PeerException {
                    return streams.handle(caller, message);
                }

                @Override
                public ReserveResult reserve(String caller, ReserveRequest r) throws PeerException {
                    return base.reserve(caller, r);
                }

                @Override
                public InventoryResult inventory(String caller, InventoryRequest r) throws PeerException {
                    return base.inventory(caller, r);
                }

                @Override
                public AssignResult assign(String caller, AssignRequest r) throws PeerException {
                    return base.assign(caller, r);
                }

                @Override
                public ClaimResult claim(String caller, ClaimRequest r) throws PeerException {
                    return base.claim(caller, r);
                }

                @Override
                public byte[] driverMessage(String caller, String linkId, byte[] message) throws PeerException {
                    return base.driverMessage(caller, linkId, message);
                }

                @Override
                public void extKeys(String caller, ExtKeysRequest r) throws PeerException {
                    base.extKeys(caller, r);
                }

                @Override
                public void extAck(String caller, ExtAck a) throws PeerException {
                    base.extAck(caller, a);
                }

                @Override
                public void extVoid(String caller, ExtVoid v) throws PeerException {
                    base.extVoid(caller, v);
                }

                @Override
                public void linkControl(String caller, LinkControlRequest r) throws PeerException {
                    base.linkControl(caller, r);
                }

                @Override
                public VoidKeysResult voidKeys(String caller, VoidKeysRequest r) throws PeerException {
                    return base.voidKeys(caller, r);
                }

                @Override
                public KeyCheckResult keyCheck(String caller, KeyCheckRequest r) throws PeerException {
                    return base.keyCheck(caller, r);
                }
            };
        }

        /** The peer side of {@code core}, with driver messages handed to {@code drivers}. */
        static Endpoint of(KmmCore core, DriverMessages drivers) {
            return of(core, drivers, null);
        }

        /**
         * The peer side of {@code core}, with driver messages handed to {@code drivers} and link
         * control to {@code links} (null: refused).
         */
        static Endpoint of(KmmCore core, DriverMessages drivers, LinkCommands links) {
            return new Endpoint() {
                @Override
                public void linkControl(String caller, LinkControlRequest request) throws PeerException {
                    if (links == null) {
                        Endpoint.super.linkControl(caller, request);
                    }
                    links.apply(caller, request);
                }

                @Override
                public ReserveResult reserve(String caller, ReserveRequest request) throws PeerException {
                    return core.reserve(caller, request);
                }

                @Override
                public InventoryResult inventory(String caller, InventoryRequest request) throws PeerException {
                    return core.inventory(caller, request);
                }

                @Override
                public AssignResult assign(String caller, AssignRequest request) throws PeerException {
                    return core.assign(caller, request);
                }

                @Override
                public ClaimResult claim(String caller, ClaimRequest request) throws PeerException {
                    return core.claim(caller, request);
                }

                @Override
                public byte[] driverMessage(String caller, String linkId, byte[] message) throws PeerException {
                    return drivers.deliver(caller, linkId, message);
                }

                @Override
                public void extKeys(String caller, ExtKeysRequest request) throws PeerException {
                    core.extKeys(caller, request);
                }

                @Override
                public void extAck(String caller, ExtAck ack) throws PeerException {
                    core.extAck(caller, ack);
                }

                @Override
                public void extVoid(String caller, ExtVoid request) throws PeerException {
                    core.extVoid(caller, request);
                }

                @Override
                public VoidKeysResult voidKeys(String caller, VoidKeysRequest request) throws PeerException {
                    return core.voidKeys(caller, request);
                }

                @Override
                public KeyCheckResult keyCheck(String caller, KeyCheckRequest request) throws PeerException {
                    return core.keyCheck(caller, request);
                }
            };
        }
    }

    /** Where the endpoint hands driver messages ({@code POST /peer/v1/driver}). */
    @FunctionalInterface
    public interface DriverMessages {
        byte[] deliver(String callerNodeId, String linkId, byte[] message) throws PeerException;
    }

    /** Where the endpoint hands key stream messages ({@code POST /peer/v1/stream}). */
    @FunctionalInterface
    public interface StreamMessages {
        StreamReply handle(String callerNodeId, StreamMessage message) throws PeerException;
    }

    /** Where the endpoint hands link control from peers ({@code POST /peer/v1/link}). */
    @FunctionalInterface
    public interface LinkCommands {
        void apply(String callerNodeId, LinkControlRequest request) throws PeerException;
    }

    /**
     * One resource: its name in log lines, its body type, the check of a parsed body, the call,
     * and the status of a success (202 for ETSI GS QKD 020 {@code ext_keys}: acknowledged later).
     */
    private record Route<T>(String what, Class<T> type, Predicate<T> valid, Call<T> call, int okStatus) {
        Route(String what, Class<T> type, Predicate<T> valid, Call<T> call) {
            this(what, type, valid, call, 200);
        }

        Object serve(String caller, byte[] body) throws IOException, PeerException {
            T req = PeerJson.read(body, type);
            if (req == null || !valid.test(req)) {
                throw new IOException("missing fields");
            }
            return call.call(caller, req);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        Object call(String caller, T request) throws PeerException;
    }

    private final Server server;
    private final ServerConnector connector;
    private final String nodeId;
    private final Map<String, Route<?>> routes;

    public PeerServer(NodeTls tls, String host, int port, Supplier<Set<String>> peers, Endpoint endpoint) {
        this.nodeId = tls.nodeId();
        this.routes = routes(endpoint);
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("kmm-peer-" + nodeId);
        this.server = new Server(pool);
        this.connector = JettyTls.httpsConnector(server, tls, host, port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback, peers);
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

    private void serve(Request request, Response response, Callback callback, Supplier<Set<String>> peers) {
        Optional<String> caller = JettyTls.clientCommonName(request);
        if (caller.isEmpty() || !peers.get().contains(caller.get())) {
            LOG.warn("node {}: peer request from {} refused: not a configured peer", nodeId, caller.orElse("(no CN)"));
            reply(response, callback, 403, new PeerJson.ErrorBody("caller " + caller.orElse("(no certificate CN)")
                    + " is not a configured peer of node " + nodeId));
            return;
        }
        String path = Request.getPathInContext(request);
        if (PeerJson.VERSIONS_PATH.equals(path)) {
            if (!HttpMethod.GET.is(request.getMethod())) {
                reply(response, callback, 405, new PeerJson.ErrorBody("use GET"));
                return;
            }
            reply(response, callback, 200, PeerJson.VERSIONS);
            return;
        }
        Route<?> route = routes.get(path);
        if (route == null) {
            reply(response, callback, 404, new PeerJson.ErrorBody("no such peer resource"));
            return;
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            reply(response, callback, 405, new PeerJson.ErrorBody("use POST"));
            return;
        }
        byte[] body;
        try (InputStream in = Request.asInputStream(request)) {
            body = in.readNBytes(PeerJson.MAX_BODY + 1);
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: {} from peer {} unreadable: {}", nodeId, route.what(), caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody("unreadable " + route.what() + " request"));
            return;
        }
        if (body.length > PeerJson.MAX_BODY) {
            reply(response, callback, 413, new PeerJson.ErrorBody("body too large"));
            return;
        }
        try {
            reply(response, callback, route.okStatus(), route.serve(caller.get(), body));
        } catch (IOException e) {
            LOG.warn("node {}: malformed {} from peer {}: {}", nodeId, route.what(), caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody("malformed " + route.what() + " request"));
        } catch (PeerException e) {
            LOG.warn("node {}: {} from peer {} refused: {}", nodeId, route.what(), caller.get(), e.getMessage());
            reply(response, callback, 400, new PeerJson.ErrorBody(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("node {}: {} from peer {} failed: {}", nodeId, route.what(), caller.get(), e.toString());
            reply(response, callback, 500, new PeerJson.ErrorBody("internal error"));
        }
    }

    private static Map<String, Route<?>> routes(Endpoint e) {
        Map<String, Route<?>> m = new java.util.HashMap<>(Map.of(
                PeerJson.EXT_KEYS_PATH, new Route<>("ext_keys", ExtKeysRequest.class, r -> r.keys() != null,
                        (caller, r) -> {
                            e.extKeys(caller, r);
                            return Map.of();
                        }, 202),
                PeerJson.EXT_ACK_PATH, new Route<>("ext_keys ack", ExtAck.class, r -> r.keyIds() != null,
                        (caller, r) -> {
                            e.extAck(caller, r);
                            return Map.of();
                        }),
                PeerJson.EXT_VOID_PATH, new Route<>("ext_keys void", ExtVoid.class, r -> r.keyIds() != null,
                        (caller, r) -> {
                            e.extVoid(caller, r);
                            return Map.of();
                        }),
                PeerJson.RESERVE_PATH, new Route<>("reservation", ReserveRequest.class,
                        r -> PeerJson.wellFormed(List.of(r)), e::reserve),
                PeerJson.INVENTORY_PATH, new Route<>("inventory", InventoryRequest.class,
                        r -> r.linkId() != null && r.ids() != null && !r.ids().contains(null), e::inventory),
                PeerJson.ASSIGN_PATH, new Route<>("assignment", AssignRequest.class,
                        r -> r.reservations() != null && PeerJson.wellFormed(r.reservations()), e::assign),
                PeerJson.CLAIM_PATH, new Route<>("claim", ClaimRequest.class,
                        r -> r.keyIds() != null && !r.keyIds().contains(null), e::claim),
                PeerJson.STREAM_PATH, new Route<>("stream message", StreamMessage.class,
                        r -> r.op() != null && r.keyStreamId() != null, e::stream),
                PeerJson.LINK_PATH, new Route<>("link control", LinkControlRequest.class, r -> r.linkId() != null,
                        (caller, r) -> {
                            e.linkControl(caller, r);
                            return Map.of();
                        }),
                PeerJson.DRIVER_PATH, new Route<>("driver message", DriverMessage.class,
                        r -> r.linkId() != null && r.message() != null,
                        (caller, r) -> new DriverReply(e.driverMessage(caller, r.linkId(), r.message())))));
        // Map.of takes ten pairs at most
        m.put(PeerJson.VOID_PATH, new Route<>("key void", VoidKeysRequest.class,
                r -> r.keyIds() != null && !r.keyIds().isEmpty() && !r.keyIds().contains(null)
                        && r.masterSaeId() != null, e::voidKeys));
        m.put(PeerJson.KEYCHECK_PATH, new Route<>("key check", KeyCheckRequest.class,
                r -> r.linkId() != null && r.batches() != null && r.batches().stream()
                        .allMatch(b -> b != null && b.batchId() != null && b.tag() != null && b.blockIds() != null
                                && b.blockIds().stream().allMatch(java.util.Objects::nonNull)), e::keyCheck));
        return Map.copyOf(m);
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
