package org.qkdv2i.kmm.internal.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * A durable map from key ID to a record, stored in insertion order: the MVStore key is a
 * sequence number, the ID travels in the record, and an in-memory index maps ID → sequence
 * number. Random UUIDs as B-tree keys put every insert and removal into a random leaf, so each
 * commit rewrote a dozen 16 KB pages of UUID strings (the top cost of the request path in a
 * profile); in insertion order the inserts share the rightmost leaf and the removals of old
 * records the leftmost ones.
 */
final class IdLog {

    private static final int ID_BYTES = 16;

    private final MVMap<Long, byte[]> map;
    private final Journal journal;
    /** ID → sequence number, in insertion order. */
    private final LinkedHashMap<UUID, Long> index = new LinkedHashMap<>();
    private long next;

    IdLog(MVStore store, String name, Journal journal) {
        this.map = Vault.openLongBytes(store, name);
        this.journal = journal;
        Long last = map.lastKey();
        this.next = last == null ? 0 : last + 1;
        for (Map.Entry<Long, byte[]> e : map.entrySet()) {
            index.put(idOf(e.getValue()), e.getKey());
        }
    }

    /** Stores or replaces the record of {@code id}; a new ID goes to the end of the order. */
    void put(UUID id, byte[] payload) {
        Long seq = index.get(id);
        if (seq == null) {
            seq = next++;
            index.put(id, seq);
        }
        byte[] rec = ByteBuffer.allocate(ID_BYTES + payload.length).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).put(payload).array();
        map.put(seq, rec);
        journal.putLongBytes(map.getName(), seq, rec);
    }

    /** @return the record of {@code id}, or null */
    byte[] get(UUID id) {
        Long seq = index.get(id);
        byte[] rec = seq == null ? null : map.get(seq);
        return rec == null ? null : Arrays.copyOfRange(rec, ID_BYTES, rec.length);
    }

    boolean contains(UUID id) {
        return index.containsKey(id);
    }

    void remove(UUID id) {
        Long seq = index.remove(id);
        if (seq != null) {
            map.remove(seq);
            journal.removeLong(map.getName(), seq);
        }
    }

    int size() {
        return index.size();
    }

    /** The ID stored longest ago, or null if empty. */
    UUID oldest() {
        return index.isEmpty() ? null : index.keySet().iterator().next();
    }

    /** Every record, oldest first. */
    void forEach(BiConsumer<UUID, byte[]> action) {
        for (byte[] rec : map.values()) {
            action.accept(idOf(rec), Arrays.copyOfRange(rec, ID_BYTES, rec.length));
        }
    }

    /** Every ID, oldest first. */
    List<UUID> ids() {
        List<UUID> out = new ArrayList<>(index.size());
        for (byte[] rec : map.values()) {
            out.add(idOf(rec));
        }
        return out;
    }

    private static UUID idOf(byte[] rec) {
        ByteBuffer b = ByteBuffer.wrap(rec);
        return new UUID(b.getLong(), b.getLong());
    }
}
