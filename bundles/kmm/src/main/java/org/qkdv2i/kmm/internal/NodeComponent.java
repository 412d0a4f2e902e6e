package org.qkdv2i.kmm.internal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.prng.SP800SecureRandomBuilder;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyEventListener;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.Kek;
import org.qkdv2i.kmm.internal.core.KeyAuthenticator;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.kmm.internal.core.PeerTransport.LinkControlRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.kmm.internal.peer.HttpsPeerTransport;
import org.qkdv2i.kmm.internal.peer.PeerServer;
import org.qkdv2i.kmm.internal.stream.StreamCore;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerMessageHandler;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KMM of one node (one factory configuration per node; several may share a framework).
 * Registers {@link KeyManager} with {@code qkd.node=<nodeId>}, feeds the pools from the
 * {@link QkdDriver}s of this node and talks to peer KMMs over mutual TLS.
 */
// KeyManager is registered by hand (with qkd.node); announce it to the resolver anyway
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.qkdv2i.kmm.api.KeyManager\"",
        uses = KeyManager.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.qkdv2i.kmm.api.RelayRoutes\"",
        uses = RelayRoutes.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.qkdv2i.kmm.api.LinkControl\"",
        uses = LinkControl.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.qkdv2i.kmm.api.KeyStreams\"",
        uses = KeyStreams.class)
@Component(name = NodeComponent.PID, configurationPid = NodeComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {}, immediate = true)
@Designate(ocd = NodeComponent.Config.class, factory = true)
public final class NodeComponent {

    public static final String PID = "org.qkdv2i.kmm.Node";
    private static final Logger LOG = LoggerFactory.getLogger(NodeComponent.class);

    @ObjectClassDefinition(name = "QKD-V2I key management module (node)", description = "The KMM of one trusted "
            + "node: key pools per QKD link, encrypted durable store, SAE key delivery, peer KMM channel.")
    public @interface Config {
        @AttributeDefinition(description = "ID of this node (its KME ID); drivers with this local node ID are bound")
        String nodeId();

        @AttributeDefinition(required = false, description = "Folder of the key store file (keys.mv.db); "
                + "empty = data/<nodeId>")
        String dataDir() default "";

        @AttributeDefinition(required = false, description = "Key-encryption key file (32 bytes, owner-only, "
                + "created if absent; refused if group/others may read it); empty = keys/<nodeId>.kek")
        String kekFile() default "";

        @AttributeDefinition(description = "Size of one stored key in bits (multiple of 8); key blocks are cut "
                + "into stored keys of this size. Changing it needs a fresh store.")
        int storedKeyBits() default 256;

        @AttributeDefinition(description = "Smallest key size an SAE may request, bits (ETSI 014 min_key_size)")
        int minKeyBits() default 64;

        @AttributeDefinition(description = "Largest key size an SAE may request, bits (ETSI 014 max_key_size)")
        int maxKeyBits() default 4096;

        @AttributeDefinition(description = "Most keys in one request (ETSI 014 max_key_per_request)")
        int maxKeysPerRequest() default 128;

        @AttributeDefinition(description = "Capacity of one link pool in stored keys, half for each direction "
                + "(this node's half and the peer's); stored keys arriving for a full half are dropped and counted")
        long maxKeysPerLink() default 100000;

        @AttributeDefinition(description = "POOL_LOW when this node's half of a link holds fewer stored keys")
        long lowWaterKeys() default 100;

        @AttributeDefinition(description = "Lifetime of a stored key in seconds, then it is destroyed; 0 = no expiry")
        long keyLifetimeSeconds() default 86400;

        @AttributeDefinition(description = "Most additional slave SAE IDs in one request (ETSI 014 max_SAE_ID_count)")
        int maxSaeIdCount() default 8;

        @AttributeDefinition(description = "Address the peer KMM endpoint binds to")
        String peerHost() default "127.0.0.1";

        @AttributeDefinition(description = "Port of the peer KMM endpoint (HTTPS, mutual TLS); 0 = no endpoint")
        int peerPort() default 0;

        @AttributeDefinition(required = false, description = "Peer KMMs as NODE_ID=https://host:port, one per "
                + "adjacent node; only these nodes may call the peer endpoint")
        String[] peers() default {};

        @AttributeDefinition(description = "Deadline of one key request that needs the peer KMM (all its rounds), "
                + "and of one inventory sync of a link, milliseconds")
        long peerTimeoutMillis() default 5000;

        @AttributeDefinition(description = "Stored keys younger than this are not offered to the peer KMM "
                + "(the block may not have reached the other end yet), milliseconds")
        long freshKeyGraceMillis() default 1000;

        @AttributeDefinition(description = "A stored key the peer KMM lacks counts as lost (destroyed) only if its "
                + "block was created this much before the newest block the peer has ingested on the link "
                + "(tolerates drivers stamping a block a little differently at the two ends), milliseconds")
        long lostKeyMarginMillis() default 2000;

