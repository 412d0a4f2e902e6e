package org.qkdv2i.kmm.internal.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;

/**
 * The durable key store: one H2 MVStore file per node. Key material is sealed with
 * AES-256-GCM under the KEK before it reaches the file; metadata (IDs, SAE IDs, times)
 * is stored in clear. Auto-commit is off: the core commits after every mutation that
 * matters, so a kill -9 neither loses an undelivered key nor resurrects a delivered one.
 *
 * <p>Stored keys are keyed by their sequence number, not by their (random-looking) ID: a
 * block's keys then land in the rightmost leaves of the B-tree and a commit rewrites a
 * handful of pages instead of one page per key (measured: 512,000 stored keys left an 81 MB
 * file instead of 2.3 GB). An in-memory index maps ID → sequence number.
 */
final class Vault implements AutoCloseable {

    static final String FILE_NAME = "keys.mv.db";
    private static final String KIND_PART = "part";
    private static final String KIND_LOCAL = "local";
    private static final String PARTS_MAP = "storedKeys";

    /**
     * Metadata of one stored key (a part of delivered keys).
     *
     * @param storedAt when this node stored it (this node's clock)
     * @param created  creation time of its key block as the driver stamped it
     */
    record PartMeta(UUID id, String linkId, long seq, long storedAt, long created) {
    }

    /**
     * A key a peer KMM reserved here for its master SAE, or a key a local master SAE
     * requested: waiting for the slave SAE(s) to fetch it.
     *
     * @param parts stored key IDs for a peer reservation, empty for a local (DRBG) key
     */
    record Pending(UUID keyId, String linkId, String masterSaeId, List<String> slaveSaeIds,
            List<String> remainingSlaves, int bits, long createdAt, List<UUID> parts) {
    }

    private final MVStore store;
    private final MVMap<String, String> links;
    /** Stored keys: sequence number → ID, times, link, sealed bytes. */
    private final MVMap<Long, byte[]> parts;
    /** In-memory index of {@link #parts}: ID → sequence number. */
    private final Map<UUID, Long> partIndex = new HashMap<>();
    /** Per link: newest block creation time this node has ingested (stored, dropped or duplicate). */
    private final MVMap<String, Long> watermarks;
    private final IdLog pending;
    private final IdLog localKeys;
    /** Keys this node delivered whose reservation the peer KMM has not acknowledged yet (no key bytes). */
    private final IdLog outbox;
    /** Key IDs of peer-reserved keys delivered here lately, with when (bounded by the core). */
    private final IdLog delivered;
    /** Keys voided on request (key replacement): when and why, so a restart keeps them void (bounded by the core). */
    private final IdLog voided;
    /** Keys delivered to master SAEs here: when, the pair and the slaves' node, so they can be voided after a restart. */
    private final IdLog issued;
    private final Sealer sealer;
    private final Path file;
    private final Journal journal;
    /** First journal segment not yet covered by a checkpoint on disk. */
    private long firstSegmentNeeded;

    private Vault(MVStore store, Sealer sealer, Path file, Journal journal) {
        this.store = store;
        this.sealer = sealer;
        this.file = file;
        this.journal = journal;
        this.links = store.openMap("links");
        this.parts = openLongBytes(store, PARTS_MAP);
        this.watermarks = store.openMap("watermarks");
        this.pending = new IdLog(store, "pendingLog", journal);
        this.localKeys = new IdLog(store, "localKeysLog", journal);
        this.outbox = new IdLog(store, "outboxLog", journal);
        this.delivered = new IdLog(store, "deliveredLog", journal);
        this.voided = new IdLog(store, "voidedLog", journal);
        this.issued = new IdLog(store, "issuedLog", journal);
        migrate("pending", pending);
        migrate("localKeys", localKeys);
        migrate("outbox", outbox);
        migrate("delivered", delivered);
    }

    /**
     * Moves the records of a store written before 0.1 kept these maps keyed by ID strings
     * (see {@link IdLog}) into their log; committed by {@link #open}.
     */
    private void migrate(String oldName, IdLog log) {
        if (!store.hasMap(oldName)) {
            return;
        }
        MVMap<String, Object> old = store.openMap(oldName);
        for (Map.Entry<String, Object> e : old.entrySet()) {
            Object v = e.getValue();
            log.put(UUID.fromString(e.getKey()),
                    v instanceof Long t ? ByteBuffer.allocate(8).putLong(t).array() : (byte[]) v);
        }
        store.removeMap(old);
    }

