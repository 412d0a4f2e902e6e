package org.qkdv2i.dpn.identitylog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.dpn.identitylog.internal.IdentityLogNode;
import org.qkdv2i.dpn.identitylog.internal.Merkle;
import org.qkdv2i.dpn.identitylog.internal.NodeSettings;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * A single-node identity log for plain Java and JUnit (no OSGi, no Raft): the same log,
 * Merkle tree, signed heads and directory listeners as the DS component, for other modules'
 * tests and demos.
 *
 * <pre>
 * try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inMemory()) {
 *     log.enrol(record);                       // IdentityLog
 *     log.find(record.id());                   // IdentityDirectory
 *     log.addListener((id, revoked) -> ...);   // called on a log thread after each entry
 * }
 * </pre>
 *
 * Not exported by the bundle: in OSGi, use the {@code IdentityLog} / {@code IdentityDirectory}
 * services of the component with PID {@code org.qkdv2i.dpn.IdentityLog}.
 */
public final class EmbeddedIdentityLog implements IdentityLog, IdentityDirectory, AutoCloseable {

    private final IdentityLogNode node;

    private EmbeddedIdentityLog(IdentityLogNode node) {
        this.node = node;
    }

    /** A log held in memory only (its tree-head key too), log ID "qkdv2i-test". */
    public static EmbeddedIdentityLog inMemory() {
        return inMemory("qkdv2i-test");
    }

    public static EmbeddedIdentityLog inMemory(String logId) {
        return open(new NodeSettings(logId, "local", Map.of(), null, null, Duration.ofSeconds(10), Duration.ZERO,
                null, null));
    }

    /**
     * A log persisted in {@code dir} (journal, encrypted tree-head key and its KEK file):
     * opening the same directory again gives the same log and key.
     */
    public static EmbeddedIdentityLog inDirectory(Path dir, String logId) {
        return open(new NodeSettings(logId, "local", Map.of(), dir, null, Duration.ofSeconds(10), Duration.ZERO,
                null, null));
    }

    private static EmbeddedIdentityLog open(NodeSettings settings) {
        IdentityLogNode node;
        try {
            node = IdentityLogNode.start(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the identity log: " + e.getMessage(), e);
        }
        // A replica pins its tree-head key with a write of its own, asynchronously (a replicated log
        // needs a quorum for it). This single-replica log commits it at once: hand the log out only
        // once its own heads verify, or a caller's first verifyTreeHead races the pin.
        long deadline = System.nanoTime() + PIN_TIMEOUT.toNanos();
        while (node.pinnedKey(settings.selfId()) == null) {
            if (System.nanoTime() > deadline) {
                node.close();
                throw new IllegalStateException("identity log " + settings.logId() + ": tree-head key not pinned within "
                        + PIN_TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // poll interval of a local commit
        }
        return new EmbeddedIdentityLog(node);
    }

    private static final Duration PIN_TIMEOUT = Duration.ofSeconds(30);

    /** This log's tree-head verification key (ML-DSA-65, X.509 SubjectPublicKeyInfo). */
    public byte[] treeHeadKey() {
        return node.treeHeadKey();
    }

    /** True iff {@code head} is signed by this log's key. */
    public boolean verifyTreeHead(SignedTreeHead head) {
        return node.verifyTreeHead(node.selfId(), head);
    }

    /** RFC 9162 §2.1.3.2 verification of an inclusion proof. */
    public static boolean verifyInclusion(LogEntry entry, long treeSize, List<byte[]> proof, byte[] root) {
        return Merkle.verifyInclusion(entry.index(), treeSize, entry.leafHash(), proof, root);
    }

    /** RFC 9162 §2.1.4.2 verification of a consistency proof between two heads. */
    public static boolean verifyConsistency(SignedTreeHead first, SignedTreeHead second, List<byte[]> proof) {
        return Merkle.verifyConsistency(first.treeSize(), second.treeSize(), first.rootHash(), second.rootHash(),
                proof);
    }

    @Override
    public LogEntry enrol(IdentityRecord record) throws IdentityLogException {
        return node.enrol(record);
    }

    @Override
    public LogEntry revoke(DeviceId id, String reason) throws IdentityLogException {
        return node.revoke(id, reason);
    }

    @Override
    public SignedTreeHead treeHead() {
        return node.treeHead();
    }

    @Override
    public List<LogEntry> entries(long from, long to) {
        return node.entries(from, to);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long treeSize) throws IdentityLogException {
        return node.inclusionProof(index, treeSize);
    }

    @Override
    public List<byte[]> consistencyProof(long first, long second) throws IdentityLogException {
        return node.consistencyProof(first, second);
    }

    @Override
    public Optional<IdentityRecord> find(DeviceId id) {
        return node.find(id);
    }

    @Override
    public boolean isRevoked(DeviceId id) {
        return node.isRevoked(id);
    }

    @Override
    public void addListener(Listener listener) {
        node.addListener(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        node.removeListener(listener);
    }

    @Override
    public void close() {
        node.close();
    }
}
