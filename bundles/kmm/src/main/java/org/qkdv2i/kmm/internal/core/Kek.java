package org.qkdv2i.kmm.internal.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The node key-encryption key: 32 random bytes in a separate owner-only file, created on
 * first start. A file that group or others may read is refused: the KEK protects every
 * stored key.
 */
public final class Kek {

    private Kek() {
    }

    /** @return the 32 KEK bytes; the caller zeroises them */
    public static byte[] loadOrCreate(Path file, SecureRandom random) throws IOException {
        boolean posix = Files.getFileStore(existingAncestor(file))
                .supportsFileAttributeView(PosixFileAttributeView.class);
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            byte[] kek = new byte[32];
            random.nextBytes(kek);
            try {
                if (posix) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                } else {
                    Files.createFile(file);
                }
                Files.write(file, kek, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.SYNC);
                return kek;
            } catch (FileAlreadyExistsException raced) {
                Arrays.fill(kek, (byte) 0);
            }
        }
        if (posix) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                    || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException("KEK file " + file.toAbsolutePath() + " is accessible to group/others ("
                        + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file.toAbsolutePath());
            }
        }
        byte[] kek = Files.readAllBytes(file);
        if (kek.length != 32) {
            Arrays.fill(kek, (byte) 0);
            throw new IOException("KEK file " + file.toAbsolutePath() + " must hold exactly 32 bytes");
        }
        return kek;
    }

    private static Path existingAncestor(Path file) {
        Path p = file.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? Path.of(".").toAbsolutePath() : p;
    }
}
