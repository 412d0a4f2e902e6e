package org.qkdv2i.dpn.identitylog.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.identitylog.internal.EntryCodec.Leaf;
import org.qkdv2i.dpn.identitylog.internal.Wire.MalformedException;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * The replicated state: the entries, their Merkle tree, the directory derived from them, and
 * the replicas' pinned tree-head keys. {@link #apply} is the deterministic transition every
 * replica runs on the same committed commands in the same order (Raft), so every replica
 * computes the same tree.
 *
 * <p>Commands: {@code u8 1 | bytes leaf} appends an entry; {@code u8 2 | str replica | bytes
 * SubjectPublicKeyInfo} pins a replica's tree-head key (first pin wins). Replies:
 * {@code u8 0 | i64 index | bytes leaf} (append), {@code u8 0} (pin), {@code u8 1 | str reason}.
 */
public final class LogState {

    static final int CMD_APPEND = 1;
    static final int CMD_PIN_KEY = 2;
    static final int OK = 0;
    static final int REFUSED = 1;

    private final List<LogEntry> entries = new ArrayList<>();
    private final MerkleTree tree = new MerkleTree();
    private final Map<DeviceId, LogEntry> enrolments = new HashMap<>();
    private final Map<DeviceId, LogEntry> revocations = new HashMap<>();
    private final Map<String, byte[]> replicaKeys = new HashMap<>();
    private final Consumer<LogEntry> onAppended;

    /** @param onAppended called after each new entry, outside the state's lock, on the applying thread */
    public LogState(Consumer<LogEntry> onAppended) {
        this.onAppended = onAppended;
    }

    public static byte[] appendCommand(Leaf leaf) {
        return new Wire.Out().u8(CMD_APPEND).bytes(EntryCodec.encode(leaf)).toByteArray();
    }

    public static byte[] pinKeyCommand(String replicaId, byte[] publicKeyInfo) {
        return new Wire.Out().u8(CMD_PIN_KEY).str(replicaId).bytes(publicKeyInfo).toByteArray();
    }

    /** Applies one committed command; never throws: a refused or malformed command changes nothing. */
    public byte[] apply(byte[] command) {
        LogEntry appended = null;
        byte[] reply;
        synchronized (this) {
            try {
                Wire.In in = new Wire.In(command);
                int op = in.u8();
                if (op == CMD_APPEND) {
                    byte[] leafBytes = in.bytes();
                    in.end();
                    Leaf leaf = EntryCodec.decode(leafBytes);
                    String refusal = refusal(leaf);
                    LogEntry existing = existing(leaf);
                    if (refusal != null) {
                        reply = refused(refusal);
                    } else if (existing != null) {
                        // idempotent: the same enrolment or revocation twice is one entry
                        reply = appended(existing);
                    } else {
                        byte[] leafHash = Merkle.leafHash(leafBytes);
                        LogEntry entry = leaf.at(entries.size(), leafHash);
                        entries.add(entry);
                        tree.append(leafHash);
                        if (entry.type() == LogEntry.Type.ENROL) {
                            enrolments.put(entry.deviceId(), entry);
                        } else {
                            revocations.put(entry.deviceId(), entry);
                        }
                        appended = entry;
                        reply = appended(entry);
                    }
                } else if (op == CMD_PIN_KEY) {
                    String replica = in.str();
                    byte[] key = in.bytes();
                    in.end();
                    byte[] pinned = replicaKeys.putIfAbsent(replica, key);
                    reply = pinned == null || Arrays.equals(pinned, key) ? new byte[] {OK}
                            : refused("replica " + replica + " already has a different tree-head key pinned");
                } else {
                    reply = refused("unknown command " + op);
                }
            } catch (MalformedException | IllegalArgumentException e) {
                reply = refused("malformed command: " + e.getMessage());
            }
        }
        if (appended != null) {
            onAppended.accept(appended);
        }
        return reply;
    }