        @AttributeDefinition(description = "Seconds between inventory syncs with each peer KMM (also run when the "
                + "peer channel comes up and when a reservation finds stored keys the peer lacks); 0 = not periodic")
        long peerSyncSeconds() default 5;

        @AttributeDefinition(description = "Seconds between full inventory syncs with each peer KMM (every stored "
                + "key listed, so the peer drops those this node no longer holds); the syncs between list only stored "
                + "keys the peer has not confirmed yet. Also run when the peer channel comes up; 0 = only then")
        long peerFullSyncSeconds() default 300;

        @AttributeDefinition(description = "Reserve every key at the peer KMM before delivering it (one round trip "
                + "per request). Off: keys cut from stored keys the peer has confirmed holding are delivered at once "
                + "and recorded at the peer right after (in batches); a slave SAE asking before the record arrives "
                + "makes its KME fetch it. Either way no key goes to two SAE pairs (direction split).")
        boolean reserveBeforeDelivery() default false;

        @AttributeDefinition(description = "How long dec_keys waits for the record of a key the peer KMM delivered "
                + "(it is usually on the wire) before fetching it from the peer, milliseconds; 0 = fetch at once")
        long recordWaitMillis() default KmmSettings.DEFAULT_RECORD_WAIT_MILLIS;

        @AttributeDefinition(description = "Key authentication: driver key blocks are stored (servable) only once "
                + "the peer KMM confirmed over the peer channel that it holds the same material. Blocks are checked "
                + "in batches (keyAuthenticationMinBits, keyAuthenticationMaxDelayMillis) with one one-time "
                + "Wegman-Carter key-check value per batch (256 bits of the batch spent); a mismatch destroys the "
                + "whole batch at both ends and raises KEY_AUTHENTICATION_FAILED. Both ends of a link must agree")
        boolean keyAuthentication() default true;

        @AttributeDefinition(description = "Key authentication: a batch is checked once its blocks hold this many "
                + "bits (or after keyAuthenticationMaxDelayMillis). The check spends 256 bits per batch: 32768 "
                + "(default) = 0.78 % of the key at most when the batch fills; at least 512")
        long keyAuthenticationMinBits() default KeyAuthenticator.DEFAULT_MIN_BITS;

        @AttributeDefinition(description = "Key authentication: the longest a batch's first block waits before the "
                + "batch is checked although smaller than keyAuthenticationMinBits, milliseconds (latency before a "
                + "key is servable versus key spent: 256 bits per batch)")
        long keyAuthenticationMaxDelayMillis() default KeyAuthenticator.DEFAULT_MAX_DELAY_MILLIS;
    }

    private final BundleContext context;
    private final Map<SaeEntry, Boolean> saeEntries = new ConcurrentHashMap<>();
    private final Map<QosEntry, Boolean> qosEntries = new ConcurrentHashMap<>();
    private final List<VirtualLinkEntry> virtualLinkEntries = new CopyOnWriteArrayList<>();
    private final List<KeyEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<QkdDriver, Sink> drivers = new ConcurrentHashMap<>();
    private final List<NodeTls> tlsCandidates = new CopyOnWriteArrayList<>();
    private final ExecutorService eventThread;
    private final ScheduledExecutorService sweeper;
    private final ScheduledExecutorService syncer;
    /** Carries driver-to-driver messages (PeerChannel) to the peer; a few threads, idle ones time out. */
    private final ThreadPoolExecutor driverMessages;
    private ScheduledFuture<?> syncTask;
    /** Links an operator disabled (here or at the peer) → reason; guarded by this. Lost on restart. */
    private final Map<String, String> disabled = new LinkedHashMap<>();
    /** Drivers of this node bound now but detached because their link is disabled; guarded by this. */
    private final Map<QkdDriver, LinkEnd> parked = new HashMap<>();
    /** Link → the latest disable/enable the peer has not been told yet (it was unreachable). */
    private final Map<String, LinkControlRequest> untold = new ConcurrentHashMap<>();
    private ScheduledFuture<?> untoldRetry;
    /** Held while telling a peer about a link (never while holding the monitor: see {@link #send}). */
    private final Object sendLock = new Object();
    /** Links attached since this KMM (re)started and announced to the peer as enabled; guarded by this. */
    private final Set<String> announced = new java.util.HashSet<>();

    private volatile Config config;
    private volatile Map<String, String> peers = Map.of();
    private volatile KmmCore core;
    private ServiceRegistration<KeyManager> registration;
    private ServiceRegistration<RelayRoutes> relayRegistration;
    private ServiceRegistration<LinkControl> linkRegistration;
    private ServiceRegistration<KeyStreams> streamRegistration;
    /** ETSI GS QKD 004 key streams of this node (on top of {@link #core}). */
    private volatile StreamCore streams;
    private NodeTls activeTls;
    private PeerServer peerServer;
    private volatile HttpsPeerTransport peerClient;
    private volatile DriverChannels channels;

