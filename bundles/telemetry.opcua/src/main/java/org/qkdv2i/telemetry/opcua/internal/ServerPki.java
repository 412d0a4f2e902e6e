package org.qkdv2i.telemetry.opcua.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.eclipse.milo.opcua.stack.core.security.CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's PKI folder, laid out as Milo's file-based trust list expects:
 * <pre>
 * {pkiDir}/server.p12        server key + certificate (password-protected PKCS12, made on first start)
 * {pkiDir}/trusted/certs     client certificates an operator trusts (DER .der/.crt files)
 * {pkiDir}/trusted/crl       their CRLs
 * {pkiDir}/issuers/certs|crl CA certificates that only issue (not trusted by themselves)
 * {pkiDir}/rejected          client certificates the server refused (move one to trusted/certs to trust it)
 * </pre>
 */
final class ServerPki implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerPki.class);
    static final String KEYSTORE_FILE = "server.p12";
    private static final String ALIAS = "server";

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final FileBasedTrustListManager trustList;
    private final CertificateManager certificateManager;
    private final Path dir;

    private ServerPki(Path dir, KeyPair keyPair, X509Certificate certificate, FileBasedTrustListManager trustList,
            CertificateManager certificateManager) {
        this.dir = dir;
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.trustList = trustList;
        this.certificateManager = certificateManager;
    }

    /**
     * Loads {@code server.p12} or, on first start, makes a key pair and self-signed certificate and
     * stores them encrypted with {@code password}.
     */
    static ServerPki open(Path dir, char[] password, String applicationUri, String commonName,
            Collection<String> hosts, Provider bc) throws Exception {
        Files.createDirectories(dir);
        Path p12 = dir.resolve(KEYSTORE_FILE);
        KeyStore ks = KeyStore.getInstance("PKCS12", bc);
        KeyPair kp;
        X509Certificate cert;
        if (Files.exists(p12)) {
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, password);
            }
            Key key = ks.getKey(ALIAS, password);
            Certificate c = ks.getCertificate(ALIAS);
            if (!(key instanceof PrivateKey) || !(c instanceof X509Certificate)) {
                throw new IOException(p12 + " has no '" + ALIAS + "' key entry");
            }
            cert = (X509Certificate) c;
            kp = new KeyPair(cert.getPublicKey(), (PrivateKey) key);
            LOG.info("OPC UA server certificate loaded from {} (subject {}, valid until {})", p12,
                    cert.getSubjectX500Principal().getName(), cert.getNotAfter().toInstant());
        } else {
            kp = Certificates.rsa2048(bc);
            cert = Certificates.selfSigned(bc, kp, commonName, applicationUri, hosts, Duration.ofDays(5 * 365));
            // BC's AES variant: the key bag is PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), not 3DES;
            // still a plain PKCS#12 that keytool and openssl read
            KeyStore out12 = KeyStore.getInstance("PKCS12-AES256-AES128", bc);
            out12.load(null, null);
            out12.setKeyEntry(ALIAS, kp.getPrivate(), password, new Certificate[] {cert});
            Path tmp = dir.resolve(KEYSTORE_FILE + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out12.store(out, password);
            }
            restrict(tmp);
            Files.move(tmp, p12, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("OPC UA server certificate created in {} for {}", p12, applicationUri);
        }
        FileBasedTrustListManager trust = FileBasedTrustListManager.createAndInitialize(dir);
        FileBasedCertificateQuarantine quarantine = FileBasedCertificateQuarantine.create(dir.resolve("rejected"));
        DefaultServerCertificateValidator validator = new DefaultServerCertificateValidator(trust, quarantine);
        KeyPair fkp = kp;
        X509Certificate fcert = cert;
        CertificateFactory factory = new CertificateFactory() {
            @Override
            public KeyPair createKeyPair(NodeId certificateTypeId) {
                return fkp;
            }

            @Override
            public X509Certificate[] createCertificateChain(NodeId certificateTypeId, KeyPair keyPair) {
                return new X509Certificate[] {fcert};
            }

            @Override
            public ByteString createSigningRequest(NodeId certificateTypeId, KeyPair keyPair, X500Name subject,
                    String applicationUri, List<String> dnsNames, List<String> ipAddresses) {
                throw new UnsupportedOperationException("certificate signing requests are not supported");
            }
        };
        DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(trust, new MemoryCertificateStore(),
                factory, validator);
        return new ServerPki(dir, kp, cert, trust, new DefaultCertificateManager(quarantine, group));
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // non-POSIX file system: the PKCS12 password still protects the key
        }
    }

    X509Certificate certificate() {
        return certificate;
    }

    KeyPair keyPair() {
        return keyPair;
    }

    CertificateManager certificateManager() {
        return certificateManager;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            trustList.close();
        } catch (IOException e) {
            LOG.warn("OPC UA trust list {} did not close: {}", dir, e.toString());
        }
    }
}
