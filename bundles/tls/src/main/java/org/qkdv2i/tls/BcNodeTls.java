package org.qkdv2i.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * A node TLS identity on Bouncy Castle JSSE. The providers are private objects of this
 * instance: nothing is added to the JVM-wide provider list.
 */
public final class BcNodeTls implements NodeTls {

    /** Hybrid post-quantum first; classical groups kept for older clients (e.g. OpenSSL 3.0 curl). */
    public static final List<String> DEFAULT_GROUPS = List.of("X25519MLKEM768", "x25519", "secp256r1", "secp384r1");
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final String nodeId;
    private final SSLContext context;
    private final List<String> groups;
    private final List<String> protocols;

    private BcNodeTls(String nodeId, SSLContext context, List<String> groups, List<String> protocols) {
        this.nodeId = nodeId;
        this.context = context;
        this.groups = groups;
        this.protocols = protocols;
    }

    /**
     * Loads a node identity from files.
     *
     * @param pkcs12    key store with the node's private key and certificate chain
     * @param password  password of the key store and of its key entry
     * @param trustPem  PEM bundle of the CA certificates trusted for peers and clients
     * @param groups    named groups, most preferred first (null or empty: {@link #DEFAULT_GROUPS})
     * @param protocols TLS protocols (null or empty: {@link #DEFAULT_PROTOCOLS})
     */
    public static BcNodeTls load(String nodeId, Path pkcs12, char[] password, Path trustPem, List<String> groups,
            List<String> protocols) throws IOException, GeneralSecurityException {
        return load(nodeId, new BouncyCastleProvider(), pkcs12, password, trustPem, groups, protocols);
    }

    /**
     * Loads a node identity from files with a Bouncy Castle provider object the caller shares
     * between identities (building one costs a cold JVM about a second of CPU).
     *
     * @since 1.1
     */
    public static BcNodeTls load(String nodeId, BouncyCastleProvider bc, Path pkcs12, char[] password, Path trustPem,
            List<String> groups, List<String> protocols) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(bc, "bc");
        KeyStore ks = KeyStore.getInstance("PKCS12", bc);
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, password);
        }
        return create(nodeId, bc, ks, password, readTrustStore(trustPem), groups, protocols);
    }

    /** Builds a node identity from key stores already in memory (tests, other key sources). */
    public static BcNodeTls of(String nodeId, KeyStore keyStore, char[] password, KeyStore trustStore,
            List<String> groups, List<String> protocols) throws GeneralSecurityException {
        return create(nodeId, new BouncyCastleProvider(), keyStore, password, trustStore, groups, protocols);
    }

    /** An in-memory trust store holding every certificate of a PEM bundle. */
    public static KeyStore readTrustStore(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in trust store " + pem);
        }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            ts.setCertificateEntry("ca-" + i++, c);
        }
        return ts;
    }

    private static BcNodeTls create(String nodeId, BouncyCastleProvider bc, KeyStore keyStore, char[] password,
            KeyStore trustStore, List<String> groups, List<String> protocols) throws GeneralSecurityException {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(trustStore, "trustStore");
        BouncyCastleJsseProvider jsse = new BouncyCastleJsseProvider(bc);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", jsse);
        kmf.init(keyStore, password == null ? new char[0] : password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", jsse);
        tmf.init(trustStore);
        SSLContext ctx = SSLContext.getInstance("TLS", jsse);
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        List<String> g = clean(groups, DEFAULT_GROUPS);
        List<String> p = clean(protocols, DEFAULT_PROTOCOLS);
        Set<String> supported = Set.of(ctx.getSupportedSSLParameters().getProtocols());
        for (String proto : p) {
            if (!supported.contains(proto)) {
                throw new GeneralSecurityException("unsupported TLS protocol " + proto + " (supported: " + supported + ")");
            }
        }
        return new BcNodeTls(nodeId, ctx, g, p);
    }

    private static List<String> clean(List<String> values, List<String> defaults) {
        if (values == null) {
            return defaults;
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(v.trim());
            }
        }
        return out.isEmpty() ? defaults : List.copyOf(out);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public SSLContext sslContext() {
        return context;
    }

    @Override
    public List<String> namedGroups() {
        return groups;
    }

    /** The configured protocols, most preferred first. */
    @Override
    public List<String> protocols() {
        return protocols;
    }

    @Override
    public void configure(SSLEngine engine, boolean server) {
        String[] protos = protocols.toArray(String[]::new);
        if (engine instanceof BCSSLEngine) {
            // Java 17's SSLParameters has no named-groups setter: go through BCSSLParameters
            BCSSLEngine bce = (BCSSLEngine) engine;
            BCSSLParameters p = bce.getParameters();
            p.setProtocols(protos);
            p.setNamedGroups(groups.toArray(String[]::new));
            p.setUseNamedGroupsOrder(true); // server picks our order: hybrid first
            if (server) {
                p.setNeedClientAuth(true);
            }
            bce.setParameters(p);
        } else {
            engine.setEnabledProtocols(protos);
            if (server) {
                engine.setNeedClientAuth(true);
            }
        }
    }

    @Override
    public String toString() {
        return "BcNodeTls[" + nodeId + ", groups=" + groups + ", protocols=" + protocols + "]";
    }
}
