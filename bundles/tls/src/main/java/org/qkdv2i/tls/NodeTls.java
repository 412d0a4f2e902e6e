package org.qkdv2i.tls;

import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The TLS identity of one node, registered with the service property
 * {@code qkd.node=<node ID>}. Servers built from it require a client certificate
 * issued by the trusted CA (mutual TLS).
 */
@ProviderType
public interface NodeTls {

    /** Service property holding the node ID (String). */
    String NODE_PROPERTY = "qkd.node";

    String nodeId();

    /** Context for servers (ETSI 014 KME, peer KMM endpoint) and clients (calls to peer KMMs). */
    SSLContext sslContext();

    /**
     * Applies the configured protocols and key-exchange groups to an engine, in order of
     * preference (hybrid X25519MLKEM768 first by default), and for a server engine
     * requires client authentication.
     */
    void configure(SSLEngine engine, boolean server);

    /** The configured named groups, most preferred first. */
    List<String> namedGroups();

    /** The enabled TLS protocol versions, e.g. TLSv1.3 and TLSv1.2. */
    List<String> protocols();
}
