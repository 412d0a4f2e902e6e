package org.qkdv2i.node.internal.launch;

import java.security.KeyStore;
import java.security.Provider;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.LoggerFactory;

/**
 * Starts the Bouncy Castle provider's class initialisation while the framework is still
 * starting, instead of at start level 1.
 *
 * <p>Not a bundle activator: a launcher hook. node.jar's launcher (bnd's
 * {@code aQute.launcher.Launcher}) instantiates the class named by the {@code Embedded-Activator}
 * header of a jar on the framework class path ({@code -runpath} in node.bndrun; this class is
 * the only content of {@code org.qkdv2i.node-…-launch.jar}) and, because of {@link #IMMEDIATE},
 * calls {@link #start} right after the framework has read its bundle cache, before the launcher
 * checks node.jar's bundles and starts them.
 *
 * <p>Why: {@code new BouncyCastleProvider()} costs ~1 s of CPU in a cold JVM (its class
 * initialisers build and check every named curve), and the node's TLS identity, hence the first
 * served request, waits for it. {@code org.qkdv2i.tls} builds its provider at start level 1,
 * after the launcher's checks, the framework start, SCR and the XML parser; this starts the
 * same class initialisation ~0.5 s earlier on a second core. It loads the classes through the
 * installed {@code bcprov} bundle of node.jar, so they are the very classes the tls bundle gets
 * (class initialisation is per class loader) and Bouncy Castle stays an ordinary, updatable
 * bundle. The provider object is thrown away: nothing is registered, nothing is added to the
 * JVM's provider list; {@code org.qkdv2i.tls} still builds and owns its own provider, which then
 * finds the classes initialised (or waits on the JVM's class-initialisation locks while this
 * thread finishes them).
 *
 * <p>On the first start (empty bundle cache) bcprov is not installed yet at this point and this
 * does nothing; any failure only loses the head start.
 */
public final class EarlyBcInit implements BundleActivator {

    /** Read by bnd's launcher: start this right after the framework's init, before bundles start. */
    public static final String IMMEDIATE = "AFTER_FRAMEWORK_INIT";
    static final String BCPROV = "bcprov";
    static final String PROVIDER_CLASS = "org.bouncycastle.jce.provider.BouncyCastleProvider";
    /** Set by bnd's launcher: the embedded bundle paths of node.jar (their bundle locations). */
    static final String LAUNCH_BUNDLES = "launch.bundles";
    static final String THREAD_NAME = "qkd-node-bc-early-init";
    /** {@code -Dorg.qkdv2i.node.earlyBcInit=false} turns the head start off (to measure it, or to rule it out). */
    static final String SWITCH = "org.qkdv2i.node.earlyBcInit";

    @Override
    public void start(BundleContext systemContext) {
        if ("false".equalsIgnoreCase(System.getProperty(SWITCH))) {
            return;
        }
        Bundle bcprov = bcprovOfNodeJar(systemContext.getBundles(), systemContext.getProperty(LAUNCH_BUNDLES));
        if (bcprov == null) {
            return;
        }
        Thread t = new Thread(() -> initialise(bcprov), THREAD_NAME);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void stop(BundleContext systemContext) {
        // nothing kept: the thread ends by itself
    }

    /**
     * The bcprov bundle node.jar ships (by location), or null: a bcprov left in the cache by a
     * driver deployed earlier is not the one org.qkdv2i.tls will be wired to.
     */
    static Bundle bcprovOfNodeJar(Bundle[] installed, String launchBundles) {
        if (launchBundles == null || launchBundles.isBlank()) {
            return null;
        }
        Set<String> shipped = Stream.of(launchBundles.split(",")).map(String::trim).collect(Collectors.toSet());
        for (Bundle b : installed) {
            if (BCPROV.equals(b.getSymbolicName()) && shipped.contains(b.getLocation())) {
                return b;
            }
        }
        return null;
    }

    static void initialise(Bundle bcprov) {
        try {
            Provider bc = (Provider) bcprov.loadClass(PROVIDER_CLASS).getConstructor().newInstance();
            // the PKCS#12 reader the node's key store needs next (BC's, as org.qkdv2i.tls uses)
            KeyStore.getInstance("PKCS12", bc).load(null, null);
        } catch (Exception | LinkageError e) {
            LoggerFactory.getLogger(EarlyBcInit.class)
                    .debug("early Bouncy Castle initialisation skipped: {}", e.toString());
        }
    }
}
