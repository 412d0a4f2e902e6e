package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.dpn.identitylog.internal.EntryCodec.Leaf;
import org.qkdv2i.dpn.identitylog.internal.HeadCrossCheck.Incident;
import org.qkdv2i.dpn.identitylog.internal.HeadCrossCheck.Verdict;
import org.qkdv2i.dpn.identitylog.internal.LogState.RefusedException;
import org.qkdv2i.dpn.identitylog.internal.Wire.MalformedException;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of the identity log: the {@link IdentityLog} and {@link IdentityDirectory} a node
 * offers, over a {@link LogState} that Ratis (or the single-node journal) feeds. Plain Java; the
 * DS component and {@code EmbeddedIdentityLog} wrap it.
 */
public final class IdentityLogNode implements IdentityLog, IdentityDirectory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityLogNode.class);
    private static final int Q_HEAD = 1;
    private static final int Q_CONSISTENCY = 2;

    private final NodeSettings settings;
    private final Clock clock;
    private final LogState state;
    private final TreeHeadSigner signer;
    private final HeadCrossCheck crossCheck;
    private final Replicator replicator;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;
    private SignedTreeHead head;

    private IdentityLogNode(NodeSettings settings, Clock clock, SecureRandom random) throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.state = new LogState(this::appended);
        this.signer = settings.storageDir() == null ? SigningKeyStore.ephemeral(random)
                : SigningKeyStore.loadOrCreate(settings.storageDir().resolve("sth-signing.key"),
                        settings.effectiveKekFile(), settings.selfId(), random);
        this.crossCheck = new HeadCrossCheck(settings.selfId(), settings.logId(), state, state::replicaKey);
        this.replicator = settings.replicated() ? new RatisReplicator(settings, state, this::answer)
                : new LocalReplicator(settings.selfId(), state,
                        settings.storageDir() == null ? null : settings.storageDir().resolve("journal.bin"));
        this.notifier = Executors.newSingleThreadExecutor(daemon("identitylog-" + settings.selfId() + "-listeners"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("identitylog-" + settings.selfId()));
    }

    /** Starts a replica: loads (or creates) its key, starts replication, pins its key in the log. */
    public static IdentityLogNode start(NodeSettings settings) throws IOException {
        return start(settings, Clock.systemUTC(), new SecureRandom());
    }

    public static IdentityLogNode start(NodeSettings settings, Clock clock, SecureRandom random) throws IOException {
        IdentityLogNode node = new IdentityLogNode(settings, clock, random);
        try {
            node.replicator.start();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        node.scheduler.execute(node::pinOwnKey);
        long every = settings.crossCheckInterval().toMillis();
        if (settings.replicated() && every > 0) {
            node.scheduler.scheduleWithFixedDelay(node::crossCheckAll, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("identity log {} replica {} started ({}, {} entries)", settings.logId(), settings.selfId(),
                settings.replicated() ? "Raft peers " + settings.peers().keySet()
                        : settings.storageDir() == null ? "single node, in memory" : "single node",
                node.state.size());
        return node;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + (n.getAndIncrement() == 0 ? "" : "-" + n.get()));
            t.setDaemon(true);
            return t;
        };
    }

    // ---- IdentityLog ----

    @Override
    public LogEntry enrol(IdentityRecord record) throws IdentityLogException {
        if (record == null) {
            throw new IdentityLogException("no identity record to enrol");
        }
        LogEntry e = append(Leaf.enrol(record, clock.millis()));
        LOG.info("identity log {}: enrolled {} ({} {}, zone {}) at index {}", settings.logId(), record.id(),
                record.name(), record.role(), record.zone(), e.index());
        return e;
    }

    @Override
    public LogEntry revoke(DeviceId id, String reason) throws IdentityLogException {
        if (id == null) {
            throw new IdentityLogException("no device ID to revoke");
        }
        LogEntry e = append(Leaf.revoke(id, reason, clock.millis()));
        LOG.info("identity log {}: revoked {} ({}) at index {}", settings.logId(), id, e.reason(), e.index());
        return e;
    }

    private LogEntry append(Leaf leaf) throws IdentityLogException {
        if (closed) {
            throw new IdentityLogException("identity log replica " + settings.selfId() + " is stopped");
        }
        byte[] command;
        try {
            command = LogState.appendCommand(leaf);
        } catch (IllegalArgumentException e) {
            throw new IdentityLogException("cannot encode the entry for " + leaf.deviceId() + ": " + e.getMessage());
        }
        byte[] reply = await(replicator.submit(command), leaf.type().name().toLowerCase() + " of " + leaf.deviceId());
        try {
            return LogState.parseAppendReply(reply);
        } catch (RefusedException e) {
            LOG.info("identity log {}: {} of {} refused: {}", settings.logId(), leaf.type().name().toLowerCase(),
                    leaf.deviceId(), e.getMessage());
            throw new IdentityLogException(e.getMessage());
        } catch (MalformedException e) {
            throw new IdentityLogException("unreadable reply from the log: " + e.getMessage());
        }
    }

    private byte[] await(java.util.concurrent.CompletableFuture<byte[]> f, String what) throws IdentityLogException {
        long ms = settings.commitTimeout().toMillis();
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IdentityLogException(what + " not committed within " + ms + " ms (no quorum? leader: "
                    + replicator.leader() + ")");
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            throw new IdentityLogException(what + " failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityLogException(what + " interrupted");
        }
    }

    @Override
    public synchronized SignedTreeHead treeHead() {
        LogState.Tree t = state.tree();
        if (head == null || head.treeSize() != t.size()) {
            head = signer.sign(settings.logId(), t.size(), clock.millis(), t.root());
        }
        return head;
    }

    @Override
    public List<LogEntry> entries(long from, long to) {
        return state.entries(from, to);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long treeSize) throws IdentityLogException {
        long size = state.size();
        if (treeSize < 1 || treeSize > size || index < 0 || index >= treeSize) {
            throw new IdentityLogException("no inclusion proof for entry " + index + " in a tree of size " + treeSize
                    + " (this replica holds " + size + " entries)");
        }
        return state.inclusionProof(index, treeSize);
    }

    @Override
    public List<byte[]> consistencyProof(long first, long second) throws IdentityLogException {
        long size = state.size();
        if (first < 0 || first > second || second > size) {
            throw new IdentityLogException("no consistency proof from size " + first + " to " + second
                    + " (this replica holds " + size + " entries)");
        }
        return state.consistencyProof(first, second);
    }

    // ---- IdentityDirectory ----

    @Override
    public Optional<IdentityRecord> find(DeviceId id) {
        return state.find(id);
    }

    @Override
    public boolean isRevoked(DeviceId id) {
        return state.isRevoked(id);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Runs on the applying thread: hands the event to the notifier so Raft never waits for a listener. */
    private void appended(LogEntry e) {
        if (closed) {
            return;
        }
        boolean revoked = e.type() == LogEntry.Type.REVOKE;
        try {
            notifier.execute(() -> {
                for (Listener l : listeners) {
                    try {
                        l.changed(e.deviceId(), revoked);
                    } catch (RuntimeException ex) {
                        LOG.warn("identity log replica {}: listener {} failed on {}: {}", settings.selfId(), l,
                                e.deviceId(), ex.toString());
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // stopping
        }
    }

    // ---- cross-checking peers' heads ----

    /** Fetches {@code peer}'s signed head and cross-checks it (signature, its history, this tree). */
    public Verdict crossCheck(String peer) throws IdentityLogException {
        // the peer answers once it has applied as much of the Raft log as this replica: a head
        // from a replica still replaying after a restart would look like a rollback
        byte[] answer = await(replicator.query(peer, new Wire.Out().u8(Q_HEAD).toByteArray(),
                replicator.appliedIndex()), "head of " + peer);
        SignedTreeHead h;
        try {
            Wire.In in = new Wire.In(answer);
            if (in.u8() != 0) {
                throw new IdentityLogException(peer + " refused to give its head: " + in.str());
            }
            h = TreeHeadSigner.decode(in.bytes());
            in.end();
        } catch (MalformedException e) {
            throw new IdentityLogException("unreadable head from " + peer + ": " + e.getMessage());
        }
        return crossCheck(peer, h);
    }

    /** Cross-checks a head said to come from {@code peer}; proofs beyond this tree are asked from that peer. */
    public Verdict crossCheck(String peer, SignedTreeHead h) {
        return crossCheck.check(peer, h, (m, n) -> peerConsistencyProof(peer, m, n));
    }

    private List<byte[]> peerConsistencyProof(String peer, long m, long n) throws IdentityLogException {
        byte[] q = new Wire.Out().u8(Q_CONSISTENCY).i64(m).i64(n).toByteArray();
        byte[] answer = await(replicator.query(peer, q, 0), "consistency proof " + m + "->" + n + " from " + peer);
        try {
            Wire.In in = new Wire.In(answer);
            if (in.u8() != 0) {
                throw new IdentityLogException(peer + " gave no consistency proof " + m + "->" + n + ": " + in.str());
            }
            int count = in.i32();
            if (count < 0 || count > 128) {
                throw new IdentityLogException(peer + " sent a proof of " + count + " hashes");
            }
            List<byte[]> proof = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                proof.add(in.raw(Merkle.HASH_LENGTH));
            }
            in.end();
            return proof;
        } catch (MalformedException e) {
            throw new IdentityLogException("unreadable proof from " + peer + ": " + e.getMessage());
        }
    }

    private void crossCheckAll() {
        for (String peer : settings.peers().keySet()) {
            if (closed || peer.equals(settings.selfId())) {
                continue;
            }
            try {
                crossCheck(peer);
            } catch (IdentityLogException | RuntimeException e) {
                LOG.debug("identity log replica {}: head of {} not fetched: {}", settings.selfId(), peer, e.getMessage());
            }
        }
    }

    /** Answers peers' read-only queries (Ratis stale reads) from this replica's own state. */
    private byte[] answer(byte[] query) {
        try {
            Wire.In in = new Wire.In(query);
            int q = in.u8();
            if (q == Q_HEAD) {
                in.end();
                return new Wire.Out().u8(0).bytes(TreeHeadSigner.encode(treeHead())).toByteArray();
            }
            if (q == Q_CONSISTENCY) {
                long m = in.i64();
                long n = in.i64();
                in.end();
                List<byte[]> proof = consistencyProof(m, n);
                Wire.Out out = new Wire.Out().u8(0).i32(proof.size());
                proof.forEach(out::raw);
                return out.toByteArray();
            }
            return new Wire.Out().u8(1).str("unknown query " + q).toByteArray();
        } catch (MalformedException | IdentityLogException e) {
            return new Wire.Out().u8(1).str(e.getMessage()).toByteArray();
        }
    }

    private void pinOwnKey() {
        pinOwnKey(System.nanoTime());
    }

    /**
     * Pins this replica's tree-head key in the log: a write on every start (first pin wins; a
     * later start with another key is refused and logged, so peers will call its heads forged).
     */
    private void pinOwnKey(long since) {
        if (closed) {
            return;
        }
        if (replicator.leader() == null && System.nanoTime() - since < TimeUnit.SECONDS.toNanos(3)) {
            // no leader known yet: asking now mostly makes the Raft client log its retries
            try {
                scheduler.schedule(() -> pinOwnKey(since), 200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // stopping
            }
            return;
        }
        try {
            byte[] reply = await(replicator.submit(LogState.pinKeyCommand(settings.selfId(), signer.publicKeyInfo())),
                    "pinning the tree-head key of " + settings.selfId());
            String refused = LogState.parsePinReply(reply);
            if (refused != null) {
                LOG.error("identity log replica {}: its tree-head key is not the one pinned in the log ({}); peers "
                        + "will report its heads as forged", settings.selfId(), refused);
            }
        } catch (IdentityLogException | MalformedException e) {
            if (!closed) {
                LOG.info("identity log replica {}: tree-head key not pinned yet ({}), retrying", settings.selfId(),
                        e.getMessage());
                try {
                    scheduler.schedule(() -> pinOwnKey(System.nanoTime()), 1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.RejectedExecutionException ignored) {
                    // stopping
                }
            }
        }
    }

    // ---- status ----

    public String selfId() {
        return settings.selfId();
    }

    public String logId() {
        return settings.logId();
    }

    /** The leader as this replica knows it (itself in single-node mode), or null. */
    public String leader() {
        return replicator.leader();
    }

    public long size() {
        return state.size();
    }

    /** This replica's tree-head verification key (X.509 SubjectPublicKeyInfo). */
    public byte[] treeHeadKey() {
        return signer.publicKeyInfo();
    }

    /** The tree-head key of {@code replica} as pinned in the log, or null. */
    public byte[] pinnedKey(String replica) {
        return state.replicaKey(replica);
    }

    /** True iff {@code h} carries a valid signature of {@code replica}'s pinned key. */
    public boolean verifyTreeHead(String replica, SignedTreeHead h) {
        byte[] key = state.replicaKey(replica);
        return key != null && TreeHeadSigner.verify(key, h);
    }

    /** The last head of {@code peer} that passed the cross-check, or null. */
    public SignedTreeHead lastSeenHead(String peer) {
        return crossCheck.lastSeen(peer);
    }

    /** Forged heads detected so far (most recent last, at most 100). */
    public List<Incident> forgedHeads() {
        return crossCheck.incidents();
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        replicator.close();
        notifier.shutdown();
        try {
            notifier.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("identity log {} replica {} stopped", settings.logId(), settings.selfId());
    }
}
