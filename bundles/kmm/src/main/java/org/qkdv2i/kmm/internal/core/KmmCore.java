package org.qkdv2i.kmm.internal.core;

import static org.qkdv2i.kmm.api.KeyManagerException.Reason.BAD_REQUEST;
import static org.qkdv2i.kmm.api.KeyManagerException.Reason.KEYS_NOT_FOUND;
import static org.qkdv2i.kmm.api.KeyManagerException.Reason.UNAUTHORIZED;
import static org.qkdv2i.kmm.api.KeyManagerException.Reason.UNAVAILABLE;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.kmm.internal.core.PeerTransport.AssignRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.AssignResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.ClaimRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ClaimResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtAck;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKeysRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtVoid;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReservedKey;
import org.qkdv2i.kmm.internal.core.PeerTransport.VoidKeysRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.KeyCheckRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.KeyCheckResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.VoidKeysResult;
import org.qkdv2i.kmm.internal.core.Vault.PartMeta;
import org.qkdv2i.kmm.internal.core.Vault.Pending;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key management logic of one node, free of OSGi so that tests can run two of them
 * side by side. Thread safe: state changes happen under the core's monitor, and the call
 * to the peer KMM during {@link #newKeys} happens outside it (stored keys being reserved
 * are held "in flight" meanwhile), so two nodes reserving at each other never deadlock.
 */
