package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The store: stored keys keyed by sequence number, creation times, watermarks, migration of the first format. */
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

    @Test
    public void aStoreOfTheFirstFormatIsMigrated() throws Exception {
        Path dir = tmp.getRoot().toPath();
        UUID id = UUID.randomUUID();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (Vault v = open(dir)) {
            v.commit(); // creates the file with this KEK's check marker
        }
        // write one stored key as the first format did: ID string -> linkId, seq, storedAt, sealed
        byte[] sealed = new Sealer(kek, new SecureRandom()).seal("part", id.toString(), key);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("L");
            out.writeLong(3);
            out.writeLong(5000);
            out.writeInt(sealed.length);
            out.write(sealed);
        }
        MVStore raw = new MVStore.Builder().fileName(dir.resolve(Vault.FILE_NAME).toString()).autoCommitDisabled()
                .open();
        MVMap<String, byte[]> legacy = raw.openMap("parts");
        legacy.put(id.toString(), bytes.toByteArray());
        raw.commit();
        raw.close();

        try (Vault v = open(dir)) {
            List<Vault.PartMeta> all = new ArrayList<>();
            v.forEachPart(all::add);
            // creation time unknown in the first format: the storing time stands in
            assertEquals(List.of(new Vault.PartMeta(id, "L", 3, 5000, 5000)), all);
            assertArrayEquals(key, v.openPart(id));
        }
        try (Vault v = open(dir)) {
            List<Vault.PartMeta> all = new ArrayList<>();
            v.forEachPart(all::add);
            assertEquals("migrated once", 1, all.size());
        }
    }
}
