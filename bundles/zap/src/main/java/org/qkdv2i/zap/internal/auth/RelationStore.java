package org.qkdv2i.zap.internal.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.internal.crypto.Sealed;

/**
 * The DAU's enrolled relations: per peer, its identity record and a 32-byte relation secret
 * from which the per-pair KMAC key is derived. Kept in memory and, when a file is given,
 * sealed at rest with AES-256-GCM under the PUF-derived storage key (the file name carries
 * this DAU's device ID, so a changed identity finds no relations).
 */
public final class RelationStore implements AutoCloseable {

    private static final String PURPOSE = "relations";

    /**
     * One relation; {@link #secret()} is a copy the caller zeroises. {@code confirmed} is false
     * while the peer has not yet shown it holds the relation too (an initiator stores it before
     * knowing whether its last message arrived).
     */
    public record Relation(IdentityRecord peer, byte[] secret, Instant since, boolean confirmed) {
    }

    private final Path file;
    private final byte[] storageKey;
    private final SecureRandom random;
    private final Map<DeviceId, Relation> relations = new LinkedHashMap<>();

    /**
     * @param file       sealed file, or null for an in-memory store
     * @param storageKey AES-256 key (copied; zeroised on close)
     */
    public RelationStore(Path file, byte[] storageKey, SecureRandom random) throws IOException {
        this.file = file;
        this.storageKey = storageKey.clone();
        this.random = random;
        if (file != null && Files.exists(file)) {
            byte[] plain = Sealed.open(this.storageKey, PURPOSE, Files.readAllBytes(file));
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    IdentityRecord peer = RecordCodec.read(in);
                    byte[] secret = in.readNBytes(32);
                    Instant since = Instant.ofEpochSecond(in.readLong(), in.readInt());
                    boolean confirmed = in.readBoolean();
                    relations.put(peer.id(), new Relation(peer, secret, since, confirmed));
                }
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    public synchronized Optional<Relation> get(DeviceId peer) {
        Relation r = relations.get(peer);
        return r == null ? Optional.empty()
                : Optional.of(new Relation(r.peer(), r.secret().clone(), r.since(), r.confirmed()));
    }

    public synchronized void put(IdentityRecord peer, byte[] secret, Instant since, boolean confirmed) {
        Relation old = relations.put(peer.id(), new Relation(peer, secret.clone(), since, confirmed));
        if (old != null) {
            Arrays.fill(old.secret(), (byte) 0);
        }
        persist();
    }

    /** Marks the relation with {@code peer} as held by both sides. */
    public synchronized void confirm(DeviceId peer) {
        Relation r = relations.get(peer);
        if (r != null && !r.confirmed()) {
            relations.put(peer, new Relation(r.peer(), r.secret(), r.since(), true));
            persist();
        }
    }

    public synchronized boolean remove(DeviceId peer) {
        Relation old = relations.remove(peer);
        if (old == null) {
            return false;
        }
        Arrays.fill(old.secret(), (byte) 0);
        persist();
        return true;
    }

    public synchronized int size() {
        return relations.size();
    }

    private void persist() {
        if (file == null) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] plain = null;
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(relations.size());
            for (Relation r : relations.values()) {
                RecordCodec.write(out, r.peer());
                out.write(r.secret());
                out.writeLong(r.since().getEpochSecond());
                out.writeInt(r.since().getNano());
                out.writeBoolean(r.confirmed());
            }
            out.flush();
            plain = bytes.toByteArray();
            Sealed.writeOwnerOnly(file, Sealed.seal(storageKey, PURPOSE, plain, random));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write relation store " + file, e);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    @Override
    public synchronized void close() {
        for (Relation r : relations.values()) {
            Arrays.fill(r.secret(), (byte) 0);
        }
        relations.clear();
        Arrays.fill(storageKey, (byte) 0);
    }
}
