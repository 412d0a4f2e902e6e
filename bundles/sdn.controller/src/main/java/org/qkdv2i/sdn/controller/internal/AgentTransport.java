package org.qkdv2i.sdn.controller.internal;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jetty HttpClient (one selector, one small thread pool, pooled connections per agent) for
 * all the agents of a controller, over mutual TLS with the controller's identity. On top of the
 * CA and host-name checks, an agent's server certificate must name the node configured at that
 * address (CN = node ID): a city of a thousand nodes costs a handful of threads, not a client
 * per node.
 */
final class AgentTransport {

    private static final Logger LOG = LoggerFactory.getLogger(AgentTransport.class);

    private final String controllerId;
    private final Map<String, String> nodeByAddress = new HashMap<>();
    private final HttpClient client;

    AgentTransport(NodeTls tls, List<AgentRef> agents, long timeoutMillis) throws Exception {
        this.controllerId = tls.nodeId();
        for (AgentRef a : agents) {
            nodeByAddress.put(address(a.base().getHost(), a.base().getPort()), a.nodeId());
        }
        SslContextFactory.Client ssl = JettyTls.clientFactory(tls);
        ssl.setHostnameVerifier(this::serverIs);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("sdn-agent-client-" + controllerId);
        connector.setExecutor(pool);
        HttpClient c = new HttpClient(new HttpClientTransportOverHTTP(connector));
        c.setExecutor(pool);
        c.setFollowRedirects(false);
        c.setConnectTimeout(timeoutMillis);
        c.start();
        this.client = c;
    }

    HttpClient client() {
        return client;
    }

    void stop() {
        try {
            client.stop();
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }

    private static String address(String host, int port) {
        return (host == null ? "" : host.toLowerCase(Locale.ROOT)) + ":" + port;
    }

    private boolean serverIs(String host, SSLSession session) {
        String node = nodeByAddress.get(address(host, session.getPeerPort()));
        Optional<String> cn = Optional.empty();
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                cn = JettyTls.commonName((X509Certificate) chain[0]);
            }
        } catch (SSLPeerUnverifiedException e) {
            // no certificate: refused below
        }
        if (node != null && cn.isPresent() && cn.get().equals(node)) {
            return true;
        }
        LOG.warn("controller {}: refused agent connection to {}:{}: server certificate CN {} is not node {}",
                controllerId, host, session.getPeerPort(), cn.orElse("(none)"), node == null ? "(none configured there)" : node);
        return false;
    }
}
