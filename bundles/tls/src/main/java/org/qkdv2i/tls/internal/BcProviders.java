package org.qkdv2i.tls.internal;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Bouncy Castle provider object of this bundle's node TLS identities, built on a
 * background thread as soon as the bundle starts (start level 1 in node.jar, see
 * cnf/runtime.bnd), followed by a warm-up of the TLS classes a node's first identity needs;
 * a second thread warms up the Jetty classes of its first HTTPS server meanwhile.
 *
 * <p>Why: {@code new BouncyCastleProvider()} is the largest single cost of a node start (its
 * class initialisation builds the parameters of every named curve, ~1 s of CPU on a cold JVM),
 * and the node's TLS identity can only be loaded once FileInstall has read {@code deploy/},
 * after every other bundle started. Building it here overlaps that work with the rest of the
 * start-up, and sharing the object saves building one per identity. The provider is a private
 * object, as before: nothing is added to the JVM-wide provider list.
 */
@Component(service = BcProviders.class, immediate = true)
public final class BcProviders {

    private static final Logger LOG = LoggerFactory.getLogger(BcProviders.class);

    private final JulLevels julLevels = new JulLevels();
    private final CompletableFuture<BouncyCastleProvider> provider = new CompletableFuture<>();

    @Activate
    public BcProviders() {
        julLevels.apply(); // before BCJSSE's first log line
        daemon(this::build, "qkd-tls-bc-init");
        // Jetty does not need Bouncy Castle: its warm-up need not wait for the provider (in
        // node.jar the provider's class initialisation already runs on another thread, started
        // by org.qkdv2i.node's launcher hook, and this thread would only wait for it)
        daemon(BcProviders::warmUpJetty, "qkd-tls-jetty-warm-up");
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void build() {
        try {
            BouncyCastleProvider bc = new BouncyCastleProvider();
            provider.complete(bc);
            warmUp(bc);
        } catch (RuntimeException | LinkageError e) {
            provider.completeExceptionally(e);
            LOG.warn("Bouncy Castle provider not built in the background ({}); building it on first use", e.toString());
        }
    }

    /**
     * Loads and initialises Jetty's server and connector classes, whose static initialisers
     * read MIME tables and the JDK's locale data, for the first HTTPS server. Class
     * initialisation is JVM-wide, so what follows finds them ready. Nothing is started, bound
     * or kept.
     */
    private static void warmUpJetty() {
        try {
            Server server = new Server();
            HttpConfiguration http = new HttpConfiguration();
            http.addCustomizer(new SecureRequestCustomizer());
            new ServerConnector(server, new SslContextFactory.Server(), new HttpConnectionFactory(http));
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Jetty warm-up skipped: {}", e.toString());
        }
    }

    /**
     * Loads and initialises the classes the first TLS identity needs (PKCS#12 reader, BCJSSE
     * context); see {@link HandshakeWarmUp} for the handshake itself.
     */
    private static void warmUp(BouncyCastleProvider bc) {
        try {
            KeyStore.getInstance("PKCS12", bc).load(null, null);
            SSLContext ctx = SSLContext.getInstance("TLS", new BouncyCastleJsseProvider(bc));
            // empty arrays, not null: null would make BCJSSE read the JDK's default trust store
            ctx.init(new KeyManager[0], new TrustManager[0], new SecureRandom());
            ctx.createSSLEngine().getSupportedCipherSuites();
        } catch (Exception | LinkageError e) {
            LOG.debug("TLS warm-up skipped: {}", e.toString());
        }
    }

    /** The shared provider; waits for the background build if it is still running. */
    public BouncyCastleProvider bouncyCastle() {
        try {
            return provider.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new BouncyCastleProvider();
        } catch (ExecutionException e) {
            return new BouncyCastleProvider();
        }
    }
}
