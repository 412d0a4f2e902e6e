package org.qkdv2i.kmm.internal.peer;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls peer KMMs over HTTPS with mutual TLS (Jetty HttpClient, node certificate as client
 * certificate). One client per peer node, so that its connections are checked against that
 * node: besides the CA and the host name, the server certificate's CN must be the peer node
 * ID (all dev node certificates carry SAN localhost, so the host name alone proves nothing).
 */
public final class HttpsPeerTransport implements PeerTransport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsPeerTransport.class);

    private record PeerClient(String url, HttpClient client) {
    }

    private final NodeTls tls;
    private final Supplier<Map<String, String>> peers;
    private final Map<String, PeerClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param peers peer node ID → base URL ("https://host:port") */
    public HttpsPeerTransport(NodeTls tls, Supplier<Map<String, String>> peers) {
        this.tls = tls;
        this.peers = peers;
    }

    @Override
    public ReserveResult reserve(String peerNodeId, ReserveRequest request, long timeoutMillis) throws PeerException {
        ReserveResult r = post(peerNodeId, PeerJson.RESERVE_PATH, request, ReserveResult.class, timeoutMillis);
        if (r.accepted() == null || r.missingParts() == null) {
            throw new PeerException("peer " + peerNodeId + " answered a reservation without accepted/missingParts",
                    false);
        }
        return r;
    }

    @Override
    public InventoryResult inventory(String peerNodeId, InventoryRequest request, long timeoutMillis)
            throws PeerException {
        InventoryResult r = post(peerNodeId, PeerJson.INVENTORY_PATH, request, InventoryResult.class, timeoutMillis);
        if (r.missing() == null) {
            throw new PeerException("peer " + peerNodeId + " answered an inventory without missing", false);
        }
        return r;
    }

    @Override
    public AssignResult assign(String peerNodeId, AssignRequest request, long timeoutMillis) throws PeerException {
        AssignResult r = post(peerNodeId, PeerJson.ASSIGN_PATH, request, AssignResult.class, timeoutMillis);
        if (r.recorded() == null || r.missing() == null || r.refused() == null) {
            throw new PeerException("peer " + peerNodeId + " answered an assignment without recorded/missing/refused",
                    false);
        }
        return r;
    }

    @Override
    public ClaimResult claim(String peerNodeId, ClaimRequest request, long timeoutMillis) throws PeerException {
        ClaimResult r = post(peerNodeId, PeerJson.CLAIM_PATH, request, ClaimResult.class, timeoutMillis);
        if (r.reservations() == null || !PeerJson.wellFormed(r.reservations())) {
            throw new PeerException("peer " + peerNodeId + " answered a claim with malformed reservations", false);
        }
        return r;
    }

    @Override
    public byte[] driverMessage(String peerNodeId, String linkId, byte[] message, long timeoutMillis)
            throws PeerException {
        DriverReply r = post(peerNodeId, PeerJson.DRIVER_PATH, new DriverMessage(linkId, message), DriverReply.class,
                timeoutMillis);
        if (r.message() == null) {
            throw new PeerException("peer " + peerNodeId + " answered a driver message without a message", false);
        }
        return r.message();
    }

    @Override
    public void linkControl(String peerNodeId, LinkControlRequest request, long timeoutMillis) throws PeerException {
        post(peerNodeId, PeerJson.LINK_PATH, request, Map.class, timeoutMillis);
    }

    @Override
    public KeyCheckResult keyCheck(String peerNodeId, KeyCheckRequest request, long timeoutMillis)
            throws PeerException {
        KeyCheckResult r = post(peerNodeId, PeerJson.KEYCHECK_PATH, request, KeyCheckResult.class, timeoutMillis);
        if (r == null || r.verdicts() == null || r.verdicts().size() != request.batches().size()) {
            throw new PeerException("peer " + peerNodeId + " answered a key check without one verdict per batch",
                    false);
        }
        return r;
    }

    @Override
    public VoidKeysResult voidKeys(String peerNodeId, VoidKeysRequest request, long timeoutMillis)
            throws PeerException {
        VoidKeysResult r = post(peerNodeId, PeerJson.VOID_PATH, request, VoidKeysResult.class, timeoutMillis);
        if (r == null) {
            throw new PeerException("peer " + peerNodeId + " answered a key void without a body", false);
        }
        return r;
    }

    @Override
    public StreamReply stream(String peerNodeId, StreamMessage message, long timeoutMillis) throws PeerException {
        StreamReply r = post(peerNodeId, PeerJson.STREAM_PATH, message, StreamReply.class, timeoutMillis);
        if (r == null) {
            throw new PeerException("peer " + peerNodeId + " answered a stream message without a body", false);
        }
        return r;
    }

    @Override
    public void extKeys(String peerNodeId, ExtKeysRequest request, long timeoutMillis) throws PeerException {
        post(peerNodeId, PeerJson.EXT_KEYS_PATH, request, Map.class, timeoutMillis);
    }

    /** Posts to the peer's configured address: only the path of {@code callbackUrl} is taken (never another host). */
    @Override
    public void extAck(String peerNodeId, String callbackUrl, ExtAck ack, long timeoutMillis) throws PeerException {
        post(peerNodeId, PeerJson.EXT_ACK_PATH, ack, Map.class, timeoutMillis);
    }

    @Override
    public void extVoid(String peerNodeId, ExtVoid request, long timeoutMillis) throws PeerException {
        post(peerNodeId, PeerJson.EXT_VOID_PATH, request, Map.class, timeoutMillis);
    }

    private <T> T post(String peerNodeId, String path, Object body, Class<T> type, long timeoutMillis)
            throws PeerException {
        PeerClient pc = client(peerNodeId);
        String url = pc.url() + path;
        ContentResponse resp;
        try {
            resp = pc.client().POST(url)
                    .timeout(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS)
                    .body(new BytesRequestContent("application/json", PeerJson.write(body)))
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted calling " + url, false);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SSLPeerUnverifiedException) {
                throw new PeerException(url + ": server is not peer node " + peerNodeId
                        + " (certificate CN or host name mismatch)", false);
            }
            throw new PeerException(url + ": " + cause, false);
        }
        try {
            if (resp.getStatus() / 100 == 2) { // 202 for ext_keys
                return PeerJson.read(resp.getContent(), type);
            }
            String msg = PeerJson.read(resp.getContent(), PeerJson.ErrorBody.class).message();
            throw new PeerException(msg + " (HTTP " + resp.getStatus() + ")", resp.getStatus() < 500);
        } catch (IOException e) {
            throw new PeerException(url + " answered HTTP " + resp.getStatus() + " with an unreadable body", false);
        }
    }

    /** The client of one peer, made on first use and again when its URL changes. */
    private PeerClient client(String peerNodeId) throws PeerException {
        String base = peers.get().get(peerNodeId);
        if (base == null) {
            throw new PeerException("no URL configured for peer " + peerNodeId + " (option peers)", false);
        }
        String url = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        synchronized (clients) {
            if (closed) {
                throw new PeerException("peer channel of node " + tls.nodeId() + " is closed", false);
            }
            PeerClient pc = clients.get(peerNodeId);
            if (pc != null && pc.url().equals(url)) {
                return pc;
            }
            if (pc != null) {
                stop(pc.client()); // connections checked against the old URL must not be reused
            }
            try {
                pc = new PeerClient(url, start(peerNodeId));
            } catch (Exception e) {
                throw new PeerException("peer KMM client for " + peerNodeId + " could not start: " + e, false);
            }
            clients.put(peerNodeId, pc);
            return pc;
        }
    }

    private HttpClient start(String peerNodeId) throws Exception {
        SslContextFactory.Client ssl = JettyTls.clientFactory(tls);
        // called by Jetty after every handshake, on top of the CA and host name checks
        ssl.setHostnameVerifier((host, session) -> serverIs(peerNodeId, host, session));
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        QueuedThreadPool pool = new QueuedThreadPool(8, 1);
        pool.setName("kmm-peer-client-" + tls.nodeId() + "-" + peerNodeId);
        connector.setExecutor(pool);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setFollowRedirects(false);
        client.start();
        return client;
    }

    private boolean serverIs(String peerNodeId, String host, SSLSession session) {
        Optional<String> cn = Optional.empty();
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                cn = JettyTls.commonName((X509Certificate) chain[0]);
            }
        } catch (SSLPeerUnverifiedException e) {
            // no certificate: refused below
        }
        if (cn.isPresent() && cn.get().equals(peerNodeId)) {
            return true;
        }
        LOG.warn("node {}: refused peer connection to {}:{}: server certificate CN {} is not peer node {}",
                tls.nodeId(), host, session.getPeerPort(), cn.orElse("(none)"), peerNodeId);
        return false;
    }

    private static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            // nothing left to do while shutting down
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            closed = true;
            clients.values().forEach(pc -> stop(pc.client()));
            clients.clear();
        }
    }
}
