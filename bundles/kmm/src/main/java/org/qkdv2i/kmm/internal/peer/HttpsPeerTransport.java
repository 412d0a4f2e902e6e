package org.qkdv2i.kmm.internal.peer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/** Calls peer KMMs over HTTPS with mutual TLS (Jetty HttpClient, node certificate as client certificate). */
public final class HttpsPeerTransport implements PeerTransport, AutoCloseable {

    private final HttpClient client;
    private final Supplier<Map<String, String>> peers;
    private final LongSupplier timeoutMillis;

    /**
     * @param peers         peer node ID → base URL ("https://host:port")
     * @param timeoutMillis timeout of one call
     */
    public HttpsPeerTransport(NodeTls tls, Supplier<Map<String, String>> peers, LongSupplier timeoutMillis)
            throws Exception {
        this.peers = peers;
        this.timeoutMillis = timeoutMillis;
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(JettyTls.clientFactory(tls));
        QueuedThreadPool pool = new QueuedThreadPool(16, 1);
        pool.setName("kmm-peer-client-" + tls.nodeId());
        connector.setExecutor(pool);
        this.client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setFollowRedirects(false);
        client.start();
    }

    @Override
    public ReserveResult reserve(String peerNodeId, ReserveRequest request) throws PeerException {
        String base = peers.get().get(peerNodeId);
        if (base == null) {
            throw new PeerException("no URL configured for peer " + peerNodeId + " (option peers)", false);
        }
        ContentResponse resp;
        try {
            resp = client.POST(stripSlash(base) + PeerJson.RESERVE_PATH)
                    .timeout(timeoutMillis.getAsLong(), TimeUnit.MILLISECONDS)
                    .body(new BytesRequestContent("application/json", PeerJson.write(request)))
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted calling " + base, false);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PeerException(base + ": " + cause, false);
        }
        try {
            if (resp.getStatus() == 200) {
                ReserveResult r = PeerJson.read(resp.getContent(), ReserveResult.class);
                if (r.accepted() == null || r.missingParts() == null) {
                    throw new IOException("missing fields");
                }
                return r;
            }
            String msg = PeerJson.read(resp.getContent(), PeerJson.ErrorBody.class).message();
            throw new PeerException(msg + " (HTTP " + resp.getStatus() + ")", resp.getStatus() < 500);
        } catch (IOException e) {
            throw new PeerException(base + " answered HTTP " + resp.getStatus() + " with an unreadable body", false);
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // nothing left to do while shutting down
        }
    }
}