    /** Maps keyed by sequence number with byte[] records: stored keys and the {@link IdLog}s. */
    static MVMap<Long, byte[]> openLongBytes(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
    }

    private static MVMap<?, ?> openForReplay(MVStore store, String name) {
        return name.equals(PARTS_MAP) || name.endsWith("Log") ? openLongBytes(store, name) : store.openMap(name);
    }

    static Vault open(Path dir, Sealer sealer) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().pageSplitSize(PAGE_SPLIT_BYTES).open();
        // MVStore keeps replaced chunks 45 s by default; at thousands of commits a second (one per
        // request) that grows the file by hundreds of megabytes. Two seconds, with a sync of the
        // file every second (sync()), still never frees a chunk before its replacement is on disk.
        store.setRetentionTime(RETENTION_MILLIS);
        try {
            // a sealed marker tells at once whether this KEK is the one the store was written with
            MVMap<String, byte[]> meta = store.openMap("meta");
            byte[] check = meta.get("kekCheck");
            if (check == null) {
                meta.put("kekCheck", sealer.seal("meta", "kekCheck", new byte[16]));
                store.commit();
            } else {
                try {
                    sealer.open("meta", "kekCheck", check);
                } catch (IllegalStateException e) {
                    throw new IOException("key store " + file.toAbsolutePath()
                            + " was written under another KEK; restore the node's KEK file");
                }
            }
            // what was made durable after the last checkpoint
            Journal.replay(dir, name -> openForReplay(store, name));
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        Journal journal = Journal.open(dir);
        Vault v = new Vault(store, sealer, file, journal);
        // the replayed records (and a migration, if any) into the store file, then on the disk
        store.commit();
        store.sync();
        v.firstSegmentNeeded = journal.rotate();
        journal.deleteBefore(v.firstSegmentNeeded);
        v.forEachPart(m -> v.partIndex.put(m.id(), m.seq()));
        return v;
    }

    Path file() {
        return file;
    }

    /**
     * Pages split at 4 KB instead of MVStore's 16 KB: a commit rewrites the leaf it changed in
     * every map it touched (also MVStore's own chunk table, which at thousands of commits a second
     * holds thousands of live chunks), so smaller leaves mean fewer bytes per commit.
     */
    static final int PAGE_SPLIT_BYTES = 4096;

    /** How long replaced chunks stay in the file; must exceed the period of {@link #sync()}. */
    static final int RETENTION_MILLIS = 2000;

    /**
     * Checkpoint, first half (the core calls it under its monitor, about once a second): commits
     * MVStore — one chunk for everything since the last checkpoint — compacts a little, and
     * starts a new journal segment.
     */
    void checkpoint() {
        if (store.isClosed()) {
            return;
        }
        store.commit();
        compact();
        pendingSegment = journal.rotate();
    }

    /** Set by {@link #checkpoint}: segments before it are redundant once the store is synced. */
    private volatile long pendingSegment = -1;

    /**
     * Checkpoint, second half (outside the monitor: an fsync can take a while): forces the store
     * file and the journal to the disk and drops the journal segments the store now covers.
     * Commits and journal appends alone survive a killed process (the operating system holds the
     * writes); this bounds what a power failure can lose to the time since the last call.
     */
    void sync() {
        if (store.isClosed()) {
            return;
        }
        long covered = pendingSegment;
        store.sync();
        journal.force();
        if (covered > firstSegmentNeeded) {
            journal.deleteBefore(covered);
            firstSegmentNeeded = covered;
        }
    }

    /**
     * Rewrites the live pages of the emptiest chunks so MVStore can free them. With auto-commit
     * off MVStore never does this itself, and at one commit per request nearly every chunk keeps
     * a page or two alive (a stored key's leaf) while the rest is garbage: measured 15,000 live
     * chunks at a 4 % fill rate and a 300 MB file after 20 s at 2,000 requests a second, and
     * every commit rewrote the ever larger chunk table. Bounded work per call.
     */
    private void compact() {
        store.compact(COMPACT_TARGET_FILL_PERCENT, COMPACT_WRITE_BYTES);
    }

