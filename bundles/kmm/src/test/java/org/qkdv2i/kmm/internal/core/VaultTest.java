package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The store: stored keys keyed by sequence number, creation times, watermarks; what a killed
 * process leaves behind (the directory copied while the vault is open: the files as the
 * operating system holds them, which is what a kill -9 leaves) reopens to the last commit.
 */
public class VaultTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final byte[] kek = new byte[32];

    public VaultTest() {
        new SecureRandom().nextBytes(kek);
    }

    private Vault open(Path dir) throws Exception {
        return Vault.open(dir, new Sealer(kek, new SecureRandom()));
    }

    @Test
    public void storedKeysKeepTheirTimesAndBytesAcrossAReopen() throws Exception {
        Path dir = tmp.getRoot().toPath();
        UUID id = UUID.randomUUID();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (Vault v = open(dir)) {
            v.putPart(new Vault.PartMeta(id, "L", 7, 1000, 900), key);
            v.putWatermark("L", 950);
            v.commit();
        }
        try (Vault v = open(dir)) {
            List<Vault.PartMeta> all = new ArrayList<>();
            v.forEachPart(all::add);
            assertEquals(List.of(new Vault.PartMeta(id, "L", 7, 1000, 900)), all);
            assertTrue(v.hasPart(id));
            assertArrayEquals(key, v.openPart(id));
            assertEquals(Long.valueOf(950), v.watermark("L"));
            assertNull(v.watermark("other"));
            v.removePart(id);
            v.commit();
            assertFalse(v.hasPart(id));
            assertNull(v.openPart(id));
        }
    }

    private static Vault.Pending pending(UUID id) {
        return new Vault.Pending(id, "L", "sae-a", List.of("sae-b"), List.of("sae-b"), 256, 1234, List.of());
    }

    /** The directory as a killed process leaves it. */
    private Path crashCopy(Path dir) throws Exception {
        Path copy = tmp.newFolder().toPath();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static List<UUID> ids(Vault v) {
        List<UUID> out = new ArrayList<>();
        v.forEachPending(p -> out.add(p.keyId()));
        return out;
    }

    @Test
    public void aKilledProcessLosesNothingCommittedBeforeOrAfterACheckpoint() throws Exception {
        Path dir = tmp.getRoot().toPath();
        UUID beforeCheckpoint = UUID.randomUUID();
        UUID removedAfter = UUID.randomUUID();
        UUID afterCheckpoint = UUID.randomUUID();
        UUID stored = UUID.randomUUID();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Vault v = open(dir);
        try {
            v.putPending(pending(beforeCheckpoint));
            v.putPending(pending(removedAfter));
            v.putPart(new Vault.PartMeta(stored, "L", 3, 1000, 900), key);
            v.putDelivered(beforeCheckpoint, 5);
            v.commit();
            v.checkpoint();
            v.sync();
            v.removePending(removedAfter);
            v.putPending(pending(afterCheckpoint));
            v.putOutbox(pending(afterCheckpoint));
            v.putWatermark("L", 77);
            v.commit();
            Path crashed = crashCopy(dir);
            try (Vault r = open(crashed)) {
                assertEquals(List.of(beforeCheckpoint, afterCheckpoint), ids(r));
                List<UUID> outbox = new ArrayList<>();
                r.forEachOutbox(p -> outbox.add(p.keyId()));
                assertEquals(List.of(afterCheckpoint), outbox);
                assertEquals(List.of(beforeCheckpoint), r.deliveredOldestFirst());
                assertArrayEquals(key, r.openPart(stored));
                assertEquals(Long.valueOf(77), r.watermark("L"));
            }
        } finally {
            v.close();
        }
    }

    @Test
    public void changesNotYetCommittedAreAbsentAfterACrashAndATornGroupIsIgnoredWhole() throws Exception {
        Path dir = tmp.getRoot().toPath();
        UUID committed = UUID.randomUUID();
        UUID torn1 = UUID.randomUUID();
        UUID torn2 = UUID.randomUUID();
        UUID uncommitted = UUID.randomUUID();
        Vault v = open(dir);
        try {
            v.putPending(pending(committed));
            v.commit();
            v.putPending(pending(torn1));
            v.putPending(pending(torn2));
            v.commit(); // this group will be cut short
            v.putPending(pending(uncommitted)); // never committed
            Path crashed = crashCopy(dir);
            Path segment;
            try (Stream<Path> files = Files.list(crashed)) {
                segment = files.filter(f -> f.getFileName().toString().startsWith(Journal.PREFIX))
                        .max(Path::compareTo).orElseThrow();
            }
            try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                c.truncate(c.size() - 10); // the process died while writing the second group
            }
            try (Vault r = open(crashed)) {
                assertEquals(List.of(committed), ids(r));
            }
        } finally {
            v.close();
        }
    }

    @Test
    public void aStoreWrittenWithIdKeyedMapsIsMigrated() throws Exception {
        Path dir = tmp.getRoot().toPath();
        try (Vault v = open(dir)) {
            v.commit(); // creates the store with its KEK check
        }
        UUID old = UUID.randomUUID();
        UUID oldDelivered = UUID.randomUUID();
        // the layout before 0.1: pending and delivered keyed by ID strings
        Path file = dir.resolve(Vault.FILE_NAME);
        try (MVStore s = new MVStore.Builder().fileName(file.toString()).open()) {
            MVMap<String, byte[]> pendingMap = s.openMap("pending");
            pendingMap.put(old.toString(), Vault.encode(pending(old)));
            MVMap<String, Long> deliveredMap = s.openMap("delivered");
            deliveredMap.put(oldDelivered.toString(), 42L);
            s.commit();
        }
        try (Vault v = open(dir)) {
            assertEquals(List.of(old), ids(v));
            assertEquals(List.of(oldDelivered), v.deliveredOldestFirst());
        }
        try (MVStore s = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            assertFalse(s.hasMap("pending"));
            assertFalse(s.hasMap("delivered"));
        }
    }
}
