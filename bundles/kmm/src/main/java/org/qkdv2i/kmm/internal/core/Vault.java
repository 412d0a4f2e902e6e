package org.qkdv2i.kmm.internal.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The durable key store: one H2 MVStore file per node. Key material is sealed with
 * AES-256-GCM under the KEK before it reaches the file; metadata (IDs, SAE IDs, times)
 * is stored in clear. Auto-commit is off: the core commits after every mutation that
 * matters, so a kill -9 neither loses an undelivered key nor resurrects a delivered one.
 */
final class Vault implements AutoCloseable {

    static final String FILE_NAME = "keys.mv.db";
    private static final String KIND_PART = "part";
    private static final String KIND_LOCAL = "local";

    /** Metadata of one stored key (a part of delivered keys). */
    record PartMeta(UUID id, String linkId, long seq, long storedAt) {
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
    private final MVMap<String, byte[]> parts;
    private final MVMap<String, byte[]> pending;
    private final MVMap<String, byte[]> localKeys;
    private final Sealer sealer;
    private final Path file;

    private Vault(MVStore store, Sealer sealer, Path file) {
        this.store = store;
        this.sealer = sealer;
        this.file = file;
        this.links = store.openMap("links");
        this.parts = store.openMap("parts");
        this.pending = store.openMap("pending");
        this.localKeys = store.openMap("localKeys");
    }

    static Vault open(Path dir, Sealer sealer) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
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
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return new Vault(store, sealer, file);
    }

    Path file() {
        return file;
    }

    void commit() {
        store.commit();
    }

    // links ---------------------------------------------------------------

    void putLink(String linkId, String peerNodeId) {
        if (!peerNodeId.equals(links.get(linkId))) {
            links.put(linkId, peerNodeId);
        }
    }

    Map<String, String> links() {
        return Map.copyOf(links);
    }

    // stored keys -----------------------------------------------------------

    boolean hasPart(UUID id) {
        return parts.containsKey(id.toString());
    }

    void putPart(PartMeta meta, byte[] key) {
        String id = meta.id().toString();
        byte[] sealed = sealer.seal(KIND_PART, id, key);
        parts.put(id, write(out -> {
            out.writeUTF(meta.linkId());
            out.writeLong(meta.seq());
            out.writeLong(meta.storedAt());
            out.writeInt(sealed.length);
            out.write(sealed);
        }));
    }

    /** @return the key bytes (caller zeroises) or null if absent */
    byte[] openPart(UUID id) {
        byte[] rec = parts.get(id.toString());
        if (rec == null) {
            return null;
        }
        try (DataInputStream in = in(rec)) {
            in.readUTF();
            in.readLong();
            in.readLong();
            byte[] sealed = new byte[in.readInt()];
            in.readFully(sealed);
            return sealer.open(KIND_PART, id.toString(), sealed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void removePart(UUID id) {
        parts.remove(id.toString());
    }

    void forEachPart(Consumer<PartMeta> action) {
        for (Map.Entry<String, byte[]> e : parts.entrySet()) {
            try (DataInputStream in = in(e.getValue())) {
                action.accept(new PartMeta(UUID.fromString(e.getKey()), in.readUTF(), in.readLong(), in.readLong()));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    // pending keys (peer reservations and local DRBG keys) ------------------------

    void putPending(Pending p) {
        pending.put(p.keyId().toString(), encode(p));
    }

    void removePending(UUID keyId) {
        pending.remove(keyId.toString());
    }

    void forEachPending(Consumer<Pending> action) {
        for (byte[] v : pending.values()) {
            action.accept(decode(v));
        }
    }

    void putLocal(Pending p, byte[] key) {
        String id = p.keyId().toString();
        byte[] meta = encode(p);
        byte[] sealed = sealer.seal(KIND_LOCAL, id, key);
        localKeys.put(id, write(out -> {
            out.writeInt(meta.length);
            out.write(meta);
            out.writeInt(sealed.length);
            out.write(sealed);
        }));
    }

    /** Updates the metadata of a local key, keeping its sealed bytes. */
    void updateLocal(Pending p) {
        String id = p.keyId().toString();
        byte[] rec = localKeys.get(id);
        if (rec == null) {
            return;
        }
        byte[] sealed = localSealed(rec);
        byte[] meta = encode(p);
        localKeys.put(id, write(out -> {
            out.writeInt(meta.length);
            out.write(meta);
            out.writeInt(sealed.length);
            out.write(sealed);
        }));
    }

    byte[] openLocal(UUID keyId) {
        byte[] rec = localKeys.get(keyId.toString());
        return rec == null ? null : sealer.open(KIND_LOCAL, keyId.toString(), localSealed(rec));
    }

    void removeLocal(UUID keyId) {
        localKeys.remove(keyId.toString());
    }

    void forEachLocal(Consumer<Pending> action) {
        for (byte[] v : localKeys.values()) {
            try (DataInputStream in = in(v)) {
                byte[] meta = new byte[in.readInt()];
                in.readFully(meta);
                action.accept(decode(meta));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
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
            store.close();
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

    private static byte[] encode(Pending p) {
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
