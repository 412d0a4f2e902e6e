package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The store: stored keys keyed by sequence number, creation times, watermarks. */
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
}