    /**
     * A little per checkpoint, under the core lock (requests wait): 4 MB took tens of
     * milliseconds on a 25 MB store; with one commit a second chunks die mostly by themselves
     * (keys are consumed oldest first), so a slow steady compaction bounds the file.
     */
    static final int COMPACT_TARGET_FILL_PERCENT = 50;
    static final int COMPACT_WRITE_BYTES = 256 << 10;

    /**
     * Makes every change so far durable against a killed process: appends it to the journal as
     * one group. Called under the core's monitor, so the group is a state between two mutations.
     */
    void commit() {
        writeGroup(takeGroup());
    }

    /**
     * First half of {@link #commit}, under the core's monitor: closes the group of changes so far.
     * @return its number for {@link #writeGroup}
     */
    long takeGroup() {
        if (journal.segmentBytes() > CHECKPOINT_SEGMENT_BYTES) {
            checkpoint(); // nobody called sync() for a while (tests, or a stalled scheduler)
        }
        return journal.take();
    }

    /** Second half of {@link #commit}, outside the monitor: writes the groups up to {@code group}. */
    void writeGroup(long group) {
        journal.write(group);
    }

    /** A journal segment this big forces a checkpoint even between the core's regular ones. */
    static final long CHECKPOINT_SEGMENT_BYTES = 64L << 20;

    // links ---------------------------------------------------------------

    void putLink(String linkId, String peerNodeId) {
        if (!peerNodeId.equals(links.get(linkId))) {
            links.put(linkId, peerNodeId);
            journal.putStringString(links.getName(), linkId, peerNodeId);
        }
    }

    Map<String, String> links() {
        return Map.copyOf(links);
    }

    // stored keys -----------------------------------------------------------

    boolean hasPart(UUID id) {
        return partIndex.containsKey(id);
    }

    void putPart(PartMeta meta, byte[] key) {
        putSealedPart(meta.id(), meta.seq(), sealPart(meta, key));
    }

    /**
     * The store record of a stored key (sealed bytes and metadata; {@code meta.seq()} is not
     * part of it), made without touching the store so the caller may do it outside its lock.
     */
    byte[] sealPart(PartMeta meta, byte[] key) {
        return encodePart(meta, sealer.seal(KIND_PART, meta.id().toString(), key));
    }

    /** Stores a record made by {@link #sealPart} under sequence number {@code seq}. */
    void putSealedPart(UUID id, long seq, byte[] record) {
        parts.put(seq, record);
        journal.putLongBytes(PARTS_MAP, seq, record);
        partIndex.put(id, seq);
    }

