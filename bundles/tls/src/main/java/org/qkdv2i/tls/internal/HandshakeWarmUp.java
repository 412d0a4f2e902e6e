package org.qkdv2i.tls.internal;

import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS handshake of a freshly loaded identity with itself, in memory (a client and a
 * server {@link SSLEngine} of its own context, configured as the node's servers and clients
 * are: mutual TLS, hybrid group first), on a background thread.
 *
 * <p>Why: the first handshake in a cold JVM initialises and interprets the whole of it (ML-KEM
 * and X25519 key exchange, ECDSA signing and verification, certificate path validation on both
 * sides, the TLS 1.3 key schedule): ~0.25 s of CPU against ~0.05 s for the next one. That first
 * handshake used to be the first SAE's (or the readiness probe's), after the ETSI 014 server had
 * started. Done here, it runs while the server starts on the other core. Nothing leaves the
 * process: no socket, no session kept (BCJSSE's session cache is per context, and a client
 * engine without a peer port does not resume).
 */
final class HandshakeWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeWarmUp.class);
    /** A TLS 1.3 handshake takes ~10 engine steps per side; far more means something is stuck. */
    private static final int MAX_STEPS = 400;
    /** {@code -Dorg.qkdv2i.tls.warmUpHandshake=false} turns the warm-up off (to measure it, or to rule it out). */
    static final String SWITCH = "org.qkdv2i.tls.warmUpHandshake";

    private HandshakeWarmUp() {
    }

    static void startFor(NodeTls tls) {
        if ("false".equalsIgnoreCase(System.getProperty(SWITCH))) {
            return;
        }
        Thread t = new Thread(() -> run(tls), "qkd-tls-handshake-warm-up-" + tls.nodeId());
        t.setDaemon(true);
        t.start();
    }

    static void run(NodeTls tls) {
        try {
            if (!handshake(tls)) {
                LOG.debug("node {}: TLS warm-up handshake did not finish", tls.nodeId());
            }
        } catch (Exception | LinkageError e) {
            LOG.debug("node {}: TLS warm-up handshake failed: {}", tls.nodeId(), e.toString());
        }
    }

    /** True if both engines finished the handshake. */
    static boolean handshake(NodeTls tls) throws SSLException {
        SSLEngine client = tls.sslContext().createSSLEngine();
        client.setUseClientMode(true);
        tls.configure(client, false);
        SSLEngine server = tls.sslContext().createSSLEngine();
        server.setUseClientMode(false);
        tls.configure(server, true);
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(4 * packet);
        ByteBuffer toClient = ByteBuffer.allocate(4 * packet);
        ByteBuffer clientApp = ByteBuffer.allocate(app);
        ByteBuffer serverApp = ByteBuffer.allocate(app);
        ByteBuffer nothing = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        try {
            for (int i = 0; i < MAX_STEPS; i++) {
                if (finished(client) && finished(server)) {
                    return true;
                }
                step(client, nothing, toServer, toClient, clientApp);
                step(server, nothing, toClient, toServer, serverApp);
            }
            return false;
        } finally {
            client.closeOutbound();
            server.closeOutbound();
        }
    }

    private static boolean finished(SSLEngine e) {
        HandshakeStatus h = e.getHandshakeStatus();
        return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine e, ByteBuffer nothing, ByteBuffer out, ByteBuffer in, ByteBuffer app)
            throws SSLException {
        switch (e.getHandshakeStatus()) {
            case NEED_WRAP -> e.wrap(nothing, out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                e.unwrap(in, app);
                in.compact();
                app.clear(); // no application data in a handshake; keep room
            }
            case NEED_TASK -> {
                Runnable task;
                while ((task = e.getDelegatedTask()) != null) {
                    task.run();
                }
            }
            default -> {
                // FINISHED / NOT_HANDSHAKING: wait for the other side
            }
        }
    }
}