    private String refusal(Leaf leaf) {
        LogEntry enrolled = enrolments.get(leaf.deviceId());
        if (leaf.type() == LogEntry.Type.ENROL) {
            if (revocations.containsKey(leaf.deviceId())) {
                return "device " + leaf.deviceId() + " is revoked; a revoked identity cannot enrol again";
            }
            if (enrolled != null && !sameIdentity(enrolled.record(), leaf.record())) {
                return "device " + leaf.deviceId() + " is already enrolled with different keys or attributes";
            }
        } else if (enrolled == null) {
            return "device " + leaf.deviceId() + " is not enrolled";
        }
        return null;
    }

    private LogEntry existing(Leaf leaf) {
        return leaf.type() == LogEntry.Type.ENROL ? enrolments.get(leaf.deviceId()) : revocations.get(leaf.deviceId());
    }

    /** A re-enrolment (e.g. after a DAU restart) differs only in its time. */
    private static boolean sameIdentity(IdentityRecord a, IdentityRecord b) {
        return a.name().equals(b.name()) && a.role() == b.role() && a.kind() == b.kind() && a.zone().equals(b.zone())
                && Arrays.equals(a.measurementDigest(), b.measurementDigest())
                && Arrays.equals(a.mlDsaPublicKey(), b.mlDsaPublicKey())
                && Arrays.equals(a.mlKemPublicKey(), b.mlKemPublicKey());
    }

    private static byte[] appended(LogEntry e) {
        return new Wire.Out().u8(OK).i64(e.index()).bytes(EntryCodec.encode(leafOf(e))).toByteArray();
    }

    private static byte[] refused(String reason) {
        return new Wire.Out().u8(REFUSED).str(reason).toByteArray();
    }

    static Leaf leafOf(LogEntry e) {
        return new Leaf(e.type(), e.deviceId(), e.record(), e.reason(), e.timestamp());
    }

    /**
     * Reads an append reply into the entry it names.
     *
     * @throws RefusedException if the log refused the command
     */
    public static LogEntry parseAppendReply(byte[] reply) throws RefusedException, MalformedException {
        Wire.In in = new Wire.In(reply);
        int status = in.u8();
        if (status == REFUSED) {
            throw new RefusedException(in.str());
        }
        if (status != OK) {
            throw new MalformedException("unknown reply status " + status);
        }
        long index = in.i64();
        byte[] leafBytes = in.bytes();
        in.end();
        return EntryCodec.decode(leafBytes).at(index, Merkle.leafHash(leafBytes));
    }

    /** @return null if accepted, else the reason */
    public static String parsePinReply(byte[] reply) throws MalformedException {
        Wire.In in = new Wire.In(reply);
        int status = in.u8();
        return status == OK ? null : in.str();
    }

    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String reason) {
            super(reason);
        }
    }

    // ---- reads ----

    public synchronized long size() {
        return entries.size();
    }

    public synchronized List<LogEntry> entries(long from, long to) {
        int f = (int) Math.max(0, Math.min(from, entries.size()));
        int t = (int) Math.max(f, Math.min(to, entries.size()));
        return List.copyOf(entries.subList(f, t));
    }

    /** The root of the first {@code treeSize} entries. */
    public synchronized byte[] root(long treeSize) {
        return tree.root(treeSize);
    }

    /** A tree size with its root, read together. */
    public record Tree(long size, byte[] root) {
    }

    public synchronized Tree tree() {
        return new Tree(entries.size(), tree.root(entries.size()));
    }

    public synchronized List<byte[]> inclusionProof(long index, long treeSize) {
        return tree.inclusionProof(index, treeSize);
    }

    public synchronized List<byte[]> consistencyProof(long first, long second) {
        return tree.consistencyProof(first, second);
    }

    public synchronized Optional<IdentityRecord> find(DeviceId id) {
        LogEntry e = enrolments.get(id);
        return e == null ? Optional.empty() : Optional.of(e.record());
    }

    public synchronized boolean isRevoked(DeviceId id) {
        return revocations.containsKey(id);
    }

    public synchronized byte[] replicaKey(String replicaId) {
        byte[] k = replicaKeys.get(replicaId);
        return k == null ? null : k.clone();
    }
}