public final class KmmCore implements KeyManager, RelayRoutes, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KmmCore.class);
    /** Most stored key IDs in one {@code POST /peer/v1/inventory} this node accepts. */
    public static final int INVENTORY_CHUNK = 4096;
    /**
     * Stored key IDs per inventory request this node sends: each answer is applied under the
     * monitor, and 4,096 held requests up for tens of milliseconds on a busy node.
     */
    static final int INVENTORY_SEND_CHUNK = 1024;
    /**
     * The peer holding this many more stored keys of this node's half than this node (beyond
     * the keys delivered here and not yet recorded there) makes the next sync a full one: they
     * are orphans, keys this node dropped (its pool was full) while the peer's had room. Kept
     * until told, they fill the peer's pool while it drops the new blocks this node keeps
     * (which this node then destroys as lacking): seen when one node started 15 s before the
     * other. Small differences are blocks one end has ingested and the other not yet.
     */
    static final int ORPHAN_SLACK = 2048;
    /** {@link #ORPHAN_SLACK}; tests lower it. */
    volatile int orphanSlack = ORPHAN_SLACK;
    /** Most delivered keys toward one peer not yet recorded there; beyond it requests take the reservation path. */
    public static final int MAX_OUTBOX = 4096;
    /** Most keys in one {@code POST /peer/v1/assign}, and most key IDs in one claim. */
    public static final int ASSIGN_BATCH = 512;
    /**
     * How many peer-reserved keys delivered here the vault remembers (durably, oldest dropped
     * first): an owner that replays an assignment it already sent (it crashed before the
     * acknowledgement) hears "recorded", not "missing".
     */
    private static final int RECENTLY_DELIVERED = 65_536;
    /** Assigner threads (one per peer is busy at a time, see {@link #ASSIGNS_IN_FLIGHT}). */
    private static final int ASSIGNERS = 4;
    /**
     * Most assignments under way to one peer at once. One: keys delivered while a batch is on
     * the wire leave together in the next (batching grows with the load by itself, as with
     * Nagle's algorithm), instead of a request of one or two keys per delivery, each costing
     * TLS and HTTP work at both nodes.
     */
    private static final int ASSIGNS_IN_FLIGHT = 1;
    /** No block of the link ingested yet (a watermark below every creation time). */
    private static final long NONE = Long.MIN_VALUE;

    private enum Level { NORMAL, LOW, EMPTY }

    /**
     * @param storedAt when this node stored it (this node's clock): the fresh-key grace period and the lifetime
     * @param created  creation time of its block as the driver stamped it: compared with ingestion watermarks
     */
    private static final class Part {
        private final UUID id;
        private final long seq;
        private final long storedAt;
        private final long created;
        /**
         * The peer said it holds this stored key (an inventory answer, or a reservation answer
         * that did not list it as missing): incremental syncs skip it. In memory only (guarded by
         * the core's monitor): after a restart every stored key is unconfirmed again.
         */
        boolean confirmed;

        Part(UUID id, long seq, long storedAt, long created) {
            this.id = id;
            this.seq = seq;
            this.storedAt = storedAt;
            this.created = created;
        }

        UUID id() {
            return id;
        }

        long seq() {
            return seq;
        }

        long storedAt() {
            return storedAt;
        }

        long created() {
            return created;
        }
    }

    /** In-memory index of one link pool: IDs and times only, never key bytes. */
    private static final class Link {
        final String linkId;
        final String peerNodeId;
        /** This node's half, oldest first (FIFO allocation). */
        final RingDeque<Part> own = new RingDeque<>();
        /**
         * Stored keys of this node's half the peer lacked although its watermark had (nearly) passed
         * their block: not offered again until the watermark is {@code lostKeyMarginMillis} past them;
         * then the peer holds them or they are lost.
         */
        final List<Part> deferred = new ArrayList<>();
        /** The peer's half: served here by ID once the peer reserved them. */
        final LinkedHashMap<UUID, Part> peer = new LinkedHashMap<>();
        /** Stored keys of this node's half offered in a reservation that is under way. */
        final Set<UUID> inFlight = new HashSet<>();
        /** One inventory sync of this link at a time; syncs wanted meanwhile are coalesced. */
        final ReentrantLock syncLock = new ReentrantLock();
        volatile long lastSyncStartNanos = System.nanoTime() - Long.MAX_VALUE / 2;
        volatile long lastFullSyncStartNanos = lastSyncStartNanos;
        /** When the last full sync that went through started. */
        volatile long lastFullSyncDoneNanos = lastSyncStartNanos;
        /** A full sync is wanted at the next periodic sync (new link, peer channel (re)started). */
        volatile boolean fullSyncDue = true;

        boolean syncFailing;
        boolean driverPresent;
        LinkStatus status;
        long delivered;
        /** Stored keys ever added to this node's half: the QoS allocator measures the refill rate by it. */
        long ownAdded;
        long expired;
        long dropped;
        /** Dropped since the last "pool full" log line, and when that line was written (0: never). */
        long droppedUnreported;
        long lastDropLogNanos;
        /** Stored keys destroyed because the other end of the link did not hold them. */
        long discardedUnmatched;
        Level level = Level.EMPTY;

        Link(String linkId, String peerNodeId) {
            this.linkId = linkId;
            this.peerNodeId = peerNodeId;
        }

        /** Newest block creation time this node ingested on the link (stored, dropped or duplicate). */
        long watermark = NONE;
        /** The peer's watermark as it last reported it (NONE: it had ingested nothing). */
        long peerWatermark = NONE;
        boolean peerWatermarkKnown;
        /** System.nanoTime() when the peer last reported its watermark. */
        long peerWatermarkNanos;

        long total() {
            return own.size() + deferred.size() + inFlight.size() + peer.size();
        }

        long ownHeld() {
            return own.size() + deferred.size();
        }

        /** This node's half as it counts against its capacity: also the stored keys in flight. */
        long ownHeldAll() {
            return own.size() + deferred.size() + inFlight.size();
        }

        /** Records the watermark the peer reported (null = no block of this link ingested there). */
        void peerReported(Long watermarkMillis) {
            peerWatermark = watermarkMillis == null ? NONE : watermarkMillis;
            peerWatermarkKnown = true;
            peerWatermarkNanos = System.nanoTime();
        }
    }

    private final String nodeId;
    private final int storedKeyBits;
    private volatile KmmSettings settings;
    private final Directory directory;
    private final Clock clock;
    private final SecureRandom drbg;
    private final Consumer<KeyEvent> events;
    private final Vault vault;
    private volatile PeerTransport transport;

    private final Map<String, Link> links = new TreeMap<>();
    /** Keys waiting for slave SAEs: peer reservations (with parts) and local DRBG keys (without). */
    /**
     * Keys waiting for their slave SAE(s). Changed under the monitor only; concurrent so that
     * dec_keys waiting for a record can look without the monitor (see {@link #awaitRecords}).
     */
    private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();
    /** Stored key (of a peer half) → the reservation holding it. */
    private final Map<UUID, UUID> reservedParts = new HashMap<>();
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    /** Allocation by agreed QoS when key is scarce (priority, guaranteed minimum): one per node, per pool inside. */
    private final QosAllocator allocator;
    private long seq;
    /** Mutations made under the monitor that must be durable before their effect shows (guarded by this). */
    private long changes;
    /** The highest of {@link #changes} in a journal group taken so far (guarded by the monitor). */
    private long journaledChanges;
    /** The number of that group (guarded by the monitor). */
    private long lastGroup;
    private long localDelivered;
    private long localExpired;
    /** Local (DRBG) keys waiting for their slaves, kept as a count: status and requests must not scan (guarded by this). */
    private long localWaiting;
    /** Per peer node: keys delivered here whose reservation the peer has not recorded yet (guarded by this). */
    private final Map<String, Outbox> outboxes = new HashMap<>();
    private final List<Thread> assigners = new ArrayList<>();
    /** Processes received relay hops (decrypt, store or forward, wait for the next ack) and sends voids. */
    private final ThreadPoolExecutor relayWorkers;
    private boolean closed;

    /**
     * Opens (or creates) the store in {@code dataDir}.
     *
     * @param kek    32-byte key-encryption key; copied, the caller zeroises its array
     * @param drbg   randomness for local keys, key IDs and GCM nonces
     * @param events receives pool and link events (called under the core's lock: hand off quickly)
     */
    public KmmCore(KmmSettings settings, Path dataDir, byte[] kek, Directory directory, Clock clock,
            SecureRandom drbg, Consumer<KeyEvent> events) throws IOException {
        this.nodeId = settings.nodeId();
        this.storedKeyBits = settings.storedKeyBits();
        this.settings = settings;
        this.directory = directory;
        this.clock = clock;
        this.allocator = new QosAllocator(clock);
        this.drbg = drbg;
        this.events = events;
        this.vault = Vault.open(dataDir, new Sealer(kek, drbg));
        load();
        String id = nodeId;
        // a middle node's worker waits for the next node's ack (at most peerTimeoutMillis): 64 relays under way
        // through one node before hops queue; idle workers end after 30 s
        this.relayWorkers = new ThreadPoolExecutor(64, 64, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "kmm-relay-" + id);
            t.setDaemon(true);
            return t;
        });
        relayWorkers.allowCoreThreadTimeOut(true);
        for (int i = 1; i <= ASSIGNERS; i++) {
            Thread t = new Thread(this::sendAssignments, "kmm-assign-" + nodeId + "-" + i);
            t.setDaemon(true);
            assigners.add(t);
            t.start();
        }
    }

    private synchronized void load() {
        vault.links().forEach((l, p) -> links.put(l, new Link(l, p)));
        List<PartMeta> all = new ArrayList<>();
        vault.forEachPart(all::add);
        all.sort(Comparator.comparingLong(PartMeta::seq));
        for (PartMeta m : all) {
            Link link = links.get(m.linkId());
            if (link == null) {
                continue;
            }
            seq = Math.max(seq, m.seq() + 1);
            Part part = new Part(m.id(), m.seq(), m.storedAt(), m.created());
            link.watermark = Math.max(link.watermark, m.created());
            if (nodeId.equals(KeyIds.owner(link.linkId, m.id(), nodeId, link.peerNodeId))) {
                link.own.addLast(part);
            } else {
                link.peer.put(m.id(), part);
            }
        }
        vault.forEachPending(p -> {
            pending.put(p.keyId(), p);
            p.parts().forEach(part -> reservedParts.put(part, p.keyId()));
        });
        vault.forEachLocal(p -> {
            pending.put(p.keyId(), p);
            localWaiting++;
        });
        vault.forEachOutbox(p -> {
            Link link = links.get(p.linkId());
            if (link != null) {
                outbox(link.peerNodeId).keys.put(p.keyId(), p);
            }
        });
        loadKeyReplacementRecords();
        for (Link link : links.values()) {
            Long wm = vault.watermark(link.linkId);
            if (wm != null) {
                link.watermark = Math.max(link.watermark, wm);
            }
            link.level = levelOf(link);
        }
        LOG.info("node {}: key store {} opened: {} links, {} stored keys, {} keys waiting for slave SAEs",
                nodeId, vault.file(), links.size(), all.size(), pending.size());
    }

    public synchronized void setTransport(PeerTransport transport) {
        this.transport = transport;
        if (transport != null) {
            // the channel came up: the next sync of every link lists everything (orphans at the peer)
            links.values().forEach(l -> l.fullSyncDue = true);
            outboxes.values().forEach(o -> o.retryAtNanos = System.nanoTime());
            notifyAll(); // the assigners may have keys to record at the peer
        }
    }

    public synchronized void updateSettings(KmmSettings s) {
        if (!s.nodeId().equals(nodeId) || s.storedKeyBits() != storedKeyBits) {
            throw new IllegalArgumentException("nodeId and storedKeyBits cannot change while the node runs");
        }
        this.settings = s;
        for (Link link : links.values()) {
            checkLevel(link);
        }
    }

    public KmmSettings settings() {
        return settings;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    // ------------------------------------------------------------------ group commit

    /** Under the monitor: numbers a mutation that {@link #durable} must commit before its effect shows. */
    private long changed() {
        return ++changes;
    }

    /**
     * Makes change {@code v} durable before the caller shows its effect (hands out keys, answers
     * the peer). Under the monitor the journal group of every mutation so far is closed (so it is
     * a state between two mutations, never half of one), unless one already covers {@code v};
     * outside it the groups are written in the order they were closed (see {@link Journal}), so
     * a slow disk stalls only the threads waiting here, and concurrent requests share writes.
     * Never call it holding the monitor.
     */
    private void durable(long v) {
        long group;
        synchronized (this) {
            if (journaledChanges < v) {
                group = vault.takeGroup();
                journaledChanges = changes;
                lastGroup = group;
            } else {
                group = lastGroup;
            }
        }
        vault.writeGroup(group);
    }

    // ------------------------------------------------------------------ drivers

    /** A driver for the link was bound (or left, with {@code present=false}). */
    public synchronized void driverPresent(LinkEnd end, boolean present) {
        Link link = link(end);
        link.driverPresent = present;
        if (!present) {
            vault.commit();
            fire(KeyEvent.Type.LINK_DOWN, link, "driver for link " + link.linkId + " left; pool keeps serving");
        }
    }

    public synchronized void linkStatus(LinkEnd end, LinkStatus status) {
        linkStatus(link(end), status);
    }

    /**
     * Sets the status of a known link without a driver's {@link LinkEnd} (an operator disabled
     * or enabled it); raises the same events as a driver's status change. Unknown links: nothing.
     */
    public synchronized void linkStatus(String linkId, LinkStatus status) {
        Link link = links.get(linkId);
        if (link != null) {
            linkStatus(link, status);
        }
    }

    /** The node at the other end of physical link {@code linkId}, or null if this node has no such link. */
    public synchronized String peerNodeOf(String linkId) {
        Link link = links.get(linkId);
        return link == null ? null : link.peerNodeId;
    }

    /** The physical links of this node (from drivers bound now or before; kept in the store). */
    public synchronized Set<String> linkIds() {
        return Set.copyOf(links.keySet());
    }

    private void linkStatus(Link link, LinkStatus status) {
        LinkState before = link.status == null ? null : link.status.state();
        link.status = status;
        LinkState now = status.state();
        if (before == now) {
            return;
        }
        switch (now) {
            case UP, DEGRADED -> {
                if (before != LinkState.UP && before != LinkState.DEGRADED) {
                    fire(KeyEvent.Type.LINK_UP, link, "link " + link.linkId + " is " + now + " " + status.reason());
                }
            }
            case DOWN -> fire(KeyEvent.Type.LINK_DOWN, link, "link " + link.linkId + " is down " + status.reason());
            case ABORTED_EAVESDROPPING -> fire(KeyEvent.Type.LINK_EAVESDROPPING, link,
                    "link " + link.linkId + " aborted a round for eavesdropping " + status.reason());
            default -> {
            }
        }
    }

    /**
     * Splits a block into stored keys of {@code storedKeyBits}; stored key i gets
     * {@link KeyIds#storedKeyId(UUID, int)}, the remainder is zeroised and dropped. Takes
     * ownership of the block and destroys it. With key authentication on
     * ({@link #setKeyAuthentication}) the block is held until the peer KMM confirmed it holds the
     * same material (its last 32 bytes are spent on that), see {@link KeyAuthenticator}.
     */
    public void keyBlock(LinkEnd end, KeyBlock block) {
        KeyAuthenticator auth = keyAuth;
        if (auth != null) {
            auth.submit(end, block); // stored by ingest() once the peer confirmed the same material
            return;
        }
        ingest(end, block);
    }

    /** {@link #keyBlock} of an authenticated block (or with key authentication off). */
    void ingest(LinkEnd end, KeyBlock block) {
        byte[] bytes = block.key();
        int stored = 0;
        int dropped = 0;
        int dup = 0;
        Link link;
        long change;
        String dropReport = null;
        try {
            // ID derivation and sealing (the costly part) outside the core lock: requests do not wait for them
            int per = storedKeyBits / 8;
            int n = bytes.length / per;
            long now = clock.millis();
            long created = block.created().toEpochMilli();
            boolean full;
            long fullChange = 0;
            synchronized (this) {
                Link l = link(end);
                // both halves full (an idle link's steady state): no key of the block can be kept,
                // so skip deriving its IDs (a hash each) as well
                full = n > 0 && l.ownHeldAll() >= halfCapacity() && l.peer.size() >= peerCopyCapacity();
                if (full) {
                    noteIngested(l, created);
                    fullChange = changed();
                    l.dropped += n;
                    dropReport = dropReport(l, n);
                }
            }
            if (full) {
                durable(fullChange);
                if (dropReport != null) {
                    LOG.warn("node {} link {}: {}", nodeId, end.linkId(), dropReport);
                }
                return;
            }
            UUID[] ids = new UUID[n];
            boolean[] own = new boolean[n];
            for (int i = 0; i < n; i++) {
                ids[i] = KeyIds.storedKeyId(block.id(), i);
                // the direction split is a hash per stored key: also outside the lock (link(end) below
                // refuses a block whose peer is not the link's)
                own[i] = nodeId.equals(KeyIds.owner(end.linkId(), ids[i], nodeId, end.peerNodeId()));
            }
            // only what the pool has room for is sealed: a full pool drops a block almost for free
            boolean[] wanted = new boolean[n];
            synchronized (this) {
                Link l = link(end);
                long ownRoom = halfCapacity() - l.ownHeldAll();
                long peerRoom = peerCopyCapacity() - l.peer.size();
                for (int i = 0; i < n; i++) {
                    if (!vault.hasPart(ids[i]) && (own[i] ? ownRoom-- > 0 : peerRoom-- > 0)) {
                        wanted[i] = true;
                    }
                }
            }
            byte[][] records = new byte[n][];
            byte[] part = new byte[per];
            try {
                for (int i = 0; i < n; i++) {
                    if (wanted[i]) {
                        System.arraycopy(bytes, i * per, part, 0, per);
                        records[i] = vault.sealPart(new PartMeta(ids[i], end.linkId(), 0, now, created), part);
                    }
                }
            } finally {
                Arrays.fill(part, (byte) 0);
            }
            synchronized (this) {
                link = link(end);
                for (int i = 0; i < n; i++) {
                    UUID id = ids[i];
                    if (vault.hasPart(id)) {
                        dup++;
                        continue;
                    }
                    if (!wanted[i] || (own[i] ? link.ownHeldAll() >= halfCapacity()
                            : link.peer.size() >= peerCopyCapacity())) {
                        dropped++;
                        continue;
                    }
                    Part p = new Part(id, seq++, now, created);
                    vault.putSealedPart(id, p.seq(), records[i]);
                    if (own[i]) {
                        link.own.addLast(p);
                        link.ownAdded++;
                    } else {
                        link.peer.put(id, p);
                    }
                    stored++;
                }
                noteIngested(link, created);
                change = changed();
                link.dropped += dropped;
                dropReport = dropReport(link, dropped);
                checkLevel(link);
            }
            durable(change);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            block.destroy();
        }
        if (dropReport != null) {
            LOG.warn("node {} link {}: {}", nodeId, end.linkId(), dropReport);
        }
        LOG.debug("node {} link {}: block {} gave {} stored keys ({} duplicates ignored, {} dropped)", nodeId,
                end.linkId(), block.id(), stored, dup, dropped);
    }

    /**
     * Capacity of each half of a link pool: half of {@code maxKeysPerLink}. A shared limit let the
     * half nobody consumes (keys for the other direction) crowd out the half in use once the pool
     * was full, until the latter ran dry while the link kept delivering.
     */
    private long halfCapacity() {
        return Math.max(1, settings.maxKeysPerLink() / 2);
    }

    /**
     * Hard bound of this node's copy of the peer's half. Only the owner caps a half at
     * {@link #halfCapacity()}: the records of keys it consumed (assignment, reservation, relay hop)
     * reach this node after blocks that arrive meanwhile, so a copy capped at the same number
     * dropped other keys than the owner kept, and the two copies drifted apart under load
     * (SdnRerouteIT: "node A holds 81 (1 usable now)"). What the copy holds beyond the owner's
     * half: keys consumed there and not yet recorded here (at most the owner's in-flight keys,
     * which count against its capacity, plus its outbox, {@link #MAX_OUTBOX}) and orphans, keys the
     * owner dropped, which its incremental sync notices beyond {@link #orphanSlack} and the full
     * sync it then runs destroys here. The bound only bites when no sync runs (peer channel down):
     * memory stays bounded, and the first full sync afterwards settles any difference.
     */
    private long peerCopyCapacity() {
        return 2 * halfCapacity() + orphanSlack + MAX_OUTBOX;
    }

    /** Minimum time between two "pool full" log lines of a link. */
    private static final long DROP_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    /**
     * Under the monitor: a "pool full" line for the log at most once a minute per link, counting
     * what was dropped since the last one (a link keeps delivering while its pool is full).
     */
    /** Under the monitor: a block was processed, whether stored, dropped (pool full) or duplicate: the peer may judge by it. */
    private void noteIngested(Link link, long created) {
        if (created > link.watermark) {
            link.watermark = created;
            vault.putWatermark(link.linkId, created);
        }
    }

    private String dropReport(Link link, int dropped) {
        if (dropped == 0) {
            return null;
        }
        link.droppedUnreported += dropped;
        long now = System.nanoTime();
        if (link.lastDropLogNanos != 0 && now - link.lastDropLogNanos < DROP_LOG_NANOS) {
            return null;
        }
        String line = "pool full (" + settings.maxKeysPerLink() + " stored keys): dropped " + link.droppedUnreported
                + " stored keys" + (link.lastDropLogNanos == 0 ? "" : " in the last minute") + " (" + link.dropped
                + " in all); the next report in a minute at the earliest";
        link.lastDropLogNanos = now;
        link.droppedUnreported = 0;
        return line;
    }

    private Link link(LinkEnd end) {
        Link link = links.get(end.linkId());
        if (link == null) {
            link = new Link(end.linkId(), end.peerNodeId());
            links.put(end.linkId(), link);
            vault.putLink(end.linkId(), end.peerNodeId());
            vault.commit();
        } else if (!link.peerNodeId.equals(end.peerNodeId())) {
            throw new IllegalArgumentException("link " + end.linkId() + " joins " + nodeId + " and "
                    + link.peerNodeId + ", not " + end.peerNodeId());
        }
        return link;
    }

    // ------------------------------------------------------------------ enc_keys

    @Override
    public List<Key> newKeys(KeyRequest request) throws KeyManagerException {
        return newKeys(request, null);
    }

    /**
     * enc_keys on behalf of a consumer with its own QoS (an ETSI 004 stream: {@code demand}'s rates in bits
     * of key delivered per second); {@code demand} null: the pair's {@code SaePairQos}. Both compete for
     * the pool in {@link QosAllocator}.
     */
    public List<Key> newKeys(KeyRequest request, QosAllocator.Demand demand) throws KeyManagerException {
        String master = request.masterSaeId();
        String slave = request.slaveSaeId();
        Map<String, String> saes = directory.saes();
        requireLocal(saes, master, "master");
        String slaveNode = requireKnown(saes, slave);
        List<String> slaves = new ArrayList<>();
        slaves.add(slave);
        if (request.additionalSlaveSaeIds().size() > settings.maxSaeIdCount()) {
            throw new KeyManagerException(BAD_REQUEST, "at most " + settings.maxSaeIdCount()
                    + " additional slave SAE IDs are allowed, got " + request.additionalSlaveSaeIds().size());
        }
        for (String extra : request.additionalSlaveSaeIds()) {
            String n = requireKnown(saes, extra);
            if (!n.equals(slaveNode)) {
                throw new KeyManagerException(BAD_REQUEST, "additional slave SAE " + extra + " is served by node " + n
                        + ", but slave SAE " + slave + " by node " + slaveNode + "; all slaves must share one node");
            }
            if (slaves.contains(extra) || extra.equals(master)) {
                throw new KeyManagerException(BAD_REQUEST, "SAE ID " + extra + " is listed twice in the request");
            }
            slaves.add(extra);
        }
        if (slave.equals(master)) {
            throw new KeyManagerException(BAD_REQUEST, "master and slave SAE must differ, got " + master + " twice");
        }
        Limits q = limits(master, slave);
        int number = request.number();
        if (number < 1) {
            throw new KeyManagerException(BAD_REQUEST, "number must be at least 1, got " + number);
        }
        if (number > q.maxKeysPerRequest) {
            throw new KeyManagerException(BAD_REQUEST, "number " + number + " exceeds max_key_per_request "
                    + q.maxKeysPerRequest + " for SAE pair " + master + " -> " + slave);
        }
        int size = request.sizeBits() == 0 ? q.defaultSize() : request.sizeBits();
        if (size % 8 != 0) {
            throw new KeyManagerException(BAD_REQUEST, KeyManagerException.SIZE_NOT_MULTIPLE_OF_8);
        }
        if (size < q.minKeyBits || size > q.maxKeyBits) {
            throw new KeyManagerException(BAD_REQUEST, "size " + size + " is outside the allowed range "
                    + q.minKeyBits + ".." + q.maxKeyBits + " bits for SAE pair " + master + " -> " + slave);
        }
        TokenBucket bucket = null;
        if (q.maxKeysPerSecond > 0) {
            bucket = bucket(master, slave, q);
            if (!bucket.tryTake(number, qosNanos())) {
                LOG.info("node {}: rate limit of SAE pair {} -> {} ({} keys/s) exceeded", nodeId, master, slave,
                        q.maxKeysPerSecond);
                throw new KeyManagerException(UNAVAILABLE, "rate limit of " + q.maxKeysPerSecond
                        + " keys/s for SAE pair " + master + " -> " + slave + " exceeded; retry later");
            }
        }
        boolean ok = false;
        QosAllocator.Grant grant = null;
        try {
            grant = slaveNode.equals(nodeId) ? null : admit(master, slave, slaveNode, number, size, q, demand);
            List<Key> keys = slaveNode.equals(nodeId) ? localKeys(master, slaves, number, size)
                    : adjacent(slaveNode) ? directOrDetour(master, slaves, slaveNode, number, size)
                    : relayKeys(master, slaves, slaveNode, number, size);
            ok = true;
            Issued i = new Issued(master, List.copyOf(slaves), slaveNode);
            long at = clock.millis();
            synchronized (issued) { // what key replacement checks a request against (IDs only); not the core lock
                keys.forEach(k -> {
                    issued.put(k.id(), i);
                    unsavedIssued.put(k.id(), new Vault.IssuedRecord(at, i.master(), i.slaves(), i.slaveNode()));
                });
            }
            return keys;
        } finally {
            if (grant != null) {
                grant.done(ok);
            }
            if (!ok && bucket != null) {
                bucket.refund(number);
            }
        }
    }

    /** The token buckets' time: the core's clock (tests move it), never running backwards. */
    private long qosNanos() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    /**
     * Allocation by agreed QoS (issue 9): the request's share of its pool (the links to the slave's node,
     * or to the first hop of its relay route), or ETSI 014 503 when the key left is reserved for the
     * guaranteed minima of higher-priority consumers. Pairs on one node (DRBG keys) are not allocated.
     */
    private QosAllocator.Grant admit(String master, String slave, String slaveNode, int number, int size, Limits q,
            QosAllocator.Demand demand) throws KeyManagerException {
        QosAllocator.Supply supply;
        boolean relayed;
        synchronized (this) {
            relayed = !adjacent(slaveNode);
            supply = supply(slaveNode, relayed);
        }
        if (supply == null) {
            return null; // no link and no route: the draw fails with its own message
        }
        long cost = (long) costStoredKeys(number, size, relayed) * storedKeyBits;
        QosAllocator.Demand d = demand;
        if (d != null) { // delivered bits → what they cost in the pool (whole stored keys, or the relay hop message)
            double perBit = (double) cost / ((long) number * size);
            d = new QosAllocator.Demand(d.id(), d.priority(), d.minBps() * perBit, d.maxBps() * perBit);
        } else {
            long perKey = (long) costStoredKeys(1, q.defaultSize(), relayed) * storedKeyBits;
            d = new QosAllocator.Demand("pair " + master + " -> " + slave, q.priority, q.minKeysPerSecond * perKey,
                    q.maxKeysPerSecond * perKey);
        }
        try {
            return allocator.admit(supply, d, cost);
        } catch (QosAllocator.Refused r) {
            if (r.first()) {
                LOG.info("node {} pool {}: {} refused: {} (priority {}); more refusals until it is served again are "
                        + "not logged", nodeId, supply.pool(), d.id(), r.getMessage(), d.priority());
            }
            // ETSI GS QKD 014 §5.2: 503, retry later; the message names no key and no amount
            throw new KeyManagerException(UNAVAILABLE, r.getMessage() + " (SAE pair " + master + " -> " + slave
                    + ", priority " + d.priority() + "); retry later");
        }
    }

    /** Stored keys a request costs in its pool: the keys themselves, or their relay hop message (pad and MAC). */
    private int costStoredKeys(int number, int size, boolean relayed) {
        return relayed ? RelayCrypto.storedKeysNeeded(number, size, storedKeyBits)
                : number * ((size + storedKeyBits - 1) / storedKeyBits);
    }

    /** Under the monitor: the pool a request for {@code slaveNode} draws from, or null if none. */
    private QosAllocator.Supply supply(String slaveNode, boolean relayed) {
        String hop = slaveNode;
        if (relayed) {
            VirtualLink route = routeTo(slaveNode);
            hop = route == null ? null : route.hopTowards(slaveNode);
        }
        if (hop == null) {
            return null;
        }
        long level = 0;
        long added = 0;
        double skr = 0;
        for (Link l : links.values()) {
            if (l.peerNodeId.equals(hop)) {
                level += l.own.size();
                added += l.ownAdded;
                if (l.status != null && (l.status.state() == LinkState.UP || l.status.state() == LinkState.DEGRADED)) {
                    skr += l.status.secretKeyRate() / 2; // this node's half (direction split)
                }
            }
        }
        return new QosAllocator.Supply(hop, level * storedKeyBits, added * storedKeyBits, skr);
    }

    /**
     * What a consumer towards {@code node} shares (ETSI 004 admission): its pool (the first hop), whether
     * relayed, this node's half of the secret key rate of the up links of that pool (bit/s), what one key
     * of {@code keyBits} costs there (bits), and the minima of SAE pairs reserved there now (bit/s of pool).
     */
    public record PoolShare(String pool, boolean relayed, double skrBps, long costBitsPerKey, double pairMinimaBps) {
    }

    /** The pool share towards {@code node}, or null when there is neither a link nor a relay route to it. */
    public PoolShare poolShare(String node, int keyBits) {
        QosAllocator.Supply supply;
        boolean relayed;
        synchronized (this) {
            relayed = !adjacent(node);
            supply = supply(node, relayed);
        }
        if (supply == null) {
            return null;
        }
        double pairs = 0;
        for (QosAllocator.ConsumerStats c : allocator.consumers()) {
            if (c.pool().equals(supply.pool()) && c.reserved() && c.id().startsWith("pair ")) {
                pairs += c.minBps();
            }
        }
        return new PoolShare(supply.pool(), relayed, supply.skrHintBps(),
                (long) costStoredKeys(1, keyBits, relayed) * storedKeyBits, pairs);
    }

    @Override
    public List<org.qkdv2i.kmm.api.QosStatus> qosAllocation() {
        Map<String, Double> refill = new HashMap<>();
        for (QosAllocator.PoolStats p : allocator.pools()) {
            refill.put(p.pool(), p.refillBps());
        }
        List<org.qkdv2i.kmm.api.QosStatus> out = new ArrayList<>();
        for (QosAllocator.ConsumerStats c : allocator.consumers()) {
            out.add(new org.qkdv2i.kmm.api.QosStatus(nodeId, c.pool(), c.id(), c.priority(), c.minBps(), c.maxBps(),
                    c.reserved(), c.servedBps(), c.served(), c.refused(), refill.getOrDefault(c.pool(), 0.0)));
        }
        return out;
    }

    /** The allocator by agreed QoS: its per-consumer and per-pool counters (shell {@code qkd:qos}), stream demands. */
    public QosAllocator qosAllocator() {
        return allocator;
    }

    private TokenBucket bucket(String master, String slave, Limits q) {
        double burst = Math.max(q.maxKeysPerSecond, q.maxKeysPerRequest);
        TokenBucket b = buckets.computeIfAbsent(master + '\u0000' + slave,
                k -> new TokenBucket(q.maxKeysPerSecond, burst, qosNanos()));
        b.configure(q.maxKeysPerSecond, burst);
        return b;
    }

    /** Both SAEs here: keys from the node DRBG, stored sealed until the slave(s) fetch them. */
    private synchronized List<Key> localKeys(String master, List<String> slaves, int number, int size)
            throws KeyManagerException {
        long waiting = localWaiting;
        if (waiting + number > settings.maxKeysPerLink()) {
            throw new KeyManagerException(UNAVAILABLE, "node " + nodeId + " holds " + waiting
                    + " undelivered local keys (capacity " + settings.maxKeysPerLink()
                    + "); slave SAEs must fetch them first");
        }
        List<Key> out = new ArrayList<>(number);
        long now = clock.millis();
        for (int i = 0; i < number; i++) {
            byte[] key = new byte[size / 8];
            drbg.nextBytes(key);
            Pending p = new Pending(randomUuid(), "local", master, List.copyOf(slaves), List.copyOf(slaves), size, now,
                    List.of());
            vault.putLocal(p, key);
            localWaiting++;
            pending.put(p.keyId(), p);
            out.add(new Key(p.keyId(), key));
        }
        vault.commit();
        LOG.debug("node {}: {} local keys for SAE pair {} -> {}", nodeId, number, master, slaves);
        return out;
    }

    /**
     * Reserves the stored keys at the peer, then hands them out. Only stored keys of blocks
     * the peer has ingested (its watermark, as it last reported it) are offered, plus one
     * probe per request when that report may be stale. When the peer lacks offered stored
     * keys, those of blocks created more than {@code lostKeyMarginMillis} before its watermark
     * are lost: destroyed here, then the whole half of the link is reconciled with the peer
     * (one inventory sync, shared with concurrent requests). The others have simply not
     * reached the peer yet and are kept. The request is retried with other stored keys until
     * {@code peerTimeoutMillis} has passed.
     */
    private List<Key> remoteKeys(String master, List<String> slaves, String slaveNode, int number, int size)
            throws KeyManagerException {
        int partsPerKey = (size + storedKeyBits - 1) / storedKeyBits;
        int need = number * partsPerKey;
        long timeout = settings.peerTimeoutMillis();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(timeout);
        int lacked = 0;
        boolean probed = false;
        boolean fullSync = false;
        for (int round = 1;; round++) {
            PeerTransport t = transport;
            Link link;
            List<Part> taken;
            Delivery fast;
            synchronized (this) {
                link = pickLink(slaveNode, slaves.get(0));
                releaseDeferred(link);
                fast = round == 1 ? deliverConfirmed(link, master, slaves, number, size, partsPerKey) : null;
            }
            if (fast != null) {
                try {
                    durable(fast.change());
                } catch (RuntimeException e) {
                    fast.keys().forEach(Key::destroy);
                    throw e;
                }
                LOG.debug("node {} link {}: {} keys of {} bits for SAE pair {} -> {} (to be recorded at {})", nodeId,
                        link.linkId, number, size, master, slaves, slaveNode);
                return fast.keys();
            }
            synchronized (this) {
                long cutoff = clock.millis() - settings.freshKeyGraceMillis();
                int mature = offerablePrefix(link, need, cutoff, false);
                if (offerablePrefix(link, need, cutoff, true) < need) {
                    // the watermark known here may be older than this request: one probe refreshes it
                    boolean stale = link.peerWatermarkNanos - started < 0;
                    if (mature < need || probed || !stale) {
                        throw notEnough(link, need, cutoff);
                    }
                    probed = true;
                }
                taken = new ArrayList<>(need);
                for (int i = 0; i < need; i++) {
                    Part p = link.own.pollFirst();
                    taken.add(p);
                    link.inFlight.add(p.id());
                }
            }
            boolean settled = false;
            long missingSeenAt;
            int lost;
            try {
                if (t == null) {
                    throw new KeyManagerException(UNAVAILABLE, "peer KMM " + slaveNode
                            + " unreachable: node " + nodeId + " has no peer channel (TLS identity not available yet)");
                }
                List<ReservedKey> keys = new ArrayList<>(number);
                for (int k = 0; k < number; k++) {
                    List<UUID> ids = new ArrayList<>(partsPerKey);
                    for (int j = 0; j < partsPerKey; j++) {
                        ids.add(taken.get(k * partsPerKey + j).id());
                    }
                    keys.add(new ReservedKey(randomUuid(), List.copyOf(ids), size));
                }
                ReserveResult result;
                try {
                    result = t.reserve(slaveNode, new ReserveRequest(link.linkId, master, List.copyOf(slaves), keys),
                            Math.max(1, remainingMillis(deadline)));
                } catch (PeerException e) {
                    LOG.warn("node {} link {}: reservation for SAE pair {} -> {} failed: {}", nodeId, link.linkId,
                            master, slaves, e.getMessage());
                    throw new KeyManagerException(e.refused() ? BAD_REQUEST : UNAVAILABLE,
                            e.refused() ? "peer KMM " + slaveNode + " refused the keys: " + e.getMessage()
                                    : "peer KMM " + slaveNode + " unreachable");
                }
                if (result.missingParts().isEmpty() && result.accepted().size() == keys.size()) {
                    Delivery d = deliverOwn(link, keys, taken, result.watermarkMillis());
                    settled = true;
                    List<Key> out = d.keys();
                    try {
                        durable(d.change());
                    } catch (RuntimeException e) {
                        out.forEach(Key::destroy);
                        throw e;
                    }
                    LOG.debug("node {} link {}: {} keys of {} bits for SAE pair {} -> {} (reserved at {})", nodeId,
                            link.linkId, number, size, master, slaves, slaveNode);
                    return out;
                }
                missingSeenAt = System.nanoTime();
                int[] outcome = settleMissing(link, taken, new HashSet<>(result.missingParts()),
                        result.watermarkMillis());
                settled = true;
                lost = outcome[0];
                lacked += lost;
                // the peer lost stored keys it had confirmed: confirmations are stale, list everything
                fullSync = outcome[2] > 0;
                if (lost > 0) {
                    LOG.info("node {} link {}: peer {} lacks {} of the offered stored keys; {} of blocks older than "
                            + "its watermark minus {} ms are lost and destroyed here, {} kept (round {}), "
                            + "reconciling the link", nodeId, link.linkId, slaveNode, lost + outcome[1], lost,
                            settings.lostKeyMarginMillis(), outcome[1], round);
                } else {
                    LOG.debug("node {} link {}: peer {} has not ingested {} of the offered stored keys yet; kept "
                            + "(round {})", nodeId, link.linkId, slaveNode, outcome[1], round);
                }
            } finally {
                if (!settled) {
                    giveBack(link, taken);
                }
            }
            if (lost > 0) {
                // learn every stored key the peer lost at once instead of one request at a time
                syncLink(link, deadline, missingSeenAt, fullSync);
            }
            if (remainingMillis(deadline) <= 0) {
                LOG.warn("node {} link {}: peer {} confirmed no stored keys for SAE pair {} -> {} within {} ms "
                        + "({} stored keys it lacked destroyed here)", nodeId, link.linkId, slaveNode, master, slaves,
                        timeout, lacked);
                throw new KeyManagerException(UNAVAILABLE, "peer KMM " + slaveNode
                        + " does not hold the stored keys this node offered; retry later");
            }
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    /** {@code watermark - margin}, or NONE when no watermark is known. */
    private static long minus(long watermark, long margin) {
        return watermark == NONE ? NONE : watermark - margin;
    }

    private Link pickLink(String slaveNode, String slave) throws KeyManagerException {
        Link best = null;
        for (Link l : links.values()) {
            if (l.peerNodeId.equals(slaveNode) && (best == null || l.own.size() > best.own.size())) {
                best = l;
            }
        }
        if (best == null) {
            throw new KeyManagerException(UNAVAILABLE, "node " + nodeId + " has no QKD link to node " + slaveNode
                    + " (of slave SAE " + slave + ")");
        }
        return best;
    }

    /**
     * Whether a stored key of this node's half may be offered now: past the grace period and,
     * with {@code gated}, of a block the peer has ingested (if it ever reported a watermark).
     */
    private static boolean offerable(Link link, Part p, long cutoff, boolean gated) {
        return p.storedAt() <= cutoff
                && (!gated || !link.peerWatermarkKnown || p.created() <= link.peerWatermark);
    }

    /** Length of the offerable prefix of the pool, counted up to {@code limit} (exact, stops early). */
    private static int offerablePrefix(Link link, int limit, long cutoff, boolean gated) {
        int n = 0;
        while (n < limit && n < link.own.size() && offerable(link, link.own.get(n), cutoff, gated)) {
            n++;
        }
        return n;
    }

    /**
     * Offerable stored keys of this node's half: the pool is oldest first, in both storing and
     * block creation order, so they are a prefix; found by binary search (cheap for status).
     */
    private static long offerableCount(Link link, long cutoff, boolean gated) {
        return link.own.prefixLength(p -> offerable(link, p, cutoff, gated));
    }

    private KeyManagerException notEnough(Link link, int need, long cutoff) {
        long held = link.ownHeld();
        long mature = offerableCount(link, cutoff, false);
        long confirmed = offerableCount(link, cutoff, true);
        String head = "not enough key on link " + link.linkId + ": the request needs " + need + " stored keys of "
                + storedKeyBits + " bits, node " + nodeId + " holds " + held;
        if (mature >= need && confirmed < need) {
            String behind = link.peerWatermark == NONE
                    ? "peer " + link.peerNodeId + " has not ingested any key block of the link yet"
                    : "peer " + link.peerNodeId + " is " + (link.watermark - link.peerWatermark) + " ms behind on link "
                            + link.linkId;
            return new KeyManagerException(UNAVAILABLE, head + " (" + confirmed + " of them ingested by the peer: "
                    + behind + ")");
        }
        String young = held > mature && link.own.size() > mature
                ? " (" + (link.own.size() - mature) + " of them younger than " + settings.freshKeyGraceMillis()
                        + " ms)" : "";
        String aside = link.deferred.isEmpty() ? ""
                : " (" + link.deferred.size() + " of them set aside until peer " + link.peerNodeId
                        + " is known to have passed their blocks)";
        return new KeyManagerException(UNAVAILABLE, head + young + aside);
    }

    /** Deferred stored keys the peer's watermark has passed by the margin go back to the front of the pool. */
    private void releaseDeferred(Link link) {
        if (link.deferred.isEmpty() || !link.peerWatermarkKnown) {
            return;
        }
        long limit = minus(link.peerWatermark, settings.lostKeyMarginMillis());
        List<Part> back = new ArrayList<>();
        link.deferred.removeIf(p -> p.created() <= limit && back.add(p));
        back.sort(Comparator.comparingLong(Part::seq));
        for (int i = back.size() - 1; i >= 0; i--) {
            link.own.addFirst(back.get(i));
        }
    }

    /** Keys assembled for delivery, and the change that must be durable before they are handed out. */
    private record Delivery(List<Key> keys, long change) {
    }

    /**
     * The peer recorded the reservation: remove the parts here and assemble the bytes; the caller
     * makes the removal durable ({@link #durable}) before handing them out.
     */
    private synchronized Delivery deliverOwn(Link link, List<ReservedKey> keys, List<Part> taken,
            Long peerWatermark) {
        link.peerReported(peerWatermark);
        Outbox box = outboxes.get(link.peerNodeId);
        if (box != null) {
            box.failing = false; // the peer answered; an empty outbox has no assignment to prove it
        }
        List<Key> out = new ArrayList<>(keys.size());
        for (ReservedKey rk : keys) {
            out.add(new Key(rk.keyId(), assemble(rk.parts(), rk.bits())));
        }
        for (Part p : taken) {
            vault.removePart(p.id());
        }
        long change = changed();
        taken.forEach(p -> link.inFlight.remove(p.id()));
        link.delivered += keys.size();
        checkLevel(link);
        return new Delivery(out, change);
    }

    /**
     * The peer refused the offer: of the taken stored keys it lacks, those of blocks created
     * more than the margin before its watermark are lost (destroyed); those it should have by
     * now but within the margin are deferred; newer ones (not ingested there yet) go back to
     * the pool with the keys it holds. Returns {lost, kept, lost that it had confirmed before}.
     */
    private synchronized int[] settleMissing(Link link, List<Part> taken, Set<UUID> missing, Long peerWatermark) {
        link.peerReported(peerWatermark);
        long wm = link.peerWatermark;
        long lostBefore = minus(wm, settings.lostKeyMarginMillis());
        List<Part> keep = new ArrayList<>();
        int lost = 0;
        int kept = 0;
        int lostConfirmed = 0;
        for (Part p : taken) {
            if (!missing.contains(p.id())) {
                p.confirmed = true; // the peer holds it
                keep.add(p);
            } else if (p.created() <= lostBefore) {
                vault.removePart(p.id());
                link.inFlight.remove(p.id());
                lost++;
                if (p.confirmed) {
                    lostConfirmed++;
                }
            } else if (p.created() <= wm) {
                link.inFlight.remove(p.id());
                link.deferred.add(p);
                kept++;
            } else {
                keep.add(p);
                kept++;
            }
        }
        if (lost > 0) {
            vault.commit();
            link.discardedUnmatched += lost;
        }
        giveBackLocked(link, keep);
        return new int[] {lost, kept, lostConfirmed};
    }

    private synchronized void giveBack(Link link, List<Part> parts) {
        giveBackLocked(link, parts);
    }
    private void giveBackLocked(Link link, List<Part> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            link.own.addFirst(parts.get(i));
            link.inFlight.remove(parts.get(i).id());
        }
        checkLevel(link);
    }

    /** Concatenated stored keys truncated to {@code bits}; the caller owns the array. */
    private byte[] assemble(List<UUID> parts, int bits) {
        byte[] key = new byte[bits / 8];
        int off = 0;
        for (UUID id : parts) {
            byte[] b = vault.openPart(id);
            if (b == null) {
                Arrays.fill(key, (byte) 0);
                throw new IllegalStateException("stored key " + id + " vanished from the store");
            }
            int n = Math.min(b.length, key.length - off);
            System.arraycopy(b, 0, key, off, n);
            off += n;
            Arrays.fill(b, (byte) 0);
        }
        return key;
    }

    // ------------------------------------------------------------------ fast delivery, recorded afterwards

    /**
     * Keys this node delivered to its master SAEs toward one peer, waiting to be recorded there.
     * Durable in the vault until the peer acknowledges them (a restart sends them again).
     */
    private static final class Outbox {
        final LinkedHashMap<UUID, Pending> keys = new LinkedHashMap<>();
        /** Keys in an assignment under way (still in {@link #keys} until the peer recorded them). */
        final Set<UUID> sent = new HashSet<>();
        int batchesInFlight;
        /** The last assignment failed: requests take the reservation path (and fail fast) until one succeeds. */
        boolean failing;
        long retryAtNanos = System.nanoTime();
        long backoffMillis;
    }

    private Outbox outbox(String peerNodeId) {
        return outboxes.computeIfAbsent(peerNodeId, k -> new Outbox());
    }

    /**
     * Under the monitor: when the next stored keys of this node's half are all confirmed (the peer
     * said it holds them, and nobody but this node may hand them out: direction split), delivers
     * them at once and leaves the reservation to the assigner threads, which record it at the peer
     * (ETSI GS QKD 020 style: the key travels with the request, the acknowledgement comes later).
     * Returns null when the request must take the reservation path instead: a stored key is not
     * confirmed yet, the peer channel is down or failing, or too many keys wait to be recorded.
     */
    private Delivery deliverConfirmed(Link link, String master, List<String> slaves, int number, int size,
            int partsPerKey) {
        int need = number * partsPerKey;
        Outbox box = outbox(link.peerNodeId);
        if (settings.reserveFirst() || transport == null || closed || box.failing || box.keys.size() + number > MAX_OUTBOX
                || link.own.size() < need) {
            return null;
        }
        for (int i = 0; i < need; i++) {
            if (!link.own.get(i).confirmed) {
                return null;
            }
        }
        long now = clock.millis();
        List<Key> out = new ArrayList<>(number);
        List<Pending> made = new ArrayList<>(number);
        try {
            for (int k = 0; k < number; k++) {
                List<UUID> ids = new ArrayList<>(partsPerKey);
                for (int j = 0; j < partsPerKey; j++) {
                    ids.add(link.own.get(k * partsPerKey + j).id());
                }
                UUID keyId = randomUuid();
                out.add(new Key(keyId, assemble(ids, size)));
                made.add(new Pending(keyId, link.linkId, master, List.copyOf(slaves), List.copyOf(slaves), size, now,
                        List.copyOf(ids)));
            }
        } catch (RuntimeException e) {
            out.forEach(Key::destroy);
            throw e;
        }
        for (Pending p : made) {
            box.keys.put(p.keyId(), p);
            vault.putOutbox(p);
        }
        for (int i = 0; i < need; i++) {
            vault.removePart(link.own.pollFirst().id());
        }
        link.delivered += number;
        checkLevel(link);
        notify(); // one assigner is enough: only assigners wait on this monitor, and each takes a whole batch
        return new Delivery(out, changed());
    }

    /**
     * An assigner thread: sends each peer the reservations of keys delivered here, in batches
     * (concurrent requests share one round trip), and retries with backoff while the peer is down.
     */
    private void sendAssignments() {
        while (true) {
            String peer;
            List<Pending> batch;
            synchronized (this) {
                while (true) {
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    long waitNanos = TimeUnit.SECONDS.toNanos(1);
                    peer = null;
                    for (Map.Entry<String, Outbox> e : outboxes.entrySet()) {
                        Outbox b = e.getValue();
                        if (b.keys.size() == b.sent.size() || b.batchesInFlight >= ASSIGNS_IN_FLIGHT) {
                            continue;
                        }
                        if (b.retryAtNanos - now > 0) {
                            waitNanos = Math.min(waitNanos, b.retryAtNanos - now);
                            continue;
                        }
                        peer = e.getKey();
                        break;
                    }
                    if (peer != null && transport != null) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, Math.max(1_000_000, waitNanos));
                    } catch (InterruptedException e) {
                        return; // closing
                    }
                }
                Outbox b = outboxes.get(peer);
                b.batchesInFlight++;
                batch = new ArrayList<>(Math.min(ASSIGN_BATCH, b.keys.size() - b.sent.size()));
                for (Pending p : b.keys.values()) {
                    if (batch.size() == ASSIGN_BATCH) {
                        break;
                    }
                    if (b.sent.add(p.keyId())) {
                        batch.add(p);
                    }
                }
            }
            PeerTransport t = transport;
            AssignResult result = null;
            String error;
            try {
                result = t == null ? null
                        : t.assign(peer, new AssignRequest(reservations(batch)), settings.peerTimeoutMillis());
                error = t == null ? "no peer channel" : null;
            } catch (PeerException e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                error = e.toString();
            }
            assigned(peer, batch, result, error);
        }
    }

    /** Groups keys by link and SAE pair into reservations, keeping their order. */
    private static List<ReserveRequest> reservations(List<Pending> keys) {
        Map<List<Object>, List<ReservedKey>> groups = new LinkedHashMap<>();
        for (Pending p : keys) {
            groups.computeIfAbsent(List.of(p.linkId(), p.masterSaeId(), p.slaveSaeIds()), k -> new ArrayList<>())
                    .add(new ReservedKey(p.keyId(), p.parts(), p.bits()));
        }
        List<ReserveRequest> out = new ArrayList<>(groups.size());
        groups.forEach((k, v) -> {
            @SuppressWarnings("unchecked")
            List<String> slaves = (List<String>) k.get(2);
            out.add(new ReserveRequest((String) k.get(0), (String) k.get(1), slaves, List.copyOf(v)));
        });
        return out;
    }

    /** The peer's answer to an assignment (or why it failed): settles the batch. */
    private synchronized void assigned(String peer, List<Pending> batch, AssignResult r, String error) {
        Outbox b = outboxes.get(peer);
        b.batchesInFlight--;
        batch.forEach(p -> b.sent.remove(p.keyId())); // those not settled below are sent again
        if (closed) {
            return;
        }
        notifyAll(); // another assigner may take what is left
        if (r == null) {
            if (!b.failing) {
                LOG.warn("node {}: recording {} delivered keys at peer KMM {} failed: {}; keys toward it are reserved "
                        + "first until it answers again", nodeId, b.keys.size(), peer, error);
            }
            b.failing = true;
            b.backoffMillis = b.backoffMillis == 0 ? 50 : Math.min(5000, b.backoffMillis * 2);
            b.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(b.backoffMillis);
            return;
        }
        if (b.failing) {
            LOG.info("node {}: peer KMM {} records delivered keys again ({} waiting)", nodeId, peer, b.keys.size());
        }
        b.failing = false;
        b.backoffMillis = 0;
        for (UUID id : r.recorded()) {
            settleOutbox(b, id);
        }
        for (UUID id : r.missing()) {
            Pending p = settleOutbox(b, id);
            if (p != null) {
                Link link = links.get(p.linkId());
                if (link != null) {
                    link.discardedUnmatched++;
                }
                LOG.error("node {} link {}: key {} delivered to master SAE {} cannot be recorded at peer {}: it no "
                        + "longer holds the stored keys; slave SAE {} will not get it", nodeId, p.linkId(), id,
                        p.masterSaeId(), peer, p.slaveSaeIds());
            }
        }
        for (UUID id : r.refused()) {
            Pending p = settleOutbox(b, id);
            if (p != null) {
                LOG.error("node {} link {}: peer {} refused to record key {} of SAE pair {} -> {} (SAE registry or "
                        + "link configuration differs between the nodes)", nodeId, p.linkId(), peer, id,
                        p.masterSaeId(), p.slaveSaeIds());
            }
        }
        // a key the answer does not mention stays and is sent again
    }

    private void rememberDelivered(UUID keyId) {
        vault.putDelivered(keyId, clock.millis());
        if (vault.deliveredCount() > RECENTLY_DELIVERED) {
            vault.removeDelivered(vault.oldestDelivered());
        }
    }

    private Pending settleOutbox(Outbox b, UUID keyId) {
        Pending p = b.keys.remove(keyId);
        if (p != null) {
            vault.removeOutbox(keyId); // committed with the next change; sent again after a crash, harmlessly
        }
        return p;
    }

    /** For tests and diagnostics: keys delivered here that the peer has not recorded yet. */
    public synchronized int unrecordedKeys(String peerNodeId) {
        Outbox b = outboxes.get(peerNodeId);
        return b == null ? 0 : b.keys.size();
    }

    /**
     * {@code POST /peer/v1/assign} from {@code callerNodeId}, the owner: records reservations of
     * keys it has already delivered. Idempotent (a key recorded or delivered before is reported
     * recorded). Unlike a reservation, each key stands alone: one whose stored keys are not here is
     * reported missing, the others are recorded.
     */
    public AssignResult assign(String callerNodeId, AssignRequest req) throws PeerException {
        long[] change = {0};
        AssignResult r = assignLocked(callerNodeId, req.reservations(), change);
        if (change[0] > 0) {
            synchronized (recorded) {
                recorded.notifyAll(); // dec_keys waiting for these records (their own commit covers this one)
            }
            durable(change[0]); // recorded durably before the owner forgets them
        }
        return r;
    }

    private synchronized AssignResult assignLocked(String callerNodeId, List<ReserveRequest> reservations,
            long[] change) throws PeerException {
        int n = reservations.stream().mapToInt(r -> r.keys().size()).sum();
        if (n > ASSIGN_BATCH) {
            throw new PeerException("at most " + ASSIGN_BATCH + " keys per assignment, got " + n, true);
        }
        Map<String, String> saes = directory.saes();
        List<UUID> recorded = new ArrayList<>();
        List<UUID> missing = new ArrayList<>();
        List<UUID> refused = new ArrayList<>();
        long now = clock.millis();
        boolean changedHere = false;
        for (ReserveRequest req : reservations) {
            String problem = reservationProblem(callerNodeId, req, saes);
            if (problem != null) {
                LOG.warn("node {} link {}: assignment of {} keys from {} refused: {}", nodeId, req.linkId(),
                        req.keys().size(), callerNodeId, problem);
                req.keys().forEach(k -> refused.add(k.keyId()));
                continue;
            }
            Link link = links.get(req.linkId());
            for (ReservedKey k : req.keys()) {
                if (replaced.containsKey(k.keyId())) {
                    // voided before its assignment arrived (key replacement): its stored keys go, no record
                    for (UUID part : k.parts()) {
                        if (link != null && link.peer.remove(part) != null) {
                            vault.removePart(part);
                            changedHere = true;
                        }
                    }
                    recorded.add(k.keyId());
                    continue;
                }
                Pending existing = pending.get(k.keyId());
                if (existing != null || vault.wasDelivered(k.keyId())) {
                    (existing == null || existing.parts().equals(k.parts()) ? recorded : refused).add(k.keyId());
                } else if (!validKey(k) || !k.parts().stream().allMatch(new HashSet<>()::add)) {
                    refused.add(k.keyId());
                } else if (link == null || !k.parts().stream().allMatch(link.peer::containsKey)) {
                    missing.add(k.keyId());
                } else {
                    record(req, k, now);
                    recorded.add(k.keyId());
                    changedHere = true;
                }
            }
        }
        if (changedHere) {
            change[0] = changed();
        }
        if (!missing.isEmpty()) {
            LOG.warn("node {}: {} keys {} delivered lacks stored keys for here; its slave SAEs cannot get them",
                    nodeId, missing.size(), callerNodeId);
        }
        return new AssignResult(recorded, missing, refused);
    }

    /**
     * {@code POST /peer/v1/claim} from {@code callerNodeId}: a slave SAE there asked for keys it
     * has not heard of; answers the reservations this node delivered under and not yet recorded there.
     */
    public synchronized ClaimResult claim(String callerNodeId, ClaimRequest req) throws PeerException {
        if (req.keyIds().size() > ASSIGN_BATCH) {
            throw new PeerException("at most " + ASSIGN_BATCH + " key IDs per claim, got " + req.keyIds().size(),
                    true);
        }
        Outbox b = outboxes.get(callerNodeId);
        if (b == null) {
            return new ClaimResult(List.of());
        }
        List<Pending> found = new ArrayList<>();
        for (UUID id : req.keyIds()) {
            Pending p = b.keys.get(id);
            if (p != null) {
                found.add(p);
            }
        }
        return new ClaimResult(reservations(found));
    }

    /**
     * dec_keys met key IDs unknown here whose master SAE is served by {@code masterNode}: asks
     * that node for reservations it delivered under but has not recorded here yet (its assignment
     * may still be on the way) and records them. A failure leaves the keys unknown.
     */
    private void claimUnknown(String masterNode, List<UUID> keyIds) {
        List<UUID> unknown = unknown(keyIds);
        PeerTransport t = transport;
        if (unknown.isEmpty() || t == null || masterNode.equals(nodeId) || unknown.size() > ASSIGN_BATCH
                || !adjacent(masterNode)) { // a relayed key is stored before its master gets it: nothing to claim
            return;
        }
        unknown = awaitRecords(unknown, settings.recordWaitMillis());
        if (unknown.isEmpty()) {
            return;
        }
        try {
            ClaimResult r = t.claim(masterNode, new ClaimRequest(unknown), settings.peerTimeoutMillis());
            if (!r.reservations().isEmpty()) {
                assign(masterNode, new AssignRequest(r.reservations()));
            }
        } catch (PeerException e) {
            LOG.info("node {}: could not ask peer {} about keys {}: {}", nodeId, masterNode, unknown, e.getMessage());
        }
    }

    private List<UUID> unknown(List<UUID> keyIds) {
        return keyIds.stream().filter(id -> id != null && !pending.containsKey(id)).toList();
    }

    /**
     * Waits up to {@code millis} for assignments to record {@code keyIds}: the owner sends them
     * right after delivering, so they usually arrive within a millisecond or two of the slave's
     * request, and waiting costs no CPU while asking costs a round trip on both nodes.
     * @return the IDs still unknown
     */
    private List<UUID> awaitRecords(List<UUID> keyIds, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<UUID> unknown = keyIds;
        synchronized (recorded) {
            while (true) {
                unknown = unknown(unknown); // under the lock the assigner signals with: no missed signal
                long left = deadline - System.nanoTime();
                if (unknown.isEmpty() || left <= 0) {
                    return unknown;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(recorded, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return unknown;
                }
            }
        }
    }

    /** Signalled after an assignment has recorded keys (see {@link #awaitRecords}). */
    private final Object recorded = new Object();

    // ------------------------------------------------------------------ peer side

    /**
     * {@code POST /peer/v1/reserve} from {@code callerNodeId}: all parts must lie in this
     * node's copy of the caller's half of the link. The owner is authoritative: a part
     * already reserved but undelivered moves to the new reservation (the owner crashed
     * between reserving and committing).
     */
    public ReserveResult reserve(String callerNodeId, ReserveRequest req) throws PeerException {
        long[] change = {0};
        ReserveResult r = reserveLocked(callerNodeId, req, change);
        if (change[0] > 0) {
            durable(change[0]); // recorded durably before the owner hears of it
            LOG.debug("node {} link {}: reserved {} keys for SAE pair {} -> {} at the request of {}", nodeId,
                    req.linkId(), r.accepted().size(), req.masterSaeId(), req.slaveSaeIds(), callerNodeId);
        }
        return r;
    }

    private synchronized ReserveResult reserveLocked(String callerNodeId, ReserveRequest req, long[] change)
            throws PeerException {
        String problem = reservationProblem(callerNodeId, req, directory.saes());
        if (problem != null) {
            throw new PeerException(problem, true);
        }
        Link link = links.get(req.linkId());
        List<UUID> missing = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (ReservedKey k : req.keys()) {
            if (!validKey(k) || pending.containsKey(k.keyId())) {
                throw new PeerException("bad key " + k.keyId() + " in the reservation", true);
            }
            for (UUID p : k.parts()) {
                if (!seen.add(p)) {
                    throw new PeerException("stored key " + p + " listed twice", true);
                }
                if (link == null || !link.peer.containsKey(p)) {
                    missing.add(p);
                }
            }
        }
        if (!missing.isEmpty()) {
            LOG.info("node {} link {}: reservation from {} refused, {} stored keys not held here", nodeId,
                    req.linkId(), callerNodeId, missing.size());
            return new ReserveResult(List.of(), missing, watermarkOf(link));
        }
        long now = clock.millis();
        List<UUID> accepted = new ArrayList<>();
        for (ReservedKey k : req.keys()) {
            record(req, k, now);
            accepted.add(k.keyId());
        }
        change[0] = changed();
        return new ReserveResult(accepted, List.of(), watermarkOf(link));
    }

    /** Why this node cannot hold keys of {@code req} for {@code callerNodeId}, or null if it can. */
    private String reservationProblem(String callerNodeId, ReserveRequest req, Map<String, String> saes) {
        if (!callerNodeId.equals(saes.get(req.masterSaeId()))) {
            return "master SAE " + req.masterSaeId() + " is not served by node " + callerNodeId
                    + " according to node " + nodeId;
        }
        if (req.slaveSaeIds().isEmpty()) {
            return "no slave SAE in the reservation";
        }
        for (String s : req.slaveSaeIds()) {
            if (!nodeId.equals(saes.get(s))) {
                return "slave SAE " + s + " is not served by node " + nodeId;
            }
        }
        Link link = links.get(req.linkId());
        if (link != null && !link.peerNodeId.equals(callerNodeId)) {
            return "link " + req.linkId() + " does not join " + nodeId + " and " + callerNodeId;
        }
        return null;
    }

    private boolean validKey(ReservedKey k) {
        return k.bits() > 0 && k.bits() % 8 == 0 && k.bits() <= k.parts().size() * storedKeyBits;
    }

    /**
     * Records a key the owner reserved (or delivered) here for its slave SAEs. The owner is
     * authoritative: a stored key already reserved under another, undelivered key moves to this
     * one (the owner crashed between reserving and committing).
     */
    private void record(ReserveRequest req, ReservedKey k, long now) {
        for (UUID p : k.parts()) {
            UUID old = reservedParts.get(p);
            if (old != null) {
                cancelReservation(old);
                LOG.info("node {} link {}: reservation {} replaced by the owner", nodeId, req.linkId(), old);
            }
        }
        Pending pd = new Pending(k.keyId(), req.linkId(), req.masterSaeId(), List.copyOf(req.slaveSaeIds()),
                List.copyOf(req.slaveSaeIds()), k.bits(), now, List.copyOf(k.parts()));
        vault.putPending(pd);
        pending.put(k.keyId(), pd);
        k.parts().forEach(p -> reservedParts.put(p, k.keyId()));
    }

    /** This node's ingestion watermark of a link as the peer channel carries it (null: none). */
    private static Long watermarkOf(Link link) {
        return link == null || link.watermark == NONE ? null : link.watermark;
    }

    private void cancelReservation(UUID keyId) {
        Pending old = pending.remove(keyId);
        if (old != null) {
            old.parts().forEach(reservedParts::remove);
            vault.removePending(keyId);
        }
    }

    // ------------------------------------------------------------------ inventory reconciliation

    /**
     * Outcome of one inventory sync of a link (for logs, diagnostics and tests).
     *
     * @param offered   stored key IDs of this node's half sent to the peer
     * @param lacked    of those still in the pool here, how many the peer said it does not hold
     * @param destroyed of those, how many were still in the pool here and were destroyed
     * @param orphans   stored keys of this node's half the peer dropped because this node no longer holds them
     * @param error     why the sync stopped early, or null when it went through
     */
    public record SyncResult(String linkId, String peerNodeId, int offered, int lacked, int destroyed, int orphans,
            String error) {
        public boolean complete() {
            return error == null;
        }
    }

    /**
     * Syncs every link of this node with its peer, each within {@code peerTimeoutMillis}:
     * incrementally (only the stored keys the peer has not confirmed), or in full when the
     * link's channel just came up or {@code peerFullSyncSeconds} passed since the last full one.
     */
    public List<SyncResult> syncAll() {
        List<Link> all;
        synchronized (this) {
            all = new ArrayList<>(links.values());
        }
        long fullNanos = TimeUnit.SECONDS.toNanos(settings.peerFullSyncSeconds());
        List<SyncResult> out = new ArrayList<>(all.size());
        for (Link link : all) {
            long now = System.nanoTime();
            boolean full = link.fullSyncDue || (fullNanos > 0 && now - link.lastFullSyncDoneNanos >= fullNanos);
            SyncResult r = syncLink(link, now + TimeUnit.MILLISECONDS.toNanos(settings.peerTimeoutMillis()), now,
                    full);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Syncs one link now in full (after a sync already running); null if the link is unknown. */
    public SyncResult sync(String linkId) {
        return sync(linkId, true);
    }

    /** Syncs one link now, in full or incrementally; null if the link is unknown. */
    public SyncResult sync(String linkId, boolean full) {
        Link link;
        synchronized (this) {
            link = links.get(linkId);
        }
        if (link == null) {
            return null;
        }
        long now = System.nanoTime();
        return syncLink(link, now + TimeUnit.MILLISECONDS.toNanos(settings.peerTimeoutMillis()), now, full);
    }

    /**
     * Runs an inventory sync of {@code link} unless one (a full one, if {@code full}) started
     * after {@code neededSince} (its result is then good enough): concurrent requests that met
     * missing stored keys share one sync. Returns null if the lock was not obtained before the
     * deadline or a newer sync made this one needless. The core's monitor is never held across
     * a peer call: only while taking the snapshot and applying each chunk's answer.
     */
    private SyncResult syncLink(Link link, long deadlineNanos, long neededSince, boolean full) {
        try {
            if (!link.syncLock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        try {
            if ((full ? link.lastFullSyncStartNanos : link.lastSyncStartNanos) - neededSince > 0) {
                return null;
            }
            long started = System.nanoTime();
            link.lastSyncStartNanos = started;
            if (full) {
                link.lastFullSyncStartNanos = started;
            }
            SyncResult r = syncLocked(link, deadlineNanos, full);
            if (full && r.complete()) {
                link.lastFullSyncDoneNanos = started;
                link.fullSyncDue = false;
            }
            return r;
        } finally {
            link.syncLock.unlock();
        }
    }

    /**
     * Canonical lower-case UUID strings compare like the two halves as unsigned numbers
     * (fixed width, dashes at fixed places, '0'-'9' before 'a'-'f'): ranges without strings.
     */
    static int compareCanonical(UUID a, UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    /**
     * {@code POST /peer/v1/inventory} in chunks. Full: every stored key held here, sorted, each
     * chunk covering an ID range, so the peer also drops the stored keys of this half it holds
     * but this node no longer does. Incremental: only stored keys the peer has not confirmed
     * (new since the last sync, or not there yet then). Either way the peer answers which it
     * lacks; the lost ones are destroyed here (they can never be reserved there), the others are
     * marked confirmed.
     */
    private SyncResult syncLocked(Link link, long deadlineNanos, boolean full) {
        PeerTransport t = transport;
        if (t == null) {
            return new SyncResult(link.linkId, link.peerNodeId, 0, 0, 0, 0, "no peer channel");
        }
        Long watermark;
        List<Part> parts = new ArrayList<>();
        List<UUID> inFlight;
        synchronized (this) {
            // snapshot only (O(pool), no hashing or sorting under the monitor): everything held here, young or
            // not; the peer keeps what is listed, and a key it lacks is only destroyed here if its block is well
            // older than the peer's watermark
            watermark = watermarkOf(link);
            for (Part p : link.own) {
                if (full || !p.confirmed) {
                    parts.add(p);
                }
            }
            for (Part p : link.deferred) {
                if (full || !p.confirmed) {
                    parts.add(p);
                }
            }
            // in flight: still held here, the peer must keep them (an incremental sync leaves them to the
            // reservation answer)
            inFlight = full ? new ArrayList<>(link.inFlight) : List.of();
            if (full) {
                // delivered here but not recorded there yet: the peer must keep them for the assignment
                Outbox box = outboxes.get(link.peerNodeId);
                if (box != null) {
                    box.keys.values().stream().filter(p -> p.linkId().equals(link.linkId))
                            .forEach(p -> inFlight.addAll(p.parts()));
                }
            }
        }
        Map<UUID, Part> byId = new HashMap<>(parts.size() * 2);
        List<UUID> ids = new ArrayList<>(parts.size() + inFlight.size());
        for (Part p : parts) {
            byId.put(p.id(), p);
            ids.add(p.id());
        }
        ids.addAll(inFlight);
        if (full) {
            ids.sort(KmmCore::compareCanonical); // the peer compares ranges the same way
        }
        int lacked = 0;
        int destroyed = 0;
        int orphans = 0;
        String error = null;
        String after = null;
        int i = 0;
        do {
            int end = Math.min(ids.size(), i + INVENTORY_SEND_CHUNK);
            List<UUID> chunk = ids.subList(i, end);
            String upTo = !full || end == ids.size() ? null : ids.get(end - 1).toString();
            long remaining = remainingMillis(deadlineNanos);
            if (remaining <= 0) {
                error = "deadline passed after " + i + " of " + ids.size() + " stored key IDs";
                break;
            }
            InventoryResult r;
            try {
                r = t.inventory(link.peerNodeId, new InventoryRequest(link.linkId, watermark, full ? after : null,
                        upTo, List.copyOf(chunk), full), remaining);
            } catch (PeerException e) {
                error = e.getMessage();
                break;
            }
            Set<UUID> missing = r.missing() == null ? Set.of() : new HashSet<>(r.missing());
            int[] applied = applyInventory(link, chunk, byId, missing, r.watermarkMillis());
            if (!full && r.heldOfCallersHalf() != null) {
                orphansSuspected(link, r.heldOfCallersHalf());
            }
            lacked += applied[0];
            destroyed += applied[1];
            orphans += Math.max(0, r.orphansDropped());
            after = upTo;
            i = end;
        } while (i < ids.size());
        SyncResult result = new SyncResult(link.linkId, link.peerNodeId, ids.size(), lacked, destroyed, orphans, error);
        logSync(link, result);
        return result;
    }

    private synchronized void orphansSuspected(Link link, long peerHolds) {
        Outbox b = outboxes.get(link.peerNodeId);
        long unrecorded = b == null ? 0 : b.keys.values().stream().mapToLong(p -> p.parts().size()).sum();
        long excess = peerHolds - link.ownHeldAll() - unrecorded;
        if (excess > orphanSlack && !link.fullSyncDue) {
            link.fullSyncDue = true;
            LOG.info("node {} link {}: peer {} holds {} stored keys of this node's half, {} more than this node: "
                    + "the next sync lists all so it drops them", nodeId, link.linkId, link.peerNodeId, peerHolds,
                    excess);
        }
    }

    private void logSync(Link link, SyncResult r) {
        long total;
        boolean wasFailing;
        synchronized (this) {
            total = link.discardedUnmatched;
            wasFailing = link.syncFailing;
            link.syncFailing = !r.complete();
        }
        if (!r.complete()) {
            // once per outage: a peer that is down would otherwise log every few seconds
            if (!wasFailing) {
                LOG.warn("node {} link {}: inventory sync with {} failed: {}", nodeId, link.linkId, link.peerNodeId,
                        r.error());
            }
            if (r.lacked() == 0) {
                return;
            }
        }
        String line = "node {} link {}: inventory sync with {}{}: offered {} stored keys, peer lacked {}, "
                + "destroyed {} here (discardedUnmatched {}), peer dropped {} it held that this node no longer has";
        Object[] args = {nodeId, link.linkId, link.peerNodeId, r.complete() ? "" : " (partial)", r.offered(),
            r.lacked(), r.destroyed(), total, r.orphans()};
        if (r.lacked() > 0 || r.orphans() > 0 || wasFailing) {
            LOG.info(line, args);
        } else {
            LOG.debug(line, args);
        }
    }

    /**
     * One chunk's answer, under the monitor (work bounded by the chunk): the listed stored keys
     * the peer holds are confirmed; of those it lacks, the lost ones (block created more than
     * the margin before the peer's watermark) are destroyed if still held here and not in
     * flight, the others have not reached the peer yet and are kept. Returns {lacked, destroyed}.
     */
    private synchronized int[] applyInventory(Link link, List<UUID> chunk, Map<UUID, Part> byId, Set<UUID> missing,
            Long peerWatermark) {
        link.peerReported(peerWatermark);
        long lostBefore = minus(link.peerWatermark, settings.lostKeyMarginMillis());
        int lacked = 0;
        Set<UUID> lost = new HashSet<>();
        for (UUID id : chunk) {
            Part p = byId.get(id); // null: in flight or delivered (outbox): their reservation or record settles them
            if (p == null) {
                continue;
            }
            if (!missing.contains(id)) {
                p.confirmed = true;
                continue;
            }
            lacked++;
            if (p.created() <= lostBefore) {
                lost.add(id);
            }
        }
        if (lost.isEmpty()) {
            return new int[] {lacked, 0};
        }
        // rare (the peer really lost stored keys): one pass over the pool; only IDs and times are in memory,
        // removing the sealed record destroys the key
        List<UUID> removed = new ArrayList<>();
        java.util.function.Predicate<Part> gone = p -> lost.contains(p.id()) && removed.add(p.id());
        link.own.removeIf(gone);
        link.deferred.removeIf(gone);
        int n = removed.size();
        if (n > 0) {
            removed.forEach(vault::removePart);
            vault.commit();
            link.discardedUnmatched += n;
            checkLevel(link);
        }
        return new int[] {lacked, n};
    }

    /**
     * {@code POST /peer/v1/inventory} from {@code callerNodeId}, the owner of the half: which
     * of the listed stored keys this node does not hold (hash lookups in the pool index). In a
     * full listing, stored keys of the caller's half in the chunk's ID range that the caller no
     * longer holds are destroyed here, unless reserved or too young to be sure (block created
     * after the caller's watermark minus the margin).
     */
    public InventoryResult inventory(String callerNodeId, InventoryRequest req) throws PeerException {
        if (req.ids().size() > INVENTORY_CHUNK) {
            throw new PeerException("at most " + INVENTORY_CHUNK + " stored key IDs per inventory request, got "
                    + req.ids().size(), true);
        }
        UUID after;
        UUID upTo;
        try {
            after = req.after() == null ? null : UUID.fromString(req.after());
            upTo = req.upTo() == null ? null : UUID.fromString(req.upTo());
        } catch (IllegalArgumentException e) {
            throw new PeerException("bad ID range in the inventory request", true);
        }
        Set<UUID> listed = new HashSet<>(req.ids()); // outside the monitor
        synchronized (this) {
            Link link = links.get(req.linkId());
            if (link == null) {
                return new InventoryResult(List.copyOf(listed), 0, null); // no copy of that link here at all
            }
            if (!link.peerNodeId.equals(callerNodeId)) {
                throw new PeerException("link " + req.linkId() + " does not join " + nodeId + " and " + callerNodeId,
                        true);
            }
            List<UUID> missing = new ArrayList<>();
            for (UUID id : listed) {
                if (!link.peer.containsKey(id)) {
                    missing.add(id);
                }
            }
            if (!req.full()) {
                return new InventoryResult(missing, 0, watermarkOf(link), (long) link.peer.size());
            }
            // an unlisted key of a block the owner ingested well before listing: it used or lost it
            long limit = minus(req.watermarkMillis() == null ? NONE : req.watermarkMillis(),
                    settings.lostKeyMarginMillis());
            List<UUID> drop = new ArrayList<>();
            for (Part p : link.peer.values()) {
                UUID id = p.id();
                if (p.created() > limit || (after != null && compareCanonical(id, after) <= 0)
                        || (upTo != null && compareCanonical(id, upTo) > 0) || listed.contains(id)
                        || reservedParts.containsKey(id)) {
                    continue;
                }
                drop.add(id);
            }
            for (UUID id : drop) {
                link.peer.remove(id);
                vault.removePart(id);
            }
            int dropped = drop.size();
            if (dropped > 0) {
                vault.commit();
                link.discardedUnmatched += dropped;
                LOG.info("node {} link {}: inventory from {}: destroyed {} stored keys of its half it no longer holds",
                        nodeId, link.linkId, callerNodeId, dropped);
            }
            return new InventoryResult(missing, dropped, watermarkOf(link), (long) link.peer.size());
        }
    }

    // ------------------------------------------------------------------ dec_keys

    @Override
    public List<Key> keysById(String slaveSaeId, String masterSaeId, List<UUID> keyIds) throws KeyManagerException {
        Map<String, String> saes = directory.saes();
        requireLocal(saes, slaveSaeId, "slave");
        requireKnown(saes, masterSaeId);
        if (keyIds == null || keyIds.isEmpty()) {
            throw new KeyManagerException(BAD_REQUEST, "no key ID given");
        }
        if (new HashSet<>(keyIds).size() != keyIds.size()) {
            throw new KeyManagerException(BAD_REQUEST, "a key ID is listed twice");
        }
        claimUnknown(saes.get(masterSaeId), keyIds);
        List<Key> out;
        long change;
        synchronized (this) {
            List<Pending> found = new ArrayList<>(keyIds.size());
            for (UUID id : keyIds) {
                String voided = id == null ? null : replaced.get(id);
                if (voided != null) {
                    LOG.info("node {}: dec_keys by {} for master {}: key {} was voided ({})", nodeId, slaveSaeId,
                            masterSaeId, id, voided);
                    throw new KeyManagerException(KEYS_NOT_FOUND, "key " + id + " was voided (" + voided
                            + ") and is never served again" + (voided.startsWith(RELAY_VOID)
                                    ? "; the master SAE was told (a replacement key under a new ID, or a failed relay)"
                                    : "; the master SAE has a replacement key under a new ID"));
                }
                Pending p = id == null ? null : pending.get(id);
                if (p == null || (p.slaveSaeIds().contains(slaveSaeId) && !p.remainingSlaves().contains(slaveSaeId)
                        && p.masterSaeId().equals(masterSaeId))) {
                    LOG.info("node {}: dec_keys by {} for master {}: key {} not found", nodeId, slaveSaeId,
                            masterSaeId, id);
                    throw new KeyManagerException(KEYS_NOT_FOUND, KeyManagerException.KEYS_NOT_FOUND);
                }
                if (!p.masterSaeId().equals(masterSaeId) || !p.remainingSlaves().contains(slaveSaeId)) {
                    LOG.warn("node {}: SAE {} asked for key {} that master {} requested for {}", nodeId, slaveSaeId,
                            id, p.masterSaeId(), p.slaveSaeIds());
                    throw new KeyManagerException(UNAUTHORIZED, "key " + id + " was not requested for SAE pair "
                            + masterSaeId + " -> " + slaveSaeId);
                }
                found.add(p);
            }
            out = new ArrayList<>(found.size());
            try {
                for (Pending p : found) {
                    byte[] bytes = p.parts().isEmpty() ? vault.openLocal(p.keyId()) : assemble(p.parts(), p.bits());
                    if (bytes == null) {
                        throw new IllegalStateException("local key " + p.keyId() + " vanished from the store");
                    }
                    out.add(new Key(p.keyId(), bytes));
                }
            } catch (RuntimeException e) {
                out.forEach(Key::destroy);
                throw e;
            }
            for (Pending p : found) {
                List<String> remaining = new ArrayList<>(p.remainingSlaves());
                remaining.remove(slaveSaeId);
                if (remaining.isEmpty()) {
                    destroyPending(p);
                    if (!p.parts().isEmpty()) {
                        rememberDelivered(p.keyId());
                    }
                    Link link = p.parts().isEmpty() ? null : links.get(p.linkId());
                    if (link != null) {
                        link.delivered++;
                    } else {
                        localDelivered++;
                    }
                } else {
                    Pending next = new Pending(p.keyId(), p.linkId(), p.masterSaeId(), p.slaveSaeIds(),
                            List.copyOf(remaining), p.bits(), p.createdAt(), p.parts());
                    pending.put(p.keyId(), next);
                    if (p.parts().isEmpty()) {
                        vault.updateLocal(next);
                    } else {
                        vault.putPending(next);
                    }
                }
            }
            change = changed();
        }
        try {
            durable(change); // deleted durably before the slave gets them: never twice, even after a crash
        } catch (RuntimeException e) {
            out.forEach(Key::destroy);
            throw e;
        }
        LOG.debug("node {}: {} keys delivered to slave SAE {} (master {})", nodeId, out.size(), slaveSaeId,
                masterSaeId);
        return out;
    }

    /** Removes a waiting key and the stored keys it is made of (no commit). */
    private void destroyPending(Pending p) {
        pending.remove(p.keyId());
        if (p.parts().isEmpty()) {
            vault.removeLocal(p.keyId());
            localWaiting--;
            return;
        }
        vault.removePending(p.keyId());
        Link link = links.get(p.linkId());
        for (UUID part : p.parts()) {
            reservedParts.remove(part);
            vault.removePart(part);
            if (link != null) {
                link.peer.remove(part);
            }
        }
    }

    // ------------------------------------------------------------------ lifetime

    /**
     * Forces committed changes to the disk. Commits alone survive a killed process (the
     * operating system holds the writes); this bounds what a power failure can lose to the time
     * since the last call. Also the vault's checkpoint (see {@link Journal}). Run every second;
     * never under the monitor (an fsync can take a while).
     */
    public void sync() {
        long started = System.nanoTime();
        synchronized (this) {
            vault.checkpoint(); // under the monitor: it commits a state between two mutations
        }
        long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (heldMillis >= SLOW_CHECKPOINT_MILLIS) {
            LOG.info("node {}: key store checkpoint held requests for {} ms", nodeId, heldMillis);
        }
        vault.sync();
    }

    private static final long SLOW_CHECKPOINT_MILLIS = 50;

    /** Destroys stored and waiting keys older than the key lifetime. */
    public synchronized int sweep() {
        long lifetime = settings.keyLifetimeSeconds();
        if (saveKeyReplacementRecords()) {
            vault.commit();
        }
        if (lifetime <= 0) {
            return 0;
        }
        long limit = clock.millis() - lifetime * 1000;
        int n = 0;
        for (Link link : links.values()) {
            int before = n;
            while (!link.own.isEmpty() && link.own.peekFirst().storedAt() <= limit) {
                vault.removePart(link.own.pollFirst().id());
                n++;
            }
            for (Iterator<Part> it = link.deferred.iterator(); it.hasNext();) {
                Part p = it.next();
                if (p.storedAt() <= limit) {
                    it.remove();
                    vault.removePart(p.id());
                    n++;
                }
            }
            for (Iterator<Part> it = link.peer.values().iterator(); it.hasNext();) {
                Part p = it.next();
                if (p.storedAt() > limit) {
                    break;
                }
                if (!vault.hasPart(p.id())) {
                    it.remove(); // already destroyed with its reservation below
                    continue;
                }
                UUID res = reservedParts.get(p.id());
                if (res != null) {
                    Pending pd = pending.get(res);
                    cancelReservation(res);
                    // the other parts of that key go with it: the key is no longer whole
                    for (UUID other : pd.parts()) {
                        if (!other.equals(p.id()) && link.peer.containsKey(other)) {
                            vault.removePart(other);
                            n++;
                        }
                    }
                }
                it.remove();
                vault.removePart(p.id());
                n++;
            }
            if (n > before) {
                // parts removed by a cancelled reservation may still sit in the map
                link.peer.keySet().removeIf(id -> !vault.hasPart(id));
                link.expired += n - before;
                checkLevel(link);
                LOG.info("node {} link {}: {} stored keys expired and destroyed", nodeId, link.linkId, n - before);
            }
        }
        int local = 0;
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            if (p.parts().isEmpty() && p.createdAt() <= limit) {
                it.remove();
                vault.removeLocal(p.keyId());
                localWaiting--;
                local++;
            }
        }
        if (local > 0) {
            localExpired += local;
            LOG.info("node {}: {} undelivered local keys expired and destroyed", nodeId, local);
        }
        if (n + local > 0) {
            vault.commit();
        }
        return n + local;
    }

    // ------------------------------------------------------------------ key relay (ETSI GS QKD 020 style)

    /** Path of the acknowledgement resource on the sender of a hop (its {@code ack_callback_url}). */
    public static final String EXT_ACK_PATH = "/kmapi/v1/ext_keys/ack";
    /** ETSI GS QKD 020 {@code ack_status} values. */
    public static final String RELAYED = "relayed";
    public static final String VOIDED = "voided";
    public static final String FAILED = "failed";
    public static final String KEY_NOT_PRESENT = "key not present";
    private static final Set<String> ACK_STATUSES = Set.of(RELAYED, VOIDED, FAILED, KEY_NOT_PRESENT);
    /** Relay records (no key bytes) and voided key IDs remembered for late messages. */
    private static final int RELAY_MEMORY = 10_000;

    /** Relay counters of one physical link (guarded by the core's monitor). */
    private static final class RelayCounter {
        long sent;
        long received;
        long bits;
        long voided;
    }

    /** A hop sent by this node, waiting for the next node's acknowledgement. */
    private static final class HopWait {
        final String next;
        final List<UUID> keyIds;
        final java.util.concurrent.CompletableFuture<ExtAck> ack = new java.util.concurrent.CompletableFuture<>();
        /** The ext_keys call was made (the next node may hold the keys, so a failure voids). */
        volatile boolean sent;
        /** The physical link the keys crossed to the next node. */
        volatile String linkId;

        HopWait(String next, List<UUID> keyIds) {
            this.next = next;
            this.keyIds = keyIds;
        }

        /** The acknowledgement, or null when none came before the deadline. */
        ExtAck await(long deadlineNanos) {
            try {
                return ack.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Keys relayed through this node (a middle node): where they came from and went. No key bytes. */
    private record Transit(String prev, String next, String inLink, String outLink, String virtualLink,
            String targetNode) {
    }

    private final Map<String, VirtualLink> virtualLinks = new LinkedHashMap<>();
    private final Map<String, RelayCounter> relayCounters = new HashMap<>();
    private final Map<UUID, HopWait> hopWaits = new ConcurrentHashMap<>();
    private final Map<UUID, Transit> transits = bounded();
    private final Map<UUID, Boolean> voidedKeys = bounded();
    private volatile Set<String> peerNodes = Set.of();
    private volatile String relayCallbackUrl;

    /** A list from JSON may hold nulls; an immutable one may not even be asked. */
    private static boolean hasNull(List<?> list) {
        return list.stream().anyMatch(java.util.Objects::isNull);
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > RELAY_MEMORY;
            }
        };
    }

    /** The configured peer nodes (a virtual link's hops must be among them, or joined by a QKD link). */
    public void setPeerNodes(Set<String> peers) {
        this.peerNodes = Set.copyOf(peers);
    }

    /** This node's {@code ack_callback_url}: the peer endpoint's address and {@link #EXT_ACK_PATH}. */
    public void setRelayCallbackUrl(String url) {
        this.relayCallbackUrl = url;
    }

    private synchronized boolean isPeer(String node) {
        if (node.equals(nodeId)) {
            return false;
        }
        return peerNodes.contains(node) || linkTo(node) != null;
    }

    /** Under the monitor: the QKD link to a neighbour with most own stored keys, or null. */
    private Link linkTo(String node) {
        Link best = null;
        for (Link l : links.values()) {
            if (l.peerNodeId.equals(node) && (best == null || l.own.size() > best.own.size())) {
                best = l;
            }
        }
        return best;
    }

    @Override
    public synchronized void putVirtualLink(VirtualLink v) throws KeyManagerException {
        boolean first = nodeId.equals(v.firstEnd());
        boolean last = nodeId.equals(v.lastEnd());
        String place = first ? "its first end" : last ? "its last end" : "a middle node";
        boolean fits = first ? v.prevHop() == null && v.nextHop() != null
                : last ? v.nextHop() == null && v.prevHop() != null
                : v.prevHop() != null && v.nextHop() != null;
        if (!fits) {
            throw new KeyManagerException(BAD_REQUEST, "virtual link " + v.linkId() + " does not fit node " + nodeId
                    + ", " + place + ": previous hop " + v.prevHop() + ", next hop " + v.nextHop()
                    + " (an end has one hop, a middle node two)");
        }
        for (String hop : new String[] {v.prevHop(), v.nextHop()}) {
            if (hop != null && !isPeer(hop)) {
                throw new KeyManagerException(BAD_REQUEST, "hop " + hop + " of virtual link " + v.linkId()
                        + " is not a peer of node " + nodeId);
            }
        }
        VirtualLink old = virtualLinks.remove(v.linkId());
        virtualLinks.put(v.linkId(), v); // last put wins when several join the same ends
        retire(old);
        LOG.info("node {}: virtual link {} {} ({} ... {}, previous hop {}, next hop {})", nodeId, v.linkId(),
                old == null ? "added" : "replaced", v.firstEnd(), v.lastEnd(), v.prevHop(), v.nextHop());
    }

    @Override
    public synchronized boolean removeVirtualLink(String linkId) {
        VirtualLink old = virtualLinks.remove(linkId);
        retire(old);
        boolean removed = old != null;
        if (removed) {
            LOG.info("node {}: virtual link {} removed", nodeId, linkId);
        }
        return removed;
    }

    /** A replaced or removed version of a virtual link and until when hops already on it may still use it. */
    private record Retired(VirtualLink link, long untilNanos) {
    }

    /** Replaced or removed virtual links (guarded by this): relays under way on them finish (make before break). */
    private final List<Retired> retired = new ArrayList<>();

    /** Under the monitor: keeps {@code old} usable by relays already under way, for two peer timeouts. */
    private void retire(VirtualLink old) {
        long now = System.nanoTime();
        retired.removeIf(r -> r.untilNanos() - now < 0);
        if (old != null) {
            retired.add(new Retired(old, now + TimeUnit.MILLISECONDS.toNanos(2 * settings.peerTimeoutMillis())));
        }
    }

    /**
     * Under the monitor: the version of virtual link {@code id} a hop from {@code caller} travels on
     * (joining the two ends, {@code caller} its hop towards the initiator): the current one, else
     * one replaced or removed less than two peer timeouts ago (a reroute does not fail relays under
     * way on the old path); null if none.
     */
    private VirtualLink routeFor(String id, String initiatorNode, String targetNode, String caller) {
        VirtualLink v = virtualLinks.get(id);
        if (v != null && v.joins(initiatorNode, targetNode) && caller.equals(v.hopTowards(initiatorNode))) {
            return v;
        }
        long now = System.nanoTime();
        for (int i = retired.size() - 1; i >= 0; i--) {
            Retired r = retired.get(i);
            VirtualLink old = r.link();
            if (r.untilNanos() - now > 0 && old.linkId().equals(id) && old.joins(initiatorNode, targetNode)
                    && caller.equals(old.hopTowards(initiatorNode))) {
                return old;
            }
        }
        return null;
    }

    @Override
    public synchronized List<VirtualLink> virtualLinks() {
        return List.copyOf(virtualLinks.values());
    }

    @Override
    public synchronized List<RelayStats> relayStats() {
        List<RelayStats> out = new ArrayList<>();
        for (Link l : links.values()) {
            RelayCounter c = relayCounters.getOrDefault(l.linkId, new RelayCounter());
            out.add(new RelayStats(l.linkId, l.peerNodeId, c.sent, c.received, c.bits, c.voided));
        }
        return out;
    }

    private RelayCounter counter(String linkId) {
        return relayCounters.computeIfAbsent(linkId, k -> new RelayCounter());
    }

    /** Under the monitor: the virtual link put last that joins this node and {@code node}, or null. */
    private VirtualLink routeTo(String node) {
        VirtualLink found = null;
        for (VirtualLink v : virtualLinks.values()) {
            if (v.joins(nodeId, node)) {
                found = v;
            }
        }
        return found;
    }

    /** Whether {@code node} is a neighbour (a QKD link or a configured peer): keys go directly. */
    private synchronized boolean adjacent(String node) {
        return linkTo(node) != null || peerNodes.contains(node);
    }

    /** Neighbours whose SAEs are served over a detour now (node -> virtual link ID): logs the switches only. */
    private final Map<String, String> detours = new ConcurrentHashMap<>();
    /** Neighbours whose last direct attempt failed only after waiting for their KMM: until when the detour goes first. */
    private final Map<String, Long> directBackoff = new ConcurrentHashMap<>();
    private static final long DIRECT_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * enc_keys for a slave SAE on a neighbour. The direct link's pool first, also while the link is
     * DOWN or aborted for eavesdropping: its stored keys were distilled before the failure and are
     * good (resilience with quantum key pools), and they cost one stored key per key where a relay
     * spends pad and MAC key on every hop of other links. When it cannot serve the request (this
     * node's half too low, the peer KMM unreachable or not holding the stored keys) the whole
     * request is relayed over the virtual link joining the two nodes, if any: the detour the SDN
     * controller pushes when the direct link fails. The slave SAE's node stores relayed keys like
     * direct ones for dec_keys. A direct attempt that failed only after waiting half a peer timeout
     * or more (the peer KMM silent) puts the detour first for one second, so a silent neighbour
     * costs one request's wait per second instead of every request's.
     */
    private List<Key> directOrDetour(String master, List<String> slaves, String slaveNode, int number, int size)
            throws KeyManagerException {
        KeyManagerException direct;
        VirtualLink v;
        Long backoff = directBackoff.get(slaveNode);
        synchronized (this) {
            v = backoff != null && backoff - System.nanoTime() > 0 ? routeTo(slaveNode) : null;
        }
        if (v != null) {
            direct = new KeyManagerException(UNAVAILABLE, "peer KMM " + slaveNode + " did not answer a direct request "
                    + "in time (tried again within a second)");
        } else {
            long started = System.nanoTime();
            try {
                List<Key> keys = remoteKeys(master, slaves, slaveNode, number, size);
                directBackoff.remove(slaveNode);
                String was = detours.remove(slaveNode);
                if (was != null) {
                    LOG.info("node {}: keys for SAE pair {} -> {} at neighbour {} come from the direct link again "
                            + "(not over virtual link {})", nodeId, master, slaves, slaveNode, was);
                }
                return keys;
            } catch (KeyManagerException e) {
                if (e.reason() != UNAVAILABLE) {
                    throw e; // refused by the peer, bad input: a detour would not help
                }
                direct = e;
            }
            long now = System.nanoTime();
            if (now - started >= TimeUnit.MILLISECONDS.toNanos(settings.peerTimeoutMillis()) / 2) {
                directBackoff.put(slaveNode, now + DIRECT_BACKOFF_NANOS);
            }
            synchronized (this) {
                v = routeTo(slaveNode);
            }
        }
        if (v == null) {
            detours.remove(slaveNode);
            // ETSI GS QKD 014: 503, saying why the direct link cannot serve and that no detour is known
            throw new KeyManagerException(UNAVAILABLE, direct.getMessage() + "; no detour: no virtual link joins "
                    + nodeId + " and " + slaveNode);
        }
        if (!v.linkId().equals(detours.put(slaveNode, v.linkId()))) {
            LOG.info("node {}: direct link to neighbour {} cannot serve SAE pair {} -> {} ({}); relaying over virtual "
                    + "link {} via {}", nodeId, slaveNode, master, slaves, direct.getMessage(), v.linkId(),
                    v.hopTowards(slaveNode));
        }
        try {
            return relayOver(v, master, slaves, slaveNode, number, size);
        } catch (KeyManagerException e) {
            throw new KeyManagerException(UNAVAILABLE, direct.getMessage() + "; detour: " + e.getMessage());
        }
    }

    /**
     * enc_keys for a slave SAE on a node that is not a neighbour: draws the keys from the DRBG,
     * sends them hop by hop over the virtual link joining the two nodes and returns them only
     * once the target acknowledged them as stored ({@code relayed}). Anything else voids them
     * along the path: nothing is delivered.
     */
    private List<Key> relayKeys(String master, List<String> slaves, String targetNode, int number, int size)
            throws KeyManagerException {
        VirtualLink v;
        synchronized (this) {
            v = routeTo(targetNode);
        }
        if (v == null) {
            // ETSI GS QKD 020: 400 when no route to the SAE is known
            throw new KeyManagerException(BAD_REQUEST, "no route to SAE " + slaves.get(0) + " at node " + targetNode
                    + ": no virtual link joins " + nodeId + " and " + targetNode);
        }
        return relayOver(v, master, slaves, targetNode, number, size);
    }

    /** Relays one request over virtual link {@code v} (see {@link #relayKeys}). */
    private List<Key> relayOver(VirtualLink v, String master, List<String> slaves, String targetNode, int number,
            int size) throws KeyManagerException {
        String next = v.hopTowards(targetNode);
        long timeout = settings.peerTimeoutMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        String why = null;
        for (int attempt = 1; attempt <= RELAY_ATTEMPTS && remainingMillis(deadline) > 0; attempt++) {
            List<Key> keys = new ArrayList<>(number);
            byte[][] plain = new byte[number][];
            List<UUID> ids = new ArrayList<>(number);
            for (int i = 0; i < number; i++) {
                byte[] k = new byte[size / 8];
                drbg.nextBytes(k);
                UUID id = randomUuid();
                keys.add(new Key(id, k)); // shares the array: zeroised by Key.destroy() on failure
                plain[i] = k;
                ids.add(id);
            }
            ExtKeysRequest template = new ExtKeysRequest(null, master, List.copyOf(slaves), null, v.linkId(), nodeId,
                    targetNode, null, null, size, null);
            HopWait w = new HopWait(next, List.copyOf(ids));
            boolean ok = false;
            boolean retry = false;
            try {
                sendHop(w, template, plain, deadline);
                ExtAck ack = w.await(deadline);
                if (ack != null && RELAYED.equals(ack.ackStatus())) {
                    ok = true;
                    LOG.debug("node {}: {} keys of {} bits for SAE pair {} -> {} relayed over virtual link {} via {}",
                            nodeId, number, size, master, slaves, v.linkId(), next);
                    return keys;
                }
                why = ack == null ? "no acknowledgement from node " + next + " within " + timeout + " ms"
                        : "acknowledged '" + ack.ackStatus() + "'"
                                + (ack.message() == null ? "" : " (" + ack.message() + ")");
                // a hop whose receiver lacked the pad's stored keys: the next attempt pads with others
                retry = ack != null && KEY_NOT_PRESENT.equals(ack.ackStatus());
            } catch (KeyManagerException e) {
                why = e.getMessage();
            } finally {
                hopWaits.remove(ids.get(0), w);
                if (!ok) {
                    keys.forEach(Key::destroy);
                    if (w.sent) {
                        voidAlong(next, w.linkId, new ExtVoid(List.copyOf(ids), v.linkId(), targetNode), true);
                    }
                }
            }
            if (!retry || attempt == RELAY_ATTEMPTS) {
                break;
            }
            LOG.info("node {}: relay attempt {} for SAE pair {} -> {} over virtual link {} failed ({}); trying again",
                    nodeId, attempt, master, slaves, v.linkId(), why);
        }
        if (why == null) {
            why = "no time left within " + timeout + " ms";
        }
        LOG.warn("node {}: relay of {} keys for SAE pair {} -> {} over virtual link {} failed: {}", nodeId, number,
                master, slaves, v.linkId(), why);
        throw new KeyManagerException(UNAVAILABLE, "key relay to SAE " + slaves.get(0) + " at node " + targetNode
                + " over virtual link " + v.linkId() + " failed: " + why + "; nothing delivered, retry later");
    }

    /** Attempts of one relay request when a hop's receiver lacked the pad ({@code key not present}). */
    private static final int RELAY_ATTEMPTS = 3;

    /**
     * Sends one hop: takes the link key from this node's half of the link to {@code w.next}
     * (direction split: only this node hands those stored keys out), destroys it durably, then
     * sends the keys XOR pad with their tag. Registers {@code w} for the acknowledgement.
     */
    private void sendHop(HopWait w, ExtKeysRequest template, byte[][] plain, long deadline)
            throws KeyManagerException {
        String next = w.next;
        int bits = template.keySize();
        int need = RelayCrypto.storedKeysNeeded(plain.length, bits, storedKeyBits);
        PeerTransport t = transport;
        if (t == null) { // before any link key is spent
            throw new KeyManagerException(UNAVAILABLE, "peer KMM " + next + " unreachable: node " + nodeId
                    + " has no peer channel (TLS identity not available yet)");
        }
        Link link;
        List<UUID> padIds = new ArrayList<>(need);
        byte[] pad;
        long change;
        boolean synced = false;
        for (;;) {
            long shortSince = 0;
            pad = null;
            change = 0;
            synchronized (this) {
                link = linkTo(next);
                if (link == null) {
                    throw new KeyManagerException(UNAVAILABLE, "node " + nodeId + " has no QKD link to node " + next
                            + " (next hop of virtual link " + template.virtualLink() + ")");
                }
                releaseDeferred(link);
                long cutoff = clock.millis() - settings.freshKeyGraceMillis();
                padIds.clear();
                // stored keys the next node confirmed holding (inventory sync), oldest first: a pad it lacks
                // is spent for nothing ("key not present")
                int scanned = 0;
                for (Part p : link.own) {
                    scanned++;
                    if (p.confirmed && offerable(link, p, cutoff, true)) {
                        padIds.add(p.id());
                        if (padIds.size() == need) {
                            break;
                        }
                    }
                }
                if (padIds.size() < need && !synced && hasUnconfirmed(link, cutoff)) {
                    shortSince = System.nanoTime();
                } else {
                    if (padIds.size() < need) {
                        // none confirmed yet (no sync since this node started): the oldest ones its watermark passed
                        if (offerablePrefix(link, need, cutoff, true) < need) {
                            throw new KeyManagerException(UNAVAILABLE, "not enough key on link " + link.linkId
                                    + " to relay " + plain.length + " keys of " + bits + " bits to node " + next
                                    + ": one-time pad and MAC need " + need + " stored keys, node " + nodeId + " holds "
                                    + link.ownHeld() + " (" + offerableCount(link, cutoff, true) + " usable now)");
                        }
                        padIds.clear();
                        for (int i = 0; i < need; i++) {
                            padIds.add(link.own.get(i).id());
                        }
                        scanned = need;
                    }
                    // chosen and removed under one monitor section: concurrent hops never share a pad
                    pad = assemble(padIds, need * storedKeyBits);
                    Set<UUID> spent = new HashSet<>(padIds);
                    // the pads lie among the first 'scanned' stored keys: no scan of the whole pool per hop
                    link.own.removeIfInPrefix(scanned, p -> spent.contains(p.id()));
                    padIds.forEach(vault::removePart);
                    RelayCounter c = counter(link.linkId);
                    c.sent += plain.length;
                    c.bits += (long) need * storedKeyBits;
                    checkLevel(link);
                    change = changed();
                }
            }
            if (pad != null) {
                break;
            }
            // confirmations arrive with the periodic sync (peerSyncSeconds): a burst of relays would get 503 on
            // a healthy link. One incremental sync now, shared by concurrent hops (one sync of a link at a time,
            // and one started after this hop found the shortage serves it too), within the request's deadline
            synced = true;
            SyncResult r = syncLink(link, deadline, shortSince, false);
            LOG.debug("node {} link {}: relay hop to {} short of confirmed stored keys, synced: {}", nodeId,
                    link.linkId, next, r == null ? "by a concurrent sync" : r);
        }
        w.linkId = link.linkId;
        try {
            durable(change); // the pad is gone for good before any ciphertext leaves: never used twice
            ExtKeysRequest msg = RelayCrypto.seal(nodeId, next, new ExtKeysRequest(null, template.initiatorSaeId(),
                    template.targetSaeIds(), relayCallbackUrl(), template.virtualLink(), template.initiatorNode(),
                    template.targetNode(), link.linkId, List.copyOf(padIds), bits, null), w.keyIds, plain, pad);
            hopWaits.put(w.keyIds.get(0), w);
            w.sent = true;
            t.extKeys(next, msg, Math.max(1, remainingMillis(deadline)));
        } catch (PeerException e) {
            throw new KeyManagerException(UNAVAILABLE, (e.refused() ? "node " + next + " refused the relay hop: "
                    : "peer KMM " + next + " unreachable: ") + e.getMessage());
        } finally {
            Arrays.fill(pad, (byte) 0);
        }
    }

    /** Under the monitor: a stored key of this node's half past the grace period that the peer has not confirmed. */
    private static boolean hasUnconfirmed(Link link, long cutoff) {
        for (Part p : link.own) {
            if (!p.confirmed && p.storedAt() <= cutoff) {
                return true;
            }
        }
        return false;
    }

    private String relayCallbackUrl() {
        String url = relayCallbackUrl;
        return url != null ? url : "https://" + nodeId + EXT_ACK_PATH;
    }

    /**
     * {@code POST /kmapi/v1/ext_keys} from {@code caller}: checks the message against this node's
     * routes (400 when it cannot be relayed or stored here), then processes it asynchronously and
     * acknowledges to the caller (ETSI GS QKD 020: 202 Accepted, then the ack).
     */
    public void extKeys(String caller, ExtKeysRequest r) throws PeerException {
        String problem = extKeysProblem(caller, r);
        if (problem != null) {
            LOG.warn("node {}: relay hop from {} refused: {}", nodeId, caller, problem);
            throw new PeerException(problem, true);
        }
        try {
            relayWorkers.execute(() -> receiveHop(caller, r));
        } catch (RejectedExecutionException e) {
            throw new PeerException("node " + nodeId + " is not accepting relay hops now (busy or closing)", false);
        }
    }

    private String extKeysProblem(String caller, ExtKeysRequest r) {
        if (r.keys() == null || r.keys().isEmpty() || r.initiatorSaeId() == null || r.targetSaeIds() == null
                || r.targetSaeIds().isEmpty() || hasNull(r.targetSaeIds()) || r.ackCallbackUrl() == null
                || r.virtualLink() == null || r.initiatorNode() == null || r.targetNode() == null || r.link() == null
                || r.linkKeyIds() == null || hasNull(r.linkKeyIds()) || r.mac() == null) {
            return "ext_keys needs keys, initiator_sae_id, target_sae_ids, ack_callback_url and the qkdv2i_ members";
        }
        if (r.keys().size() > settings.maxKeysPerRequest()) {
            return "at most " + settings.maxKeysPerRequest() + " keys per ext_keys, got " + r.keys().size();
        }
        int size = r.keySize();
        if (size <= 0 || size % 8 != 0 || size > settings.maxKeyBits()) {
            return "qkdv2i_key_size must be a positive multiple of 8 up to " + settings.maxKeyBits() + ", got " + size;
        }
        Set<UUID> seen = new HashSet<>();
        for (PeerTransport.ExtKey k : r.keys()) {
            if (k == null || k.keyId() == null || k.value() == null || k.value().length != size / 8
                    || !seen.add(k.keyId())) {
                return "every key needs a distinct key_id and a value of qkdv2i_key_size bits";
            }
        }
        if (r.mac().length != RelayCrypto.TAG_BYTES) {
            return "qkdv2i_mac must be " + RelayCrypto.TAG_BYTES + " bytes";
        }
        if (new HashSet<>(r.linkKeyIds()).size() != r.linkKeyIds().size()
                || r.linkKeyIds().size() != RelayCrypto.storedKeysNeeded(r.keys().size(), size, storedKeyBits)) {
            return "qkdv2i_link_key_ids must name " + RelayCrypto.storedKeysNeeded(r.keys().size(), size,
                    storedKeyBits) + " distinct stored keys of " + storedKeyBits + " bits (pad and MAC key)";
        }
        if (!r.ackCallbackUrl().endsWith(EXT_ACK_PATH)) {
            return "ack_callback_url must name " + EXT_ACK_PATH + " on the sender";
        }
        synchronized (this) {
            Link link = links.get(r.link());
            if (link == null || !link.peerNodeId.equals(caller)) {
                return "link " + r.link() + " does not join node " + nodeId + " and " + caller;
            }
            // ETSI GS QKD 020: no route known -> 400
            if (routeFor(r.virtualLink(), r.initiatorNode(), r.targetNode(), caller) == null) {
                return "no route: node " + nodeId + " has no virtual link " + r.virtualLink() + " joining "
                        + r.initiatorNode() + " and " + r.targetNode() + " with previous hop " + caller;
            }
        }
        if (nodeId.equals(r.targetNode())) {
            Map<String, String> saes = directory.saes();
            if (!r.initiatorNode().equals(saes.get(r.initiatorSaeId()))) {
                return "initiator SAE " + r.initiatorSaeId() + " is not known at node " + nodeId + " as an SAE of node "
                        + r.initiatorNode();
            }
            for (String s : r.targetSaeIds()) {
                if (!nodeId.equals(saes.get(s))) {
                    return "target SAE " + s + " is not served by node " + nodeId;
                }
            }
        }
        return null;
    }

    /** A hop received (on a relay worker): consume the pad, verify, then store (target) or forward. */
    private void receiveHop(String caller, ExtKeysRequest r) {
        List<UUID> ids = r.keys().stream().map(PeerTransport.ExtKey::keyId).toList();
        byte[][] plain = null;
        try {
            byte[] pad = consumePad(caller, r);
            if (pad == null) {
                LOG.warn("node {} link {}: relay hop from {} names stored keys not held here; nothing consumed",
                        nodeId, r.link(), caller);
                ack(caller, r, KEY_NOT_PRESENT, "node " + nodeId + " does not hold the stored keys of link " + r.link()
                        + " the hop names");
                return;
            }
            try {
                if (!RelayCrypto.verify(caller, nodeId, r, pad)) {
                    LOG.warn("node {} link {}: relay hop from {} (virtual link {}) failed authentication; discarded, "
                            + "its link key destroyed", nodeId, r.link(), caller, r.virtualLink());
                    ack(caller, r, FAILED, "node " + nodeId + ": MAC of the hop from " + caller + " does not verify");
                    return;
                }
                plain = RelayCrypto.open(r, pad);
            } finally {
                Arrays.fill(pad, (byte) 0);
            }
            if (nodeId.equals(r.targetNode())) {
                String problem = storeRelayed(caller, r, ids, plain);
                ack(caller, r, problem == null ? RELAYED : VOIDED, problem);
            } else {
                forward(caller, r, ids, plain);
            }
        } catch (RuntimeException e) {
            LOG.error("node {}: relay hop from {} (virtual link {}) failed: {}", nodeId, caller, r.virtualLink(),
                    e.toString());
            ack(caller, r, FAILED, "node " + nodeId + ": internal error");
        } finally {
            if (plain != null) {
                for (byte[] k : plain) {
                    Arrays.fill(k, (byte) 0);
                }
            }
        }
    }

    /**
     * The hop's link key from this node's copy of the caller's half: all named stored keys or
     * none (null: one is missing or reserved, nothing consumed). Destroyed durably at once, also
     * when the tag then fails: a pad is spent whether or not it verifies.
     */
    private byte[] consumePad(String caller, ExtKeysRequest r) {
        byte[] pad;
        long change;
        synchronized (this) {
            Link link = links.get(r.link());
            if (link == null || !link.peerNodeId.equals(caller)) {
                return null;
            }
            for (UUID id : r.linkKeyIds()) {
                if (!link.peer.containsKey(id) || reservedParts.containsKey(id)) {
                    return null;
                }
            }
            pad = assemble(r.linkKeyIds(), r.linkKeyIds().size() * storedKeyBits);
            for (UUID id : r.linkKeyIds()) {
                link.peer.remove(id);
                vault.removePart(id);
            }
            RelayCounter c = counter(link.linkId);
            c.received += r.keys().size();
            c.bits += (long) r.linkKeyIds().size() * storedKeyBits;
            change = changed();
        }
        try {
            durable(change);
        } catch (RuntimeException e) {
            Arrays.fill(pad, (byte) 0);
            throw e;
        }
        return pad;
    }

    /**
     * At the target: stores the keys sealed, durably, for the target SAEs to fetch by dec_keys
     * (master = the initiator SAE). Returns null, or why they were not stored (voided meanwhile).
     */
    private String storeRelayed(String caller, ExtKeysRequest r, List<UUID> ids, byte[][] plain) {
        long change;
        synchronized (this) {
            for (UUID id : ids) {
                if (voidedKeys.containsKey(id) || pending.containsKey(id)) {
                    return "node " + nodeId + ": key " + id + " was voided or is known already";
                }
            }
            long now = clock.millis();
            for (int i = 0; i < ids.size(); i++) {
                Pending p = new Pending(ids.get(i), r.virtualLink(), r.initiatorSaeId(), List.copyOf(r.targetSaeIds()),
                        List.copyOf(r.targetSaeIds()), r.keySize(), now, List.of());
                vault.putLocal(p, plain[i]);
                pending.put(p.keyId(), p);
                localWaiting++;
            }
            transits.put(ids.get(0), new Transit(caller, null, r.link(), null, r.virtualLink(), r.targetNode()));
            change = changed();
        }
        durable(change); // servable durably before the initiator hears "relayed"
        LOG.info("node {}: {} relayed keys stored for SAE pair {} -> {} (virtual link {}, from {})", nodeId,
                ids.size(), r.initiatorSaeId(), r.targetSaeIds(), r.virtualLink(), caller);
        return null;
    }

    /** A middle node: re-encrypts with the next link's key, forwards, and passes the next node's ack back. */
    private void forward(String caller, ExtKeysRequest r, List<UUID> ids, byte[][] plain) {
        String next;
        synchronized (this) {
            VirtualLink v = routeFor(r.virtualLink(), r.initiatorNode(), r.targetNode(), caller);
            next = v == null ? null : v.hopTowards(r.targetNode());
            if (next != null) {
                for (UUID id : ids) {
                    if (voidedKeys.containsKey(id)) {
                        next = null;
                    }
                }
            }
        }
        if (next == null) {
            ack(caller, r, FAILED, "node " + nodeId + " has no route towards " + r.targetNode() + " on virtual link "
                    + r.virtualLink() + " (or the keys were voided)");
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.peerTimeoutMillis());
        HopWait w = new HopWait(next, List.copyOf(ids));
        ExtAck result;
        try {
            sendHop(w, r, plain, deadline);
            synchronized (this) {
                transits.put(ids.get(0), new Transit(caller, next, r.link(), w.linkId, r.virtualLink(),
                        r.targetNode()));
            }
            for (byte[] k : plain) {
                Arrays.fill(k, (byte) 0); // not needed any more while waiting
            }
            ExtAck a = w.await(deadline);
            result = a != null ? new ExtAck(List.copyOf(ids), a.ackStatus(), a.message())
                    : new ExtAck(List.copyOf(ids), FAILED, "node " + nodeId + ": no acknowledgement from node " + next
                            + " within " + settings.peerTimeoutMillis() + " ms");
        } catch (KeyManagerException e) {
            result = new ExtAck(List.copyOf(ids), FAILED, "node " + nodeId + ": " + e.getMessage());
        } finally {
            hopWaits.remove(ids.get(0), w);
        }
        if (!RELAYED.equals(result.ackStatus()) && w.sent) {
            voidAlong(next, w.linkId, new ExtVoid(List.copyOf(ids), r.virtualLink(), r.targetNode()), true);
        }
        LOG.debug("node {}: relay hop {} -> {} -> {} on virtual link {}: {}", nodeId, caller, nodeId, next,
                r.virtualLink(), result.ackStatus());
        ack(caller, r, result.ackStatus(), result.message());
    }

    /** Sends the acknowledgement of a hop to its sender; a failure is logged (the initiator times out and voids). */
    private void ack(String caller, ExtKeysRequest r, String status, String message) {
        PeerTransport t = transport;
        List<UUID> ids = r.keys().stream().map(PeerTransport.ExtKey::keyId).toList();
        try {
            if (t == null) {
                throw new PeerException("no peer channel", false);
            }
            t.extAck(caller, r.ackCallbackUrl(), new ExtAck(ids, status, message), settings.peerTimeoutMillis());
        } catch (PeerException e) {
            LOG.warn("node {}: acknowledgement '{}' of relay hop to {} (virtual link {}) not delivered: {}", nodeId,
                    status, caller, r.virtualLink(), e.getMessage());
        }
    }

    /** {@code POST /kmapi/v1/ext_keys/ack} from {@code caller}: completes the hop this node sent it. */
    public void extAck(String caller, ExtAck a) throws PeerException {
        if (a.keyIds() == null || a.keyIds().isEmpty() || hasNull(a.keyIds()) || a.ackStatus() == null
                || !ACK_STATUSES.contains(a.ackStatus())) {
            throw new PeerException("ack needs key_ids and an ack_status of " + ACK_STATUSES, true);
        }
        HopWait w = hopWaits.get(a.keyIds().get(0));
        if (w == null || !w.next.equals(caller) || !w.keyIds.equals(a.keyIds())) {
            LOG.info("node {}: acknowledgement '{}' from {} for keys this node is not waiting for (late?); ignored",
                    nodeId, a.ackStatus(), caller);
            return;
        }
        w.ack.complete(a);
    }

    /**
     * {@code POST /kmapi/v1/ext_keys/void} from {@code caller}: discards the keys here (the target's
     * stored keys, a middle node's record) and passes the void on towards the target. Idempotent;
     * a void that overtakes its keys makes them refused when they arrive.
     */
    public void extVoid(String caller, ExtVoid v) throws PeerException {
        if (v.keyIds() == null || v.keyIds().isEmpty() || hasNull(v.keyIds()) || v.virtualLink() == null
                || v.targetNode() == null) {
            throw new PeerException("void needs key_ids, qkdv2i_virtual_link and qkdv2i_target_node", true);
        }
        UUID first = v.keyIds().get(0);
        String next = null;
        String outLink = null;
        boolean crossed;
        long change = 0;
        int destroyed = 0;
        synchronized (this) {
            boolean seen = voidedKeys.containsKey(first);
            String why = RELAY_VOID + caller + " on virtual link " + v.virtualLink();
            for (UUID id : v.keyIds()) {
                if (!replaced.containsKey(id)) { // durable like a local void: a restart keeps refusing the ID
                    rememberVoided(id, why);
                    change = changed();
                }
            }
            Transit t = transits.get(first);
            crossed = t != null && caller.equals(t.prev());
            if (crossed) {
                countVoid(first, t.inLink(), v.keyIds().size());
            }
            if (nodeId.equals(v.targetNode())) {
                for (UUID id : v.keyIds()) {
                    Pending p = pending.get(id);
                    if (p != null && p.parts().isEmpty() && p.linkId().equals(v.virtualLink())
                            && p.remainingSlaves().equals(p.slaveSaeIds())) {
                        destroyPending(p);
                        destroyed++;
                    }
                }
                if (destroyed > 0) {
                    change = changed();
                }
            } else if (!seen) { // a void this node already passed on (its own, after a failed hop) goes no further
                if (crossed) {
                    next = t.next();
                    outLink = t.outLink();
                } else {
                    VirtualLink route = virtualLinks.get(v.virtualLink());
                    next = route == null || !caller.equals(route.hopTowards(route.firstEnd().equals(v.targetNode())
                            ? route.lastEnd() : route.firstEnd())) ? null : route.hopTowards(v.targetNode());
                }
            }
        }
        if (change > 0) {
            durable(change);
        }
        LOG.info("node {}: {} relayed keys on virtual link {} voided by {}{}{}", nodeId, v.keyIds().size(),
                v.virtualLink(), caller, destroyed > 0 ? " (" + destroyed + " stored relayed keys destroyed)" : "",
                next != null ? ", passed on to " + next : "");
        if (next != null) {
            voidAlong(next, outLink, v, crossed); // passed on without a record here: the keys never crossed
        }
    }

    /** Why a key voided by an ETSI GS QKD 020 {@code ext_keys/void} is void (followed by the sender). */
    static final String RELAY_VOID = "voided over the relay (ext_keys/void) by node ";

    /** Voided keys counted per link once, however many voids reach a node (bounded, guarded by this). */
    private final Map<String, Boolean> voidCounted = bounded();

    /** Under the monitor: counts keys voided after crossing {@code linkId}, once per relay and link. */
    private void countVoid(UUID firstKey, String linkId, int keys) {
        if (linkId != null && voidCounted.put(firstKey + "|" + linkId, Boolean.TRUE) == null) {
            counter(linkId).voided += keys;
        }
    }

    /** Voids towards {@code next} in the background (counted on the link the keys crossed). */
    private void voidAlong(String next, String linkId, ExtVoid v, boolean count) {
        long change = 0;
        synchronized (this) {
            for (UUID id : v.keyIds()) {
                if (!replaced.containsKey(id)) { // this node's own void (its hop failed): durable like the others
                    rememberVoided(id, RELAY_VOID + nodeId + " on virtual link " + v.virtualLink()
                            + " (its relay hop to " + next + " failed)");
                    change = changed();
                }
            }
            Link out = linkId != null ? links.get(linkId) : linkTo(next);
            if (out != null && count) {
                countVoid(v.keyIds().get(0), out.linkId, v.keyIds().size());
            }
        }
        if (change > 0) {
            durable(change);
        }
        Runnable send = () -> {
            PeerTransport t = transport;
            try {
                if (t == null) {
                    throw new PeerException("no peer channel", false);
                }
                t.extVoid(next, v, settings.peerTimeoutMillis());
            } catch (PeerException | RuntimeException e) {
                LOG.warn("node {}: void of {} relayed keys on virtual link {} not delivered to {}: {}", nodeId,
                        v.keyIds().size(), v.virtualLink(), next, e.getMessage());
            }
        };
        try {
            relayWorkers.execute(send);
        } catch (RejectedExecutionException closing) {
            send.run();
        }
    }

    // ------------------------------------------------------------------ key authentication

    private volatile KeyAuthenticator keyAuth;
    /** Link → description of its driver at this node, for the alarm (set by the OSGi layer). */
    private final Map<String, String> driverNames = new ConcurrentHashMap<>();

    /**
     * Turns key authentication of driver key blocks on or off (both ends of a link must agree:
     * blocks the peer never confirms are destroyed after {@code holdMillis}).
     */
    public void setKeyAuthentication(boolean on) {
        setKeyAuthentication(on, KeyAuthenticator.DEFAULT_MIN_BITS, KeyAuthenticator.DEFAULT_MAX_DELAY_MILLIS);
    }

    /**
     * Key authentication on or off; on: driver blocks are checked in batches of at least
     * {@code minBits} bits of material, or what arrived within {@code maxDelayMillis} of a batch's
     * first block (changes apply to batches not closed yet).
     */
    public void setKeyAuthentication(boolean on, long minBits, long maxDelayMillis) {
        KeyAuthenticator.validate(minBits, maxDelayMillis);
        KeyAuthenticator off = null;
        synchronized (this) {
            if (on && keyAuth == null && !closed) {
                keyAuth = new KeyAuthenticator(this, nodeId);
            }
            if (on && keyAuth != null) {
                keyAuth.configure(minBits, maxDelayMillis);
            } else if (!on && keyAuth != null) {
                off = keyAuth;
                keyAuth = null;
            }
        }
        if (off != null) {
            off.close(); // outside the monitor (its thread may be storing a block); waiting blocks are destroyed
        }
    }

    /** For tests: how long an unconfirmed block is held. */
    void keyAuthHoldMillis(long millis) {
        KeyAuthenticator a = keyAuth;
        if (a != null) {
            a.holdMillis = millis;
        }
    }

    public boolean keyAuthenticationOn() {
        return keyAuth != null;
    }

    /** Names the driver of {@code linkId} here in key authentication alarms. */
    public void driverName(String linkId, String name) {
        if (name == null) {
            driverNames.remove(linkId);
        } else {
            driverNames.put(linkId, name);
        }
    }

    /** Key authentication counters per link (empty when it is off). */
    public List<KeyAuthenticator.LinkStats> keyAuthStats() {
        KeyAuthenticator a = keyAuth;
        return a == null ? List.of() : a.stats();
    }

    @Override
    public List<org.qkdv2i.kmm.api.KeyAuthStatus> keyAuthentication() {
        List<org.qkdv2i.kmm.api.KeyAuthStatus> out = new ArrayList<>();
        for (KeyAuthenticator.LinkStats s : keyAuthStats()) {
            out.add(new org.qkdv2i.kmm.api.KeyAuthStatus(nodeId, s.linkId(), s.authenticated(), s.failed(),
                    s.expired(), s.bitsSpent(), s.held()));
        }
        return out;
    }

    /** Key blocks waiting for their key check here. */
    public int blocksAwaitingAuthentication() {
        KeyAuthenticator a = keyAuth;
        return a == null ? 0 : a.held();
    }

    PeerTransport transport() {
        return transport;
    }

    /** {@code POST /peer/v1/keycheck} from {@code callerNodeId}. */
    public KeyCheckResult keyCheck(String callerNodeId, KeyCheckRequest req) throws PeerException {
        KeyAuthenticator a = keyAuth;
        if (a == null) {
            throw new PeerException("key authentication is off at node " + nodeId, true);
        }
        String peer;
        synchronized (this) {
            Link l = links.get(req.linkId());
            peer = l == null ? null : l.peerNodeId;
        }
        return a.check(callerNodeId, req, peer);
    }

    /** A batch whose key-check values differ at the two ends: destroyed there and here; the alarm. */
    void keyAuthenticationFailed(LinkEnd end, UUID batchId, List<UUID> blockIds) {
        String driver = driverNames.getOrDefault(end.linkId(), "the QKD driver of link " + end.linkId());
        String blocks = blockIds.size() <= 4 ? "key blocks " + blockIds
                : blockIds.size() + " key blocks (" + blockIds.get(0) + " ... " + blockIds.get(blockIds.size() - 1) + ")";
        String detail = "batch " + batchId + " of " + blocks + " of link " + end.linkId() + " from driver " + driver
                + " at node " + nodeId + ": key-check values of nodes " + nodeId + " and " + end.peerNodeId()
                + " differ (driver fault or tampering); quarantined and destroyed at both ends";
        LOG.error("node {} link {}: KEY AUTHENTICATION FAILED: {}", nodeId, end.linkId(), detail);
        event(new KeyEvent(KeyEvent.Type.KEY_AUTHENTICATION_FAILED, nodeId, end.linkId(), detail, clock.instant()));
    }

    // ------------------------------------------------------------------ key replacement

    /** A key this node delivered to a master SAE: the pair, and the node of its slaves. */
    private record Issued(String master, List<String> slaves, String slaveNode) {
    }

    /** Keys delivered to master SAEs here, newest kept (bounded, guarded by itself): what may be voided. */
    private final Map<UUID, Issued> issued = bounded();
    /** Keys voided on request here → why (bounded, guarded by this): dec_keys says so. */
    private final Map<UUID, String> replaced = bounded();
    /** Issued keys not yet written to the store (guarded by {@link #issued}); saved by {@link #sweep}. */
    private final Map<UUID, Vault.IssuedRecord> unsavedIssued = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Vault.IssuedRecord> eldest) {
            return size() > KEY_REPLACEMENT_RECORDS; // no sweep runs (tests): stay bounded
        }
    };
    /** Most voided and most issued key IDs the store remembers (each). */
    static final int KEY_REPLACEMENT_RECORDS = 65_536;
    /** How long voided and issued key IDs are remembered when keys never expire ({@code keyLifetimeSeconds=0}). */
    static final long KEY_REPLACEMENT_HORIZON_MILLIS = TimeUnit.DAYS.toMillis(7);

    /**
     * Under the monitor: {@code keyId} is void from now on (never served, relayed or recorded again),
     * in memory and in the store (committed with the caller's change).
     */
    private void rememberVoided(UUID keyId, String why) {
        replaced.put(keyId, why);
        voidedKeys.put(keyId, Boolean.TRUE);
        vault.putVoided(keyId, new Vault.Voided(clock.millis(), why));
        while (vault.voidedCount() > KEY_REPLACEMENT_RECORDS) {
            vault.removeVoided(vault.oldestVoided());
        }
    }

    /** For tests: how many voided key IDs the store remembers. */
    synchronized int voidedKeyRecords() {
        return vault.voidedCount();
    }

    /** Under the monitor, at start: the voided and issued key IDs the store remembers. */
    private void loadKeyReplacementRecords() {
        vault.forEachVoided((id, v) -> {
            replaced.put(id, v.reason());
            voidedKeys.put(id, Boolean.TRUE);
        });
        synchronized (issued) {
            vault.forEachIssued((id, r) -> issued.put(id, new Issued(r.master(), r.slaves(), r.slaveNode())));
        }
    }

    /**
     * Under the monitor (every sweep, and at close): writes the keys issued since the last call to the
     * store and forgets voided and issued key IDs older than the key lifetime (a key is never served
     * after it: its stored keys, and the records a late assignment could bring, are gone by then) or
     * beyond {@link #KEY_REPLACEMENT_RECORDS}. Not on the request path: a crash loses at most the
     * last few seconds of issued IDs (those keys cannot be replaced then), never a void.
     * @return whether the store changed
     */
    private boolean saveKeyReplacementRecords() {
        List<Map.Entry<UUID, Vault.IssuedRecord>> fresh;
        synchronized (issued) {
            fresh = new ArrayList<>(unsavedIssued.entrySet());
            unsavedIssued.clear();
        }
        boolean changed = !fresh.isEmpty();
        fresh.forEach(e -> vault.putIssued(e.getKey(), e.getValue()));
        while (vault.issuedCount() > KEY_REPLACEMENT_RECORDS) {
            vault.removeIssued(vault.oldestIssued());
            changed = true;
        }
        long lifetime = settings.keyLifetimeSeconds();
        long limit = clock.millis() - (lifetime > 0 ? lifetime * 1000 : KEY_REPLACEMENT_HORIZON_MILLIS);
        // both logs are in the order the records were written: the old ones are at the front
        List<UUID> oldVoids = new ArrayList<>();
        for (UUID id = vault.oldestVoided(); id != null && vault.voided(id).atMillis() <= limit;
                id = vault.oldestVoided()) {
            vault.removeVoided(id);
            replaced.remove(id);
            voidedKeys.remove(id);
            oldVoids.add(id);
        }
        List<UUID> oldIssues = new ArrayList<>();
        for (UUID id = vault.oldestIssued(); id != null && vault.issuedAt(id) <= limit; id = vault.oldestIssued()) {
            vault.removeIssued(id);
            oldIssues.add(id);
        }
        synchronized (issued) {
            oldIssues.forEach(issued::remove);
        }
        return changed || !oldVoids.isEmpty() || !oldIssues.isEmpty();
    }

    /**
     * Key replacement on request: voids a key this node delivered to {@code masterSaeId} at both
     * ends. Here its waiting record (a slave on this node) is destroyed and its ID refused from now
     * on; the slave's KMM is told over the peer channel ({@code POST /peer/v1/void}) and does the
     * same; over a relay route the ETSI GS QKD 020 {@code ext_keys/void} discards the relayed copy.
     */
    @Override
    public void voidKey(String masterSaeId, String slaveSaeId, UUID keyId, String reason)
            throws KeyManagerException {
        Map<String, String> saes = directory.saes();
        requireLocal(saes, masterSaeId, "master");
        String slaveNode = requireKnown(saes, slaveSaeId);
        if (keyId == null) {
            throw new KeyManagerException(BAD_REQUEST, "no key ID given to void");
        }
        String why = reason == null || reason.isBlank() ? "voided on request" : reason;
        long change = 0;
        VirtualLink route;
        boolean again;
        synchronized (this) {
            Pending p = pending.get(keyId);
            Issued i;
            synchronized (issued) {
                i = issued.get(keyId);
            }
            again = replaced.containsKey(keyId);
            boolean ours = (p != null && p.masterSaeId().equals(masterSaeId) && p.slaveSaeIds().contains(slaveSaeId))
                    || (i != null && i.master().equals(masterSaeId) && i.slaves().contains(slaveSaeId));
            if (!ours && !again) {
                LOG.info("node {}: void of key {} for SAE pair {} -> {} refused: not a key delivered to that pair here",
                        nodeId, keyId, masterSaeId, slaveSaeId);
                throw new KeyManagerException(KEYS_NOT_FOUND, "key " + keyId + " was not delivered to master SAE "
                        + masterSaeId + " for slave SAE " + slaveSaeId + " by KME " + nodeId
                        + " (or too long ago to be replaced)");
            }
            if (!again) {
                rememberVoided(keyId, why); // durable before anyone hears of the void: a restart keeps it void
                change = changed();
            }
            if (p != null) {
                destroyPending(p);
                change = changed();
            }
            route = slaveNode.equals(nodeId) ? null : routeTo(slaveNode);
        }
        if (change > 0) {
            durable(change);
        }
        if (!again) {
            LOG.warn("node {}: key {} of SAE pair {} -> {} voided ({})", nodeId, keyId, masterSaeId, slaveSaeId, why);
            event(new KeyEvent(KeyEvent.Type.KEY_VOIDED, nodeId, "-", "key " + keyId + " of SAE pair "
                    + masterSaeId + " -> " + slaveSaeId + " voided: " + why, clock.instant()));
        }
        if (slaveNode.equals(nodeId)) {
            return;
        }
        if (route != null) { // relayed (or a detour): the relayed copy at the slave's node
            String next = route.hopTowards(slaveNode);
            if (next != null) {
                voidAlong(next, null, new ExtVoid(List.of(keyId), route.linkId(), slaveNode), false);
            }
        }
        if (adjacent(slaveNode)) {
            PeerTransport t = transport;
            try {
                if (t == null) {
                    throw new PeerException("no peer channel", false);
                }
                t.voidKeys(slaveNode, new VoidKeysRequest(List.of(keyId), masterSaeId, why),
                        settings.peerTimeoutMillis());
            } catch (PeerException e) {
                LOG.warn("node {}: void of key {} not delivered to peer KMM {}: {}", nodeId, keyId, slaveNode,
                        e.getMessage());
                throw new KeyManagerException(e.refused() ? BAD_REQUEST : UNAVAILABLE, "key " + keyId
                        + " is voided at KME " + nodeId + " but peer KMM " + slaveNode
                        + (e.refused() ? " refused the void: " + e.getMessage() : " is unreachable; retry the request"));
            }
        }
    }

    /**
     * {@code POST /peer/v1/void} from {@code callerNodeId}: keys it delivered to its master SAE are
     * voided (key replacement): their records here go and their IDs are refused from now on. Only the
     * node serving the master SAE may void its keys.
     */
    public VoidKeysResult voidKeys(String callerNodeId, VoidKeysRequest req) throws PeerException {
        Map<String, String> saes = directory.saes();
        if (!callerNodeId.equals(saes.get(req.masterSaeId()))) {
            throw new PeerException("master SAE " + req.masterSaeId() + " is not served by node " + callerNodeId, true);
        }
        String why = req.reason() == null || req.reason().isBlank() ? "voided by peer " + callerNodeId
                : req.reason();
        int destroyed = 0;
        long change = 0;
        List<UUID> fresh = new ArrayList<>();
        synchronized (this) {
            for (UUID id : req.keyIds()) {
                Pending p = pending.get(id);
                if (p != null && !p.masterSaeId().equals(req.masterSaeId())) {
                    throw new PeerException("key " + id + " does not belong to master SAE " + req.masterSaeId(), true);
                }
            }
            for (UUID id : req.keyIds()) {
                if (!replaced.containsKey(id)) {
                    fresh.add(id);
                    rememberVoided(id, why);
                }
                Pending p = pending.get(id);
                if (p != null) {
                    destroyPending(p);
                    destroyed++;
                }
            }
            if (destroyed > 0 || !fresh.isEmpty()) {
                change = changed();
            }
        }
        if (change > 0) {
            durable(change);
        }
        for (UUID id : fresh) {
            LOG.warn("node {}: key {} of master SAE {} voided by peer {} ({})", nodeId, id, req.masterSaeId(),
                    callerNodeId, why);
            event(new KeyEvent(KeyEvent.Type.KEY_VOIDED, nodeId, "-", "key " + id + " of master SAE "
                    + req.masterSaeId() + " voided by peer " + callerNodeId + ": " + why, clock.instant()));
        }
        return new VoidKeysResult(destroyed);
    }

    // ------------------------------------------------------------------ status

    @Override
    public PairStatus status(String masterSaeId, String slaveSaeId) throws KeyManagerException {
        Map<String, String> saes = directory.saes();
        requireLocal(saes, masterSaeId, "master");
        String slaveNode = requireKnown(saes, slaveSaeId);
        Limits q = limits(masterSaeId, slaveSaeId);
        KmmSettings s = settings;
        long stored;
        long max;
        synchronized (this) {
            if (slaveNode.equals(nodeId)) {
                long waiting = localWaiting;
                max = s.maxKeysPerLink();
                stored = Math.max(0, max - waiting);
            } else {
                int per = (q.defaultSize() + storedKeyBits - 1) / storedKeyBits;
                long cutoff = clock.millis() - s.freshKeyGraceMillis();
                stored = 0;
                max = 0;
                for (Link l : links.values()) {
                    if (l.peerNodeId.equals(slaveNode)) {
                        // only what can be offered now: past the grace period and ingested by the peer
                        stored += offerableCount(l, cutoff, true) / per;
                        max += s.maxKeysPerLink() / per;
                    }
                }
                // relayed (a node that is not a neighbour, or a detour to a neighbour): plus what the first
                // hop's link key can carry, one key per hop message (pad + MAC)
                VirtualLink route = routeTo(slaveNode);
                String hop = route == null ? null : route.hopTowards(slaveNode);
                Link first = hop == null || hop.equals(slaveNode) ? null : linkTo(hop);
                if (first != null) {
                    int cost = RelayCrypto.storedKeysNeeded(1, q.defaultSize(), storedKeyBits);
                    stored += offerableCount(first, cutoff, true) / cost;
                    max += halfCapacity() / cost;
                }
            }
        }
        return new PairStatus(nodeId, slaveNode, masterSaeId, slaveSaeId, q.defaultSize(), stored, max,
                q.maxKeysPerRequest, q.maxKeyBits, q.minKeyBits, s.maxSaeIdCount());
    }

    @Override
    public synchronized List<PoolStatus> pools() {
        KmmSettings s = settings;
        List<PoolStatus> out = new ArrayList<>();
        for (Link l : links.values()) {
            out.add(new PoolStatus(nodeId, l.linkId, l.peerNodeId, l.driverPresent, l.status, l.ownHeld(),
                    l.peer.size(), s.maxKeysPerLink(), s.lowWaterKeys(), storedKeyBits, l.delivered, l.expired));
        }
        return out;
    }

    /** Stored keys dropped on a link (pool full, or the peer lacked them). */
    /** For tests: the newest block creation time ingested on the link (stored, dropped or duplicate). */
    synchronized Long watermark(String linkId) {
        Link l = links.get(linkId);
        return l == null ? null : watermarkOf(l);
    }

    public synchronized long dropped(String linkId) {
        Link l = links.get(linkId);
        return l == null ? 0 : l.dropped;
    }

    /** Stored keys destroyed on a link because the other end did not hold them (or no longer did). */
    public synchronized long discardedUnmatched(String linkId) {
        Link l = links.get(linkId);
        return l == null ? 0 : l.discardedUnmatched;
    }

    /** Keys waiting for slave SAEs at this node (peer reservations and local keys). */
    public synchronized int waitingKeys() {
        return pending.size();
    }

    @Override
    public List<SaeInfo> saes() {
        List<SaeInfo> out = new ArrayList<>();
        new TreeMap<>(directory.saes()).forEach((sae, node) -> out.add(new SaeInfo(sae, node, node.equals(nodeId))));
        return out;
    }

    @Override
    public void close() {
        KeyAuthenticator auth;
        synchronized (this) {
            closed = true;
            notifyAll();
            auth = keyAuth;
            keyAuth = null;
        }
        if (auth != null) {
            auth.close(); // blocks waiting for their check are destroyed (never stored unauthenticated)
        }
        assigners.forEach(Thread::interrupt);
        relayWorkers.shutdownNow();
        hopWaits.values().forEach(w -> w.ack.cancel(false));
        try {
            for (Thread t : assigners) {
                t.join(settings.peerTimeoutMillis() + 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            saveKeyReplacementRecords(); // committed by the close
            vault.close(); // undelivered assignments stay in the outbox and are sent after the restart
            LOG.info("node {}: key store closed", nodeId);
        }
    }

    // ------------------------------------------------------------------ helpers

    private record Limits(int maxKeysPerRequest, int minKeyBits, int maxKeyBits, double maxKeysPerSecond,
            int storedKeyBits, int priority, double minKeysPerSecond) {
        int defaultSize() {
            return Math.min(Math.max(storedKeyBits, minKeyBits), maxKeyBits);
        }
    }

    private Limits limits(String master, String slave) {
        KmmSettings s = settings;
        Qos q = directory.qos(master, slave).orElse(null);
        if (q == null) {
            return new Limits(s.maxKeysPerRequest(), s.minKeyBits(), s.maxKeyBits(), 0, storedKeyBits, 0, 0);
        }
        int maxReq = q.maxKeysPerRequest() > 0 ? Math.min(q.maxKeysPerRequest(), s.maxKeysPerRequest())
                : s.maxKeysPerRequest();
        int min = q.minKeyBits() > 0 ? Math.max(q.minKeyBits(), s.minKeyBits()) : s.minKeyBits();
        int max = q.maxKeyBits() > 0 ? Math.min(q.maxKeyBits(), s.maxKeyBits()) : s.maxKeyBits();
        double maxRate = Math.max(0, q.maxKeysPerSecond());
        // a guarantee above the maximum could never be used: the maximum caps it
        double minRate = Math.max(0, maxRate > 0 ? Math.min(q.minKeysPerSecond(), maxRate) : q.minKeysPerSecond());
        return new Limits(maxReq, min, Math.max(min, max), maxRate, storedKeyBits, q.priority(), minRate);
    }

    private String requireKnown(Map<String, String> saes, String sae) throws KeyManagerException {
        String node = sae == null ? null : saes.get(sae);
        if (node == null) {
            throw new KeyManagerException(BAD_REQUEST, "unknown SAE ID " + sae + " (not in the SAE registry of node "
                    + nodeId + ")");
        }
        return node;
    }

    private void requireLocal(Map<String, String> saes, String sae, String role) throws KeyManagerException {
        String node = requireKnown(saes, sae);
        if (!node.equals(nodeId)) {
            throw new KeyManagerException(UNAUTHORIZED, role + " SAE " + sae + " is served by node " + node
                    + ", not by node " + nodeId);
        }
    }

    private UUID randomUuid() {
        byte[] b = new byte[16];
        drbg.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4 (random)
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xff);
            lo = (lo << 8) | (b[8 + i] & 0xff);
        }
        return new UUID(hi, lo);
    }

    private Level levelOf(Link link) {
        int own = link.own.size();
        return own == 0 ? Level.EMPTY : own < settings.lowWaterKeys() ? Level.LOW : Level.NORMAL;
    }

    private void checkLevel(Link link) {
        Level now = levelOf(link);
        Level before = link.level;
        if (now == before) {
            return;
        }
        link.level = now;
        String counts = "own keys " + link.own.size() + ", low water " + settings.lowWaterKeys();
        if (now == Level.EMPTY) {
            fire(KeyEvent.Type.POOL_EMPTY, link, "pool of link " + link.linkId + " is empty (" + counts + ")");
        } else if (now == Level.LOW && before == Level.NORMAL) {
            fire(KeyEvent.Type.POOL_LOW, link, "pool of link " + link.linkId + " is low (" + counts + ")");
        } else if (now == Level.NORMAL) {
            fire(KeyEvent.Type.POOL_REFILLED, link, "pool of link " + link.linkId + " refilled (" + counts + ")");
        }
    }

    /** Hands an event to the listener; a failing listener is logged, never the caller's problem. */
    private void event(KeyEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("node {}: event listener failed on {}: {}", nodeId, e.type(), ex.toString());
        }
    }

    private void fire(KeyEvent.Type type, Link link, String detail) {
        KeyEvent e = new KeyEvent(type, nodeId, link.linkId, detail.strip(), clock.instant());
        LOG.info("node {} link {}: {} {}", nodeId, link.linkId, type, e.detail());
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("node {}: event listener failed on {}: {}", nodeId, type, ex.toString());
        }
    }

    /** For tests: how many distinct stored keys this node holds for a link (both halves and in flight). */
    synchronized long storedOnLink(String linkId) {
        Link l = links.get(linkId);
        return l == null ? 0 : l.total();
    }
}