    @Activate
    public NodeComponent(BundleContext context, Config config) throws Exception {
        this.context = context;
        this.config = config;
        String id = requireNodeId(config);
        this.eventThread = Executors.newSingleThreadExecutor(r -> daemon(r, "kmm-events-" + id));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kmm-sweep-" + id));
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kmm-sync-" + id));
        this.driverMessages = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024),
                r -> daemon(r, "kmm-driver-channel-" + id));
        driverMessages.allowCoreThreadTimeOut(true);
        try {
            start(config);
        } catch (Exception | Error e) {
            eventThread.shutdownNow();
            sweeper.shutdownNow();
            syncer.shutdownNow();
            driverMessages.shutdownNow();
            throw e;
        }
        scheduleSweep();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String requireNodeId(Config c) {
        if (c.nodeId() == null || c.nodeId().isBlank()) {
            LOG.error("KMM configuration {} has no nodeId; not starting", PID);
            throw new IllegalArgumentException("nodeId is required");
        }
        return c.nodeId().strip();
    }

    private synchronized void start(Config c) throws Exception {
        String nodeId = requireNodeId(c);
        KmmSettings settings = settings(c);
        Path dataDir = Path.of(blank(c.dataDir()) ? "data/" + nodeId : c.dataDir());
        Path kekFile = Path.of(blank(c.kekFile()) ? "keys/" + nodeId + ".kek" : c.kekFile());
        SecureRandom drbg = drbg(nodeId);
        byte[] kek;
        try {
            kek = Kek.loadOrCreate(kekFile, drbg);
        } catch (java.io.IOException e) {
            LOG.error("node {}: KMM not started: {}", nodeId, e.getMessage());
            throw e;
        }
        try {
            core = new KmmCore(settings, dataDir, kek, directory(), Clock.systemUTC(), drbg, this::publish);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
        peers = parsePeers(nodeId, c.peers());
        core.setPeerNodes(peers.keySet());
        core.setKeyAuthentication(c.keyAuthentication(), c.keyAuthenticationMinBits(),
                c.keyAuthenticationMaxDelayMillis());
        for (VirtualLinkEntry e : virtualLinkEntries) {
            applyVirtualLink(e);
        }
        disabled.clear(); // the state survives no restart (kmm.api LinkControl)
        parked.clear();
        untold.clear();
        announced.clear();
        KmmCore started = core;
        streams = new StreamCore(core, () -> peerClient, () -> started.settings().peerTimeoutMillis(),
                Clock.systemUTC());
        channels = new DriverChannels(nodeId, () -> peerClient, () -> started.settings().peerTimeoutMillis(),
                driverMessages);
        for (QkdDriver d : drivers.keySet()) {
            attach(d);
        }
        for (NodeTls tls : tlsCandidates) {
            tlsArrived(tls);
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(KeyManager.NODE_PROPERTY, nodeId);
        props.put("service.description", "QKD-V2I KMM of node " + nodeId);
        linkRegistration = context.registerService(LinkControl.class, new Links(nodeId), props);
        streamRegistration = context.registerService(KeyStreams.class, streams, props);
        registration = context.registerService(KeyManager.class, core, props);
        relayRegistration = context.registerService(RelayRoutes.class, core, props);
        LOG.info("node {}: KMM started (store {}, stored keys of {} bits, {} peers)", nodeId, dataDir,
                settings.storedKeyBits(), peers.size());
    }

    private void scheduleSweep() {
        sweeper.scheduleWithFixedDelay(() -> {
            KmmCore c = core;
            if (c != null) {
                try {
                    c.sweep();
                } catch (RuntimeException e) {
                    LOG.warn("node {}: expiry sweep failed: {}", c.nodeId(), e.toString());
                }
            }
        }, 5, 5, TimeUnit.SECONDS);
        sweeper.scheduleWithFixedDelay(() -> {
            KmmCore c = core;
            if (c != null) {
                try {
                    c.sync();
                } catch (RuntimeException e) {
                    LOG.warn("node {}: syncing the key store to disk failed: {}", c.nodeId(), e.toString());
                }
            }
            StreamCore s = streams;
            if (s != null) {
                try {
                    s.sweep(); // ETSI GS QKD 004 ttl
                } catch (RuntimeException e) {
                    LOG.warn("node {}: key stream sweep failed: {}", s.nodeId(), e.toString());
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private static SecureRandom drbg(String nodeId) {
        // NIST SP 800-90A Hash_DRBG (SHA-512) seeded from the OS entropy source
        return new SP800SecureRandomBuilder(new SecureRandom(), true)
                .setPersonalizationString(("qkdv2i-kmm/" + nodeId).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .buildHash(new SHA512Digest(), null, false);
    }

    private static KmmSettings settings(Config c) {
        // checked before anything changes (the key authenticator only takes valid values)
        KeyAuthenticator.validate(c.keyAuthenticationMinBits(), c.keyAuthenticationMaxDelayMillis());
        return new KmmSettings(c.nodeId().strip(), c.storedKeyBits(), c.minKeyBits(), c.maxKeyBits(),
                c.maxKeysPerRequest(), c.maxKeysPerLink(), c.lowWaterKeys(), c.keyLifetimeSeconds(),
                c.maxSaeIdCount(), c.peerTimeoutMillis(), c.freshKeyGraceMillis(), c.lostKeyMarginMillis(),
                c.peerFullSyncSeconds(), c.reserveBeforeDelivery(), c.recordWaitMillis());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static Map<String, String> parsePeers(String nodeId, String[] entries) {
        Map<String, String> out = new LinkedHashMap<>();
        if (entries == null) {
            return out;
        }
        for (String e : entries) {
            if (blank(e)) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0 || !e.substring(eq + 1).strip().startsWith("https://")) {
                LOG.warn("node {}: ignoring peers entry '{}': expected NODE_ID=https://host:port", nodeId, e);
                continue;
            }
            out.put(e.substring(0, eq).strip(), e.substring(eq + 1).strip());
        }
        return Map.copyOf(out);
    }

    @Modified
    synchronized void modified(Config c) throws Exception {
        Config old = config;
        config = c;
        boolean identity = !requireNodeId(c).equals(old.nodeId().strip()) || c.storedKeyBits() != old.storedKeyBits()
                || !c.dataDir().equals(old.dataDir()) || !c.kekFile().equals(old.kekFile());
        if (identity) {
            LOG.info("node {}: node ID, store or stored key size changed: reopening the KMM", old.nodeId());
            stop();
            start(c);
            return;
        }
        core.updateSettings(settings(c));
        core.setKeyAuthentication(c.keyAuthentication(), c.keyAuthenticationMinBits(),
                c.keyAuthenticationMaxDelayMillis());
        Map<String, String> newPeers = parsePeers(c.nodeId(), c.peers());
        boolean endpoint = c.peerPort() != old.peerPort() || !c.peerHost().equals(old.peerHost());
        peers = newPeers;
        core.setPeerNodes(newPeers.keySet());
        if (endpoint && activeTls != null) {
            NodeTls tls = activeTls;
            stopPeer();
            startPeer(tls);
        } else if (c.peerSyncSeconds() != old.peerSyncSeconds() && activeTls != null) {
            scheduleSync(c.peerSyncSeconds());
        }
        LOG.info("node {}: configuration updated (lifetime {} s, capacity {}, low water {}, {} peers)", c.nodeId(),
                c.keyLifetimeSeconds(), c.maxKeysPerLink(), c.lowWaterKeys(), newPeers.size());
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
        sweeper.shutdownNow();
        syncer.shutdownNow();
        driverMessages.shutdownNow();
        eventThread.shutdown();
    }

    private void stop() {
        if (streamRegistration != null) {
            try {
                streamRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            streamRegistration = null;
        }
        if (streams != null) {
            streams.close(); // zeroises the keys streams still hold
        }
        if (linkRegistration != null) {
            try {
                linkRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            linkRegistration = null;
        }
        if (relayRegistration != null) {
            try {
                relayRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            relayRegistration = null;
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            registration = null;
        }
        stopPeer();
        for (Map.Entry<QkdDriver, Sink> e : drivers.entrySet()) {
            detach(e.getKey(), e.getValue());
            e.setValue(Sink.NONE);
        }
        parked.clear();
        disabled.clear();
        untold.clear();
        if (untoldRetry != null) {
            untoldRetry.cancel(false);
            untoldRetry = null;
        }
        KmmCore c = core;
        core = null;
        if (c != null) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- SAEs and QoS

    @Reference(service = SaeEntry.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindSae(SaeEntry e) {
        saeEntries.put(e, Boolean.TRUE);
    }

    void unbindSae(SaeEntry e) {
        saeEntries.remove(e);
    }

    @Reference(service = QosEntry.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindQos(QosEntry e) {
        qosEntries.put(e, Boolean.TRUE);
    }

    void unbindQos(QosEntry e) {
        qosEntries.remove(e);
    }

    // ---------------------------------------------------------------- virtual links from configuration

    @Reference(service = VirtualLinkEntry.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindVirtualLink(VirtualLinkEntry e) {
        virtualLinkEntries.add(e);
        if (core != null) {
            applyVirtualLink(e);
        }
    }

    synchronized void unbindVirtualLink(VirtualLinkEntry e) {
        virtualLinkEntries.remove(e);
        if (core != null && e.nodeId().equals(core.nodeId())) {
            core.removeVirtualLink(e.link().linkId());
        }
    }

    private void applyVirtualLink(VirtualLinkEntry e) {
        if (!e.nodeId().equals(core.nodeId())) {
            return; // another node's route (several nodes in one framework)
        }
        try {
            core.putVirtualLink(e.link());
        } catch (KeyManagerException ex) {
            LOG.warn("node {}: virtual link {} from configuration refused: {}", e.nodeId(), e.link().linkId(),
                    ex.getMessage());
        }
    }

    private Directory directory() {
        return new Directory() {
            @Override
            public Map<String, String> saes() {
                Map<String, String> m = new HashMap<>();
                for (SaeEntry e : saeEntries.keySet()) {
                    m.put(e.saeId(), e.nodeId());
                }
                return m;
            }

            @Override
            public Optional<Qos> qos(String master, String slave) {
                return qosEntries.keySet().stream().map(QosEntry::qos).filter(q -> q.match(master, slave) >= 0)
                        .max(Comparator.comparingInt(q -> q.match(master, slave)));
            }
        };
    }

    // ---------------------------------------------------------------- listeners

    @Reference(service = KeyEventListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindListener(KeyEventListener l) {
        listeners.add(l);
    }

    void unbindListener(KeyEventListener l) {
        listeners.remove(l);
    }

    private void publish(KeyEvent event) {
        try {
            eventThread.execute(() -> {
                for (KeyEventListener l : listeners) {
                    try {
                        l.keyEvent(event);
                    } catch (RuntimeException e) {
                        LOG.warn("node {}: key event listener {} failed: {}", event.nodeId(), l, e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            // node shutting down
        }
    }

    // ---------------------------------------------------------------- drivers

    /** Forwards a driver's output to the current core; replaced when the core is reopened. */
    private static final class Sink implements KeyBlockSink {
        static final Sink NONE = new Sink(null, null, null);
        final LinkEnd end;
        final KmmCore core;
        final DriverChannels channels;

        Sink(LinkEnd end, KmmCore core, DriverChannels channels) {
            this.end = end;
            this.core = core;
            this.channels = channels;
        }

        @Override
        public PeerChannel peerChannel(PeerMessageHandler handler) {
            if (channels == null) {
                throw new UnsupportedOperationException("this sink is detached");
            }
            return channels.open(this, end, handler);
        }

        @Override
        public void keyBlock(KeyBlock block) {
            if (core == null) {
                block.destroy();
                return;
            }
            try {
                core.keyBlock(end, block);
            } catch (RuntimeException e) {
                block.destroy();
                LOG.warn("node {} link {}: key block {} not stored: {}", end.localNodeId(), end.linkId(), block.id(),
                        e.toString());
            }
        }

        @Override
        public void status(LinkStatus status) {
            if (core != null) {
                core.linkStatus(end, status);
            }
        }
    }

    @Reference(service = QkdDriver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindDriver(QkdDriver driver) {
        drivers.put(driver, Sink.NONE);
        if (core != null) {
            attach(driver);
        }
    }

    synchronized void unbindDriver(QkdDriver driver) {
        LinkEnd parkedEnd = parked.remove(driver);
        if (parkedEnd != null && core != null) {
            core.driverPresent(parkedEnd, false); // detached already (link disabled); now gone
        }
        Sink sink = drivers.remove(driver);
        if (sink != null && sink != Sink.NONE) {
            detach(driver, sink);
            if (core != null) {
                core.driverPresent(sink.end, false);
            }
        }
    }

    private void attach(QkdDriver driver) {
        LinkEnd end;
        try {
            end = driver.linkEnd();
        } catch (RuntimeException e) {
            LOG.warn("node {}: ignoring a driver whose linkEnd() failed: {}", core.nodeId(), e.toString());
            return;
        }
        if (!core.nodeId().equals(end.localNodeId())) {
            return; // another node's driver (several nodes in one framework)
        }
        String wasDisabled = disabled.remove(end.linkId());
        if (wasDisabled == null && announced.add(end.linkId())) {
            // kmm.api LinkControl: a (re)started KMM has its links enabled, and the peer must not keep
            // one disabled on its side (it may have disabled it before this restart): tell it, quietly
            untold.put(end.linkId(), new LinkControlRequest(end.linkId(), true, STARTED));
            scheduleUntold(1);
        } else if (wasDisabled != null) {
            announced.add(end.linkId());
            // kmm.api LinkControl: a link is enabled when its driver is bound again; the peer follows
            LOG.info("node {} link {}: driver bound again, link enabled (was disabled: {}); telling peer {}",
                    end.localNodeId(), end.linkId(), wasDisabled, end.peerNodeId());
            LinkControlRequest notice = new LinkControlRequest(end.linkId(), true, "driver bound again at node "
                    + end.localNodeId());
            try {
                syncer.execute(() -> tellPeer(end.peerNodeId(), notice));
            } catch (RejectedExecutionException stopping) {
                // node shutting down
            }
        }
        Sink sink = new Sink(end, core, channels);
        drivers.put(driver, sink);
        core.driverName(end.linkId(), driver.getClass().getName()); // named in key authentication alarms
        try {
            core.driverPresent(end, true);
            core.linkStatus(end, driver.status());
            driver.attach(sink);
            LOG.info("node {} link {}: driver attached (peer node {}, role {})", end.localNodeId(), end.linkId(),
                    end.peerNodeId(), end.role());
        } catch (RuntimeException e) {
            drivers.put(driver, Sink.NONE);
            LOG.warn("node {} link {}: driver could not be attached: {}", end.localNodeId(), end.linkId(),
                    e.toString());
        }
    }

    private static void detach(QkdDriver driver, Sink sink) {
        if (sink == Sink.NONE) {
            return;
        }
        sink.channels.close(sink);
        try {
            driver.detach(sink);
            LOG.info("node {} link {}: driver detached", sink.end.localNodeId(), sink.end.linkId());
        } catch (RuntimeException e) {
            // the driver bundle may be stopping; it must not call the sink any more either way
            LOG.info("node {} link {}: driver detach failed ({}), ignoring", sink.end.localNodeId(),
                    sink.end.linkId(), e.toString());
        }
    }

    // ---------------------------------------------------------------- peer channel

    @Reference(service = NodeTls.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindTls(NodeTls tls) {
        tlsCandidates.add(tls);
        if (core != null) {
            tlsArrived(tls);
        }
    }

    synchronized void unbindTls(NodeTls tls) {
        tlsCandidates.remove(tls);
        if (tls == activeTls) {
            stopPeer();
            for (NodeTls other : tlsCandidates) {
                tlsArrived(other);
            }
        }
    }

    private void tlsArrived(NodeTls tls) {
        if (activeTls == null && core != null && core.nodeId().equals(tls.nodeId())) {
            startPeer(tls);
        }
    }

    private void startPeer(NodeTls tls) {
        Config c = config;
        String nodeId = core.nodeId();
        activeTls = tls;
        try {
            peerClient = new HttpsPeerTransport(tls, () -> peers);
            core.setTransport(peerClient);
        } catch (Exception e) {
            LOG.error("node {}: peer KMM client could not start: {}", nodeId, e.toString());
        }
        if (c.peerPort() > 0) {
            // ETSI GS QKD 020 ack_callback_url of the hops this node sends (the receiver posts to the path only)
            String host = c.peerHost().contains(":") ? "[" + c.peerHost() + "]" : c.peerHost();
            core.setRelayCallbackUrl("https://" + host + ":" + c.peerPort() + KmmCore.EXT_ACK_PATH);
            KmmCore target = core;
            DriverChannels driverChannels = channels;
            PeerServer server = new PeerServer(tls, c.peerHost(), c.peerPort(), () -> peers.keySet(),
                    PeerServer.Endpoint.withStreams(PeerServer.Endpoint.of(target, driverChannels::deliver,
                            this::fromPeer), streams::fromPeer));
            try {
                server.start();
                peerServer = server;
            } catch (Exception e) {
                server.close();
                LOG.error("node {}: peer KMM endpoint on {}:{} could not start: {}", nodeId, c.peerHost(),
                        c.peerPort(), e.toString());
            }
        }
        // the first sync also opens (warms) the TLS connection to each peer
        scheduleSync(c.peerSyncSeconds());
    }

    /** Inventory syncs with every peer: now, then every {@code seconds} (0 = only now). */
    private void scheduleSync(long seconds) {
        if (syncTask != null) {
            syncTask.cancel(false);
        }
        KmmCore target = core;
        Runnable task = () -> {
            try {
                target.syncAll();
            } catch (RuntimeException e) {
                LOG.warn("node {}: inventory sync failed: {}", target.nodeId(), e.toString());
            }
        };
        try {
            syncTask = seconds > 0 ? syncer.scheduleWithFixedDelay(task, 0, seconds, TimeUnit.SECONDS)
                    : syncer.schedule(task, 0, TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopping) {
            syncTask = null;
        }
    }

    private void stopPeer() {
        if (syncTask != null) {
            syncTask.cancel(false);
            syncTask = null;
        }
        if (core != null) {
            core.setTransport(null);
        }
        if (peerServer != null) {
            peerServer.close();
            peerServer = null;
        }
        if (peerClient != null) {
            peerClient.close();
            peerClient = null;
        }
        activeTls = null;
    }

    // ---------------------------------------------------------------- link control (kmm.api LinkControl)

    /** Seconds between attempts to tell an unreachable peer about a disable or enable. */
    static final long UNTOLD_RETRY_SECONDS = 5;
    /** Reason of the enable a KMM sends its peer for each link when it attaches it first after a start. */
    static final String STARTED = "KMM started, its links are enabled";
    /** Longest operator reason kept (it is logged and shown in the link status). */
    static final int MAX_REASON = 200;

    /** The {@link LinkControl} service of this node (registered with {@code qkd.node}). */
    private final class Links implements LinkControl {
        private final String nodeId;

        Links(String nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public String nodeId() {
            return nodeId;
        }

        @Override
        public void disable(String linkId, String reason) throws KeyManagerException {
            operatorSwitch(nodeId, linkId, false, reason);
        }

        @Override
        public void enable(String linkId) throws KeyManagerException {
            operatorSwitch(nodeId, linkId, true, null);
        }

        @Override
        public Set<String> disabledLinks() {
            synchronized (NodeComponent.this) {
                return Set.copyOf(disabled.keySet());
            }
        }
    }

    /** An operator's disable or enable here: this end now, then the peer over the peer channel. */
    private void operatorSwitch(String nodeId, String linkId, boolean enable, String rawReason)
            throws KeyManagerException {
        String reason = cleanReason(rawReason);
        String peer;
        boolean changed;
        synchronized (this) {
            KmmCore c = core;
            if (c == null || !c.nodeId().equals(nodeId)) {
                throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "the KMM of node " + nodeId
                        + " is stopping");
            }
            peer = linkId == null ? null : c.peerNodeOf(linkId);
            if (peer == null) {
                LOG.info("node {}: {} of link {} refused: not a physical link of this node (links: {})", nodeId,
                        enable ? "enable" : "disable", linkId, c.linkIds());
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "link " + linkId
                        + " is not a physical link of node " + nodeId + " (links: " + String.join(", ",
                                new java.util.TreeSet<>(c.linkIds())) + ")");
            }
            changed = enable ? enableHere(linkId, "enabled by operator")
                    : disableHere(linkId, "disabled by operator: " + reason);
            if (changed) {
                untold.remove(linkId); // superseded by this change
            }
        }
        if (!changed) {
            LOG.info("node {} link {}: already {}; nothing to do", nodeId, linkId, enable ? "enabled" : "disabled");
            return;
        }
        String told = tellPeer(peer, new LinkControlRequest(linkId, enable, reason));
        if (enable) {
            LOG.info("node {} link {}: enabled by operator; {}", nodeId, linkId, told);
        } else {
            LOG.info("node {} link {}: disabled by operator (reason: {}); {}", nodeId, linkId, reason, told);
        }
    }

    /** Over {@code POST /peer/v1/link}: the peer disabled or enabled a link it shares with this node. */
    private void fromPeer(String callerNodeId, LinkControlRequest r) throws PeerException {
        String reason = cleanReason(r.reason());
        boolean changed;
        String nodeId;
        synchronized (this) {
            KmmCore c = core;
            if (c == null) {
                throw new PeerException("node is stopping", false);
            }
            nodeId = c.nodeId();
            String peer = c.peerNodeOf(r.linkId());
            if (peer == null) {
                throw new PeerException("link " + r.linkId() + " is not a physical link of node " + nodeId, true);
            }
            if (!peer.equals(callerNodeId)) {
                throw new PeerException("link " + r.linkId() + " does not join " + nodeId + " and " + callerNodeId,
                        true);
            }
            LinkControlRequest owed = untold.get(r.linkId());
            if (r.enabled() && STARTED.equals(r.reason()) && owed != null && !owed.enabled()) {
                // the peer restarted before it heard of our disable: a start forgets what it knew, but
                // not what it never heard; our disable reaches it on the next retry
                LOG.info("node {} link {}: peer node {} started with the link enabled; it still has to hear "
                        + "of the disable here", nodeId, r.linkId(), callerNodeId);
                scheduleUntold(0);
                return;
            }
            changed = r.enabled() ? enableHere(r.linkId(), STARTED.equals(r.reason())
                    ? "enabled: peer node " + callerNodeId + " restarted"
                    : "enabled by operator at peer node " + callerNodeId)
                    : disableHere(r.linkId(), "disabled by operator at peer node " + callerNodeId + ": " + reason);
        }
        untold.remove(r.linkId()); // the peer's word is newer than anything we still owe it
        if (!changed) {
            LOG.debug("node {} link {}: peer node {} says the link is {} (it is here too)", nodeId, r.linkId(),
                    callerNodeId, r.enabled() ? "enabled" : "disabled");
        } else if (r.enabled()) {
            LOG.info("node {} link {}: enabled at the request of peer node {}{}", nodeId, r.linkId(), callerNodeId,
                    STARTED.equals(r.reason()) ? " (" + STARTED + ")" : "");
        } else {
            LOG.info("node {} link {}: disabled at the request of peer node {} (reason: {})", nodeId, r.linkId(),
                    callerNodeId, reason);
        }
    }

    /** Under the monitor: detaches this node's drivers of the link. False if it was disabled already. */
    private boolean disableHere(String linkId, String why) {
        if (disabled.containsKey(linkId)) {
            return false;
        }
        disabled.put(linkId, why);
        for (Map.Entry<QkdDriver, Sink> e : drivers.entrySet()) {
            Sink sink = e.getValue();
            if (sink != Sink.NONE && sink.end.linkId().equals(linkId)) {
                detach(e.getKey(), sink); // the driver destroys the blocks it makes from now on
                e.setValue(Sink.NONE);
                parked.put(e.getKey(), sink.end);
            }
        }
        // shown by qkd:links and telemetry; the pool keeps serving the stored keys
        core.linkStatus(linkId, LinkStatus.of(LinkState.DOWN, why, java.time.Instant.now()));
        return true;
    }

    /** Under the monitor: re-attaches this node's drivers of the link. False if it was enabled already. */
    private boolean enableHere(String linkId, String why) {
        if (disabled.remove(linkId) == null) {
            return false;
        }
        List<QkdDriver> back = parked.entrySet().stream().filter(e -> e.getValue().linkId().equals(linkId))
                .map(Map.Entry::getKey).toList();
        back.forEach(parked::remove);
        if (back.isEmpty()) {
            core.linkStatus(linkId, LinkStatus.of(LinkState.DOWN, why + "; no driver bound", java.time.Instant.now()));
        }
        back.forEach(this::attach); // sets the driver's own status again
        return true;
    }

    /**
     * Tells the peer (outside the monitor: the peer may be telling us something at the same time).
     * Returns how it went, for the log line; an unreachable peer is told again later.
     */
    private String tellPeer(String peerNodeId, LinkControlRequest notice) {
        synchronized (sendLock) {
            if (!current(notice)) {
                return "peer " + peerNodeId + " not told: a newer change came first";
            }
            untold.put(notice.linkId(), notice); // owed until the peer answered (see fromPeer)
            try {
                send(peerNodeId, notice);
                untold.remove(notice.linkId(), notice);
                return "peer " + peerNodeId + (notice.enabled() ? " re-attached too" : " detached too");
            } catch (PeerException e) {
                if (e.refused()) {
                    untold.remove(notice.linkId(), notice);
                    LOG.warn("node {} link {}: peer {} refused to {} the link: {}", config.nodeId(),
                            notice.linkId(), peerNodeId, notice.enabled() ? "enable" : "disable", e.getMessage());
                    return "peer " + peerNodeId + " refused: " + e.getMessage();
                }
                scheduleUntold(UNTOLD_RETRY_SECONDS);
                return "peer " + peerNodeId + " not told yet (" + e.getMessage() + "); retrying every "
                        + UNTOLD_RETRY_SECONDS + " s";
            }
        }
    }

    /** Whether {@code notice} still says what this node's state is. */
    private synchronized boolean current(LinkControlRequest notice) {
        return disabled.containsKey(notice.linkId()) != notice.enabled();
    }

    /**
     * Call under {@link #sendLock}, so that sends to the peer leave in the order of the changes
     * here and none is overtaken by an older one (each checks {@link #current} first).
     */
    private void send(String peerNodeId, LinkControlRequest notice) throws PeerException {
        PeerTransport t = peerClient;
        if (t == null) {
            throw new PeerException("no peer channel (TLS identity not available)", false);
        }
        t.linkControl(peerNodeId, notice, config.peerTimeoutMillis());
    }

    private synchronized void scheduleUntold(long delaySeconds) {
        if (untoldRetry != null && !untoldRetry.isDone()) {
            return;
        }
        try {
            untoldRetry = syncer.schedule(this::retryUntold, delaySeconds, TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopping) {
            untoldRetry = null;
        }
    }

    /**
     * Link-control notices (start notices included) not yet answered by the peer. For tests: a start
     * notice still under way can reach the peer after an operator's change there and undo it.
     */
    int undeliveredNotices() {
        return untold.size();
    }

    /** Tells the peers what they missed while unreachable; only the latest word per link. */
    private void retryUntold() {
        KmmCore c = core;
        if (c == null) {
            return;
        }
        for (LinkControlRequest notice : List.copyOf(untold.values())) {
            String peer = c.peerNodeOf(notice.linkId());
            synchronized (sendLock) {
                if (untold.get(notice.linkId()) != notice) {
                    continue; // replaced or sent meanwhile
                }
                if (peer == null || !current(notice)) {
                    untold.remove(notice.linkId(), notice); // superseded (e.g. the driver was bound again)
                    continue;
                }
                boolean quiet = STARTED.equals(notice.reason());
                try {
                    send(peer, notice);
                    untold.remove(notice.linkId(), notice);
                    if (quiet) {
                        LOG.debug("node {} link {}: peer {} told the link is enabled here since the start",
                                c.nodeId(), notice.linkId(), peer);
                    } else {
                        LOG.info("node {} link {}: peer {} told at last: link {}", c.nodeId(), notice.linkId(),
                                peer, notice.enabled() ? "enabled" : "disabled");
                    }
                } catch (PeerException e) {
                    if (!e.refused()) {
                        continue; // unreachable still: next round
                    }
                    untold.remove(notice.linkId(), notice);
                    if (quiet) {
                        LOG.debug("node {} link {}: peer {} refused the start notice: {}", c.nodeId(),
                                notice.linkId(), peer, e.getMessage());
                    } else {
                        LOG.warn("node {} link {}: peer {} refused to {} the link: {}", c.nodeId(),
                                notice.linkId(), peer, notice.enabled() ? "enable" : "disable", e.getMessage());
                    }
                }
            }
        }
        synchronized (this) {
            untoldRetry = null;
        }
        if (!untold.isEmpty()) {
            scheduleUntold(UNTOLD_RETRY_SECONDS);
        }
    }

    /** The operator's reason as one short printable line (it is logged and shown in the link status). */
    static String cleanReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "no reason given";
        }
        String s = reason.replaceAll("\\p{Cntrl}+", " ").strip();
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "...";
    }

    /** For diagnostics: configured peer node IDs. */
    Set<String> peerIds() {
        return peers.keySet();
    }
}