    /** @return the key bytes (caller zeroises) or null if absent */
    byte[] openPart(UUID id) {
        Long seq = partIndex.get(id);
        byte[] rec = seq == null ? null : parts.get(seq);
        if (rec == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(rec);
        b.position(PART_FIXED + (b.getShort(PART_FIXED - 2) & 0xffff));
        byte[] sealed = new byte[b.remaining()];
        b.get(sealed);
        return sealer.open(KIND_PART, id.toString(), sealed);
    }

    void removePart(UUID id) {
        Long seq = partIndex.remove(id);
        if (seq != null) {
            parts.remove(seq);
            journal.removeLong(PARTS_MAP, seq);
        }
    }

    void forEachPart(Consumer<PartMeta> action) {
        for (Map.Entry<Long, byte[]> e : parts.entrySet()) {
            ByteBuffer b = ByteBuffer.wrap(e.getValue());
            UUID id = new UUID(b.getLong(), b.getLong());
            long storedAt = b.getLong();
            long created = b.getLong();
            byte[] link = new byte[b.getShort() & 0xffff];
            b.get(link);
            action.accept(new PartMeta(id, new String(link, StandardCharsets.UTF_8), e.getKey(), storedAt, created));
        }
    }

    /** ID, storedAt, created, link ID length: the fixed head of a stored key record. */
    private static final int PART_FIXED = 16 + 8 + 8 + 2;

    private static byte[] encodePart(PartMeta m, byte[] sealed) {
        byte[] link = m.linkId().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(PART_FIXED + link.length + sealed.length)
                .putLong(m.id().getMostSignificantBits()).putLong(m.id().getLeastSignificantBits())
                .putLong(m.storedAt()).putLong(m.created()).putShort((short) link.length).put(link).put(sealed)
                .array();
    }

    /** Newest block creation time ingested on a link, or null if none yet. */
    Long watermark(String linkId) {
        return watermarks.get(linkId);
    }

    void putWatermark(String linkId, long createdMillis) {
        watermarks.put(linkId, createdMillis);
        journal.putStringLong(watermarks.getName(), linkId, createdMillis);
    }

    // pending keys (peer reservations and local DRBG keys) ------------------------

    void putPending(Pending p) {
        pending.put(p.keyId(), encode(p));
    }

    void removePending(UUID keyId) {
        pending.remove(keyId);
    }

    void forEachPending(Consumer<Pending> action) {
        pending.forEach((id, v) -> action.accept(decode(v)));
    }

    // outbox: delivered here, reservation not yet acknowledged by the peer --------------

    void putOutbox(Pending p) {
        outbox.put(p.keyId(), encode(p));
    }

    void removeOutbox(UUID keyId) {
        outbox.remove(keyId);
    }

    void forEachOutbox(Consumer<Pending> action) {
        outbox.forEach((id, v) -> action.accept(decode(v)));
    }

    void putDelivered(UUID keyId, long atMillis) {
        delivered.put(keyId, ByteBuffer.allocate(8).putLong(atMillis).array());
    }

    void removeDelivered(UUID keyId) {
        delivered.remove(keyId);
    }

    boolean wasDelivered(UUID keyId) {
        return delivered.contains(keyId);
    }

    int deliveredCount() {
        return delivered.size();
    }

    /** The key delivered longest ago of those remembered, or null. */
    UUID oldestDelivered() {
        return delivered.oldest();
    }

    /** Remembered delivered key IDs, oldest first. */
    List<UUID> deliveredOldestFirst() {
        return delivered.ids();
    }

    // voided and issued key IDs (key replacement): metadata only, no key bytes ----------

    /** A key voided on request: when (this node's clock) and why. */
    record Voided(long atMillis, String reason) {
    }

    /** A key delivered to a master SAE here: when, the pair, and the node of its slaves. */
    record IssuedRecord(long atMillis, String master, List<String> slaves, String slaveNode) {
    }

    void putVoided(UUID keyId, Voided v) {
        voided.put(keyId, write(out -> {
            out.writeLong(v.atMillis());
            out.writeUTF(v.reason());
        }));
    }

    void removeVoided(UUID keyId) {
        voided.remove(keyId);
    }

    int voidedCount() {
        return voided.size();
    }

    /** The key voided longest ago, or null. */
    UUID oldestVoided() {
        return voided.oldest();
    }

    /** The record of a voided key, or null. */
    Voided voided(UUID keyId) {
        byte[] v = voided.get(keyId);
        if (v == null) {
            return null;
        }
        try (DataInputStream in = in(v)) {
            return new Voided(in.readLong(), in.readUTF());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** When a remembered issued key was delivered, or null. */
    Long issuedAt(UUID keyId) {
        byte[] v = issued.get(keyId);
        return v == null ? null : ByteBuffer.wrap(v).getLong();
    }

    /** Every voided key, oldest first. */
    void forEachVoided(java.util.function.BiConsumer<UUID, Voided> action) {
        voided.forEach((id, v) -> {
            try (DataInputStream in = in(v)) {
                action.accept(id, new Voided(in.readLong(), in.readUTF()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    void putIssued(UUID keyId, IssuedRecord r) {
        issued.put(keyId, write(out -> {
            out.writeLong(r.atMillis());
            out.writeUTF(r.master());
            out.writeUTF(r.slaveNode());
            out.writeInt(r.slaves().size());
            for (String s : r.slaves()) {
                out.writeUTF(s);
            }
        }));
    }

    void removeIssued(UUID keyId) {
        issued.remove(keyId);
    }

    int issuedCount() {
        return issued.size();
    }

    /** The key issued longest ago of those remembered, or null. */
    UUID oldestIssued() {
        return issued.oldest();
    }

    /** Every remembered issued key, oldest first. */
    void forEachIssued(java.util.function.BiConsumer<UUID, IssuedRecord> action) {
        issued.forEach((id, v) -> {
            try (DataInputStream in = in(v)) {
                long at = in.readLong();
                String master = in.readUTF();
                String slaveNode = in.readUTF();
                int n = in.readInt();
                List<String> slaves = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    slaves.add(in.readUTF());
                }
                action.accept(id, new IssuedRecord(at, master, List.copyOf(slaves), slaveNode));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    void putLocal(Pending p, byte[] key) {
        byte[] meta = encode(p);
        byte[] sealed = sealer.seal(KIND_LOCAL, p.keyId().toString(), key);
        localKeys.put(p.keyId(), write(out -> {
            out.writeInt(meta.length);
            out.write(meta);
            out.writeInt(sealed.length);
            out.write(sealed);
        }));
    }

    /** Updates the metadata of a local key, keeping its sealed bytes. */
    void updateLocal(Pending p) {
        byte[] rec = localKeys.get(p.keyId());
        if (rec == null) {
            return;
        }
        byte[] sealed = localSealed(rec);
        byte[] meta = encode(p);
        localKeys.put(p.keyId(), write(out -> {
            out.writeInt(meta.length);
            out.write(meta);
            out.writeInt(sealed.length);
            out.write(sealed);
        }));
    }

    byte[] openLocal(UUID keyId) {
        byte[] rec = localKeys.get(keyId);
        return rec == null ? null : sealer.open(KIND_LOCAL, keyId.toString(), localSealed(rec));
    }

    void removeLocal(UUID keyId) {
        localKeys.remove(keyId);
    }

    void forEachLocal(Consumer<Pending> action) {
        localKeys.forEach((id, v) -> {
            try (DataInputStream in = in(v)) {
                byte[] meta = new byte[in.readInt()];
                in.readFully(meta);
                action.accept(decode(meta));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static byte[] localSealed(byte[] rec) {
        try (DataInputStream in = in(rec)) {
            in.skipBytes(in.readInt());
            byte[] sealed = new byte[in.readInt()];
            in.readFully(sealed);
            return sealed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (!store.isClosed()) {
            store.commit();
            store.sync();
            store.close();
            journal.close();
            journal.deleteBefore(Long.MAX_VALUE); // all in the store now
        }
        sealer.close();
    }

    // encoding ----------------------------------------------------------------

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream in(byte[] b) {
        return new DataInputStream(new ByteArrayInputStream(b));
    }

    static byte[] encode(Pending p) {
        return write(out -> {
            out.writeLong(p.keyId().getMostSignificantBits());
            out.writeLong(p.keyId().getLeastSignificantBits());
            out.writeUTF(p.linkId());
            out.writeUTF(p.masterSaeId());
            writeStrings(out, p.slaveSaeIds());
            writeStrings(out, p.remainingSlaves());
            out.writeInt(p.bits());
            out.writeLong(p.createdAt());
            out.writeInt(p.parts().size());
            for (UUID u : p.parts()) {
                out.writeLong(u.getMostSignificantBits());
                out.writeLong(u.getLeastSignificantBits());
            }
        });
    }

    private static Pending decode(byte[] b) {
        try (DataInputStream in = in(b)) {
            UUID id = new UUID(in.readLong(), in.readLong());
            String link = in.readUTF();
            String master = in.readUTF();
            List<String> slaves = readStrings(in);
            List<String> remaining = readStrings(in);
            int bits = in.readInt();
            long created = in.readLong();
            int n = in.readInt();
            List<UUID> ps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ps.add(new UUID(in.readLong(), in.readLong()));
            }
            return new Pending(id, link, master, slaves, remaining, bits, created, List.copyOf(ps));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeStrings(DataOutputStream out, List<String> s) throws IOException {
        out.writeInt(s.size());
        for (String x : s) {
            out.writeUTF(x);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> s = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            s.add(in.readUTF());
        }
        return List.copyOf(s);
    }
}
