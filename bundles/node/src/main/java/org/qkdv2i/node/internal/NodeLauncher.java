package org.qkdv2i.node.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line of the node jar.
 *
 * <p>bnd's exported-jar launcher ({@code aQute.launcher.Launcher}) starts every run bundle,
 * then registers itself as a service with the property {@code launcher.arguments} (the
 * {@code String[]} given to {@code main}) and waits for a {@code Runnable} or
 * {@code Callable<Integer>} service with {@code main.thread=true}: it calls that on the main
 * thread, and the Callable's result becomes the process exit code. With no such service the
 * framework simply keeps running. So: one-shot actions (--help, --init-pki, bad flags)
 * register a main-thread Callable; running the node registers nothing.
 */
@Component(immediate = true)
public class NodeLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);
    static final String LAUNCHER_ARGUMENTS = "launcher.arguments";
    /** Exit code for a command line that makes no sense (like most Unix tools). */
    static final int EXIT_USAGE = 2;

    private final BundleContext context;
    private final Path home;
    private final AtomicBoolean handled = new AtomicBoolean();
    /** KMMs present now: service reference to node ID. */
    private final Map<KeyManager, String> kmms = new ConcurrentHashMap<>();
    /** TLS identities present now, by node ID (the readiness probe handshakes with them). */
    private final Map<String, NodeTls> tlsByNode = new ConcurrentHashMap<>();
    private final ReadyWatch readyWatch;
    private volatile boolean quickstart;
    private volatile ServiceRegistration<?> mainThread;
    /**
     * SIGTERM / SIGINT (systemd stop, Ctrl-C) stop the framework, so the KMM closes its store,
     * Jetty its connections and the drivers their links; bnd's launcher only deletes its temp
     * folder on exit. Without it a stop was a crash every time (safe, but every start replayed
     * the journal and the peers saw connections cut).
     */
    private final Thread stopOnSignal = new Thread(this::stopFramework, "qkdv2i-node-stop");

    @Activate
    public NodeLauncher(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.home = Path.of("").toAbsolutePath();
        NodeHome.createFolders(home);
        BundleCache.removeLeftovers(context);
        BundleCache.deleteOtherCachesLater(context);
        this.readyWatch = new ReadyWatch(configAdmin, kmms::containsValue, tlsByNode::get, this::ready);
        readyWatch.start();
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
    }

    /** Longest the JVM's exit waits for the framework to stop. */
    static final long STOP_TIMEOUT_MILLIS = 15_000;

    private void stopFramework() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        if (system == null || !(system instanceof Framework fw) || fw.getState() != Bundle.ACTIVE) {
            return;
        }
        LOG.info("node home {}: stopping", home);
        try {
            fw.stop();
            FrameworkEvent e = fw.waitForStop(STOP_TIMEOUT_MILLIS);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("node: the framework did not stop within " + STOP_TIMEOUT_MILLIS + " ms; exiting");
            }
        } catch (BundleException | InterruptedException | IllegalStateException e) {
            System.err.println("node: stopping the framework failed: " + e);
        }
        System.out.flush();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyManager(KeyManager kmm, Map<String, Object> props) {
        Object node = props.get(KeyManager.NODE_PROPERTY);
        kmms.put(kmm, node == null ? kmm.nodeId() : node.toString());
    }

    void unbindKeyManager(KeyManager kmm) {
        kmms.remove(kmm);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNodeTls(NodeTls tls) {
        tlsByNode.put(tls.nodeId(), tls);
    }

    void unbindNodeTls(NodeTls tls) {
        tlsByNode.remove(tls.nodeId(), tls);
    }

    private void ready(ReadyWatch.Endpoint e) {
        // one line on stdout: the start-to-first-request benchmark reads it
        System.out.println("node " + e.nodeId() + " ready in " + ReadyWatch.millisSinceJvmStart()
                + " ms (KMM up, ETSI GS QKD 014 on https://" + e.host() + ":" + e.port() + "/api/v1/keys/)");
        if (quickstart && Quickstart.NODE.equals(e.nodeId())) {
            System.out.println(Quickstart.curlCommands(home, e.host(), e.port()));
        }
    }

    /** Bound once, after all run bundles started (that is when the launcher registers it). */
    @Reference(service = Object.class, target = "(" + LAUNCHER_ARGUMENTS + "=*)",
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindLauncher(Map<String, Object> properties) {
        if (!handled.compareAndSet(false, true)) {
            return;
        }
        Object value = properties.get(LAUNCHER_ARGUMENTS);
        String[] args = value instanceof String[] a ? a : new String[0];
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            exitWith(() -> {
                System.err.println("node: " + e.getMessage());
                System.err.println("Try 'java -jar node.jar --help'.");
                return EXIT_USAGE;
            });
            return;
        }
        switch (cl.action()) {
            case HELP -> exitWith(() -> {
                System.out.println(CommandLine.USAGE);
                return 0;
            });
            case INIT_PKI -> exitWith(() -> Pki.init(cl.pkiDir(), cl.nodes(), cl.saes(), System.out, System.err));
            case QUICKSTART -> quickstart();
            case RUN -> LOG.info("node home {}: watching {} for bundles and configuration", home,
                    home.resolve(NodeHome.DEPLOY));
        }
    }

    void unbindLauncher(Map<String, Object> properties) {
        // the launcher goes away only when the framework stops
    }

    private void quickstart() {
        quickstart = true;
        try {
            Quickstart.Result result = Quickstart.prepare(home, System.out);
            LOG.info("quickstart: {} file(s) written in {}, watching for the node to come up",
                    result.written().size(), home);
        } catch (IOException | RuntimeException e) {
            LOG.error("quickstart failed in {}: {}", home, e.toString());
            exitWith(() -> 1);
        }
    }

    /** Hands a one-shot action to the launcher's main thread; its result is the exit code. */
    private void exitWith(IntSupplier action) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("main.thread", "true");
        mainThread = context.registerService(Callable.class, new MainAction(action), props);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnSignal);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what is stopping us
        }
        readyWatch.stop();
        ServiceRegistration<?> reg = mainThread;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // framework stopping
            }
        }
    }
}
