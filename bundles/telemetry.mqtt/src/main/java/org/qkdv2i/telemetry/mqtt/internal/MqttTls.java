package org.qkdv2i.telemetry.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * TLS for the MQTT connection on Bouncy Castle JSSE, the providers private objects (nothing is
 * added to the JVM-wide provider list): the broker is verified against the configured CA (and
 * its host name by Paho, RFC 6125 endpoint identification), and with a key store the node
 * presents a client certificate (mutual TLS; Mosquitto {@code require_certificate true}).
 */
final class MqttTls {

    private MqttTls() {
    }

    /**
     * @param keyStore PKCS#12 with the client key and certificate chain; null: no client certificate
     * @param trustStore PEM bundle ({@code .pem}, {@code .crt}) or PKCS#12 of the CA certificates
     *        trusted for the broker; null: the JVM's default trust store
     * @param protocols enabled TLS versions, e.g. TLSv1.3, TLSv1.2
     */
    static SSLSocketFactory socketFactory(BouncyCastleProvider bc, Path keyStore, char[] keyStorePassword,
            Path trustStore, char[] trustStorePassword, List<String> protocols)
            throws IOException, GeneralSecurityException {
        BouncyCastleJsseProvider jsse = new BouncyCastleJsseProvider(bc);
        KeyManager[] km = null;
        if (keyStore != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12", bc);
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, keyStorePassword);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", jsse);
            kmf.init(ks, keyStorePassword);
            km = kmf.getKeyManagers();
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", jsse);
        tmf.init(trustStore == null ? null : trust(bc, trustStore, trustStorePassword));
        SSLContext ctx = SSLContext.getInstance("TLS", jsse);
        ctx.init(km, tmf.getTrustManagers(), new SecureRandom());
        List<String> supported = List.of(ctx.getSupportedSSLParameters().getProtocols());
        for (String p : protocols) {
            if (!supported.contains(p)) {
                throw new GeneralSecurityException("unsupported TLS protocol " + p + " (supported: " + supported + ")");
            }
        }
        return new Configured(ctx.getSocketFactory(), protocols.toArray(String[]::new));
    }

    private static KeyStore trust(BouncyCastleProvider bc, Path file, char[] password)
            throws IOException, GeneralSecurityException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pem") || name.endsWith(".crt")) {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(file)) {
                certs = CertificateFactory.getInstance("X.509", bc).generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate in trust store " + file);
            }
            KeyStore ts = KeyStore.getInstance("PKCS12", bc);
            ts.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ts.setCertificateEntry("ca-" + i++, c);
            }
            return ts;
        }
        KeyStore ts = KeyStore.getInstance("PKCS12", bc);
        try (InputStream in = Files.newInputStream(file)) {
            ts.load(in, password);
        }
        return ts;
    }

    /** Enables the configured protocol versions on every socket Paho creates. */
    private static final class Configured extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String[] protocols;

        Configured(SSLSocketFactory delegate, String[] protocols) {
            this.delegate = delegate;
            this.protocols = protocols;
        }

        private Socket configure(Socket s) {
            if (s instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(protocols);
            }
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return configure(delegate.createSocket(address, port, localAddress, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }
}
