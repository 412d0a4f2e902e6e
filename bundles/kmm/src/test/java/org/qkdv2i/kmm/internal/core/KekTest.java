package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class KekTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void createdOwnerOnlyAndReadBack() throws Exception {
        assumeTrue(Files.getFileStore(tmp.getRoot().toPath()).supportsFileAttributeView(PosixFileAttributeView.class));
        Path file = tmp.getRoot().toPath().resolve("keys/A.kek");
        byte[] kek = Kek.loadOrCreate(file, new SecureRandom());
        assertEquals(32, kek.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(kek, Kek.loadOrCreate(file, new SecureRandom()));
    }

    @Test
    public void refusedWhenGroupOrOthersMayReadIt() throws Exception {
        assumeTrue(Files.getFileStore(tmp.getRoot().toPath()).supportsFileAttributeView(PosixFileAttributeView.class));
        Path file = tmp.getRoot().toPath().resolve("A.kek");
        Kek.loadOrCreate(file, new SecureRandom());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            Kek.loadOrCreate(file, new SecureRandom());
            fail("a world-readable KEK must be refused");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("chmod 600"));
        }
    }

    @Test
    public void aStoreOpenedWithAnotherKekFailsToOpenKeys() throws Exception {
        TwoNodes net = new TwoNodes(tmp.getRoot().toPath());
        net.block(32 * 10);
        net.close();
        new SecureRandom().nextBytes(net.kekA);
        try {
            net.a = null;
            net.b = null;
            net.open();
            fail("a store written under another KEK must be refused");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("another KEK"));
        } finally {
            net.close();
        }
    }
}
