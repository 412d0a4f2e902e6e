package org.qkdv2i.tls;

import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mutual-TLS helpers for embedded Jetty 12.1 (core API, no servlets) on a {@link NodeTls}. */
public final class JettyTls {

    /** SSLSession value caching the parsed client CN (one parse per TLS session, not per request). */
    private static final String CN_SESSION_KEY = "org.qkdv2i.tls.clientCN";
    private static final Logger LOG = LoggerFactory.getLogger(JettyTls.class);

    private JettyTls() {
    }

    /** The server-side SSL context factory: client certificate required, node's groups and protocols. */
    public static SslContextFactory.Server serverFactory(NodeTls tls) {
        SslContextFactory.Server f = new SslContextFactory.Server() {
            @Override
            public void customize(SSLEngine engine) {
                super.customize(engine);
                tls.configure(engine, true); // after Jetty's own settings: named groups, protocols, need-auth
            }
        };
        f.setSslContext(tls.sslContext());
        f.setNeedClientAuth(true);
        f.setIncludeProtocols(tls.protocols().toArray(String[]::new));
        return f;
    }

    /**
     * An HTTPS connector: TLS 1.3/1.2 per the node's configuration, client certificate
     * REQUIRED (the handshake fails without one from a trusted CA), hybrid group preferred,
     * {@link SecureRequestCustomizer} installed so {@link #clientCommonName(Request)} works.
     *
     * @param port 0 for an ephemeral port (read it with {@link ServerConnector#getLocalPort()} after start)
     */
    public static ServerConnector httpsConnector(Server server, NodeTls tls, String host, int port) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSecureScheme("https");
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // clients reach nodes by IP as well as by name; the client already checks our certificate
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, serverFactory(tls), new HttpConnectionFactory(http));
        connector.addBean(new RejectedHandshakeLog(tls.nodeId(), port));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /**
     * One log line per refused TLS handshake (no certificate, foreign CA, expired certificate,
     * no common group), naming the client address and the cause, so an operator can tell a
     * misconfigured SAE from an attack without a stack trace.
     */
    private static final class RejectedHandshakeLog implements SslHandshakeListener {
        private final String nodeId;
        private final int port;

        RejectedHandshakeLog(String nodeId, int port) {
            this.nodeId = nodeId;
            this.port = port;
        }

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            SSLEngine engine = event.getSSLEngine();
            LOG.warn("node {}: TLS handshake on port {} from {}:{} refused: {}", nodeId, port, engine.getPeerHost(),
                    engine.getPeerPort(), rootMessage(failure));
        }

        private static String rootMessage(Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String m = root.getMessage();
            return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
        }
    }

    /** An SSL context factory for Jetty {@code HttpClient} calls to peers; the server certificate is verified (HTTPS host name check). */
    public static SslContextFactory.Client clientFactory(NodeTls tls) {
        SslContextFactory.Client f = new SslContextFactory.Client() {
            @Override
            public void customize(SSLEngine engine) {
                super.customize(engine);
                tls.configure(engine, false);
            }
        };
        f.setSslContext(tls.sslContext());
        f.setIncludeProtocols(tls.protocols().toArray(String[]::new));
        return f;
    }

    /** The common name (CN) of the verified client certificate of this request, if any. */
    public static Optional<String> clientCommonName(Request request) {
        Object attr = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (!(attr instanceof EndPoint.SslSessionData)) {
            return Optional.empty();
        }
        EndPoint.SslSessionData data = (EndPoint.SslSessionData) attr;
        SSLSession session = data.sslSession();
        if (session != null) {
            Object cached = session.getValue(CN_SESSION_KEY);
            if (cached instanceof String) {
                return Optional.of((String) cached);
            }
        }
        X509Certificate[] chain = data.peerCertificates();
        if (chain == null || chain.length == 0) {
            return Optional.empty();
        }
        Optional<String> cn = commonName(chain[0]);
        if (session != null && cn.isPresent()) {
            try {
                session.putValue(CN_SESSION_KEY, cn.get());
            } catch (RuntimeException ignored) {
                // caching is an optimisation only
            }
        }
        return cn;
    }

    /** The first CN of a certificate's subject. */
    public static Optional<String> commonName(X509Certificate cert) {
        try {
            X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
            RDN[] rdns = name.getRDNs(BCStyle.CN);
            if (rdns.length == 0 || rdns[0].getFirst() == null) {
                return Optional.empty();
            }
            ASN1Encodable value = rdns[0].getFirst().getValue();
            String s = value instanceof ASN1String ? ((ASN1String) value).getString() : value.toString();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
