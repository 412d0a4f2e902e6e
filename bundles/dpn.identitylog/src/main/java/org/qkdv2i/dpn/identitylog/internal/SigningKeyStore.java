package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The replica's tree-head signing key at rest: the 32-byte ML-DSA-65 seed, AES-256-GCM
 * encrypted under a key-encryption key (32 random bytes in an owner-only file, which may live
 * on another volume: config {@code kekFile}). File layout: {@code "QIL1" | 12 B nonce |
 * ciphertext+tag}; the AAD binds the purpose and the replica ID, so a key file copied to
 * another replica does not decrypt there.
 */
public final class SigningKeyStore {

    private static final byte[] MAGIC = "QIL1".getBytes(StandardCharsets.US_ASCII);
    private static final String AAD = "qkdv2i/identity-log/sth-key/v1|";

    private SigningKeyStore() {
    }

    /** Loads the signer, creating (and storing) a fresh key on first start. */
    public static TreeHeadSigner loadOrCreate(Path keyFile, Path kekFile, String replicaId, SecureRandom random)
            throws IOException {
        byte[] kek = loadOrCreateKek(kekFile, random);
        byte[] seed = null;
        try {
            byte[] aad = (AAD + replicaId).getBytes(StandardCharsets.UTF_8);
            if (Files.exists(keyFile)) {
                byte[] stored = Files.readAllBytes(keyFile);
                if (stored.length < MAGIC.length + 12 + 16
                        || !Arrays.equals(Arrays.copyOf(stored, MAGIC.length), MAGIC)) {
                    throw new IOException("tree-head key file " + keyFile + " is not a QIL1 key file");
                }
                byte[] nonce = Arrays.copyOfRange(stored, MAGIC.length, MAGIC.length + 12);
                try {
                    seed = gcm(false, kek, nonce, aad, Arrays.copyOfRange(stored, MAGIC.length + 12, stored.length));
                } catch (InvalidCipherTextException e) {
                    throw new IOException("tree-head key file " + keyFile
                            + " does not decrypt under " + kekFile + " for replica " + replicaId);
                }
            } else {
                seed = new byte[32];
                random.nextBytes(seed);
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                byte[] ct;
                try {
                    ct = gcm(true, kek, nonce, aad, seed);
                } catch (InvalidCipherTextException e) {
                    throw new IllegalStateException(e);
                }
                byte[] file = new byte[MAGIC.length + 12 + ct.length];
                System.arraycopy(MAGIC, 0, file, 0, MAGIC.length);
                System.arraycopy(nonce, 0, file, MAGIC.length, 12);
                System.arraycopy(ct, 0, file, MAGIC.length + 12, ct.length);
                writeOwnerOnly(keyFile, file);
            }
            return new TreeHeadSigner(seed, random);
        } finally {
            Arrays.fill(kek, (byte) 0);
            if (seed != null) {
                Arrays.fill(seed, (byte) 0);
            }
        }
    }

    /** A signer whose key lives only in memory (single-node in-memory mode). */
    public static TreeHeadSigner ephemeral(SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        try {
            return new TreeHeadSigner(seed, random);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static byte[] gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] in)
            throws InvalidCipherTextException {
        GCMModeCipher c = GCMBlockCipher.newInstance(AESEngine.newInstance());
        c.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        n += c.doFinal(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** 32 random bytes in an owner-only file; a file group or others may read is refused. */
    static byte[] loadOrCreateKek(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file)) {
            byte[] kek = new byte[32];
            random.nextBytes(kek);
            try {
                writeOwnerOnly(file, kek);
                return kek;
            } catch (FileAlreadyExistsException raced) {
                Arrays.fill(kek, (byte) 0);
            }
        }
        if (posix(file)) {
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

    /** Written to a temporary owner-only file first, then moved, so a crash leaves no half file. */
    private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (posix(dir)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.SYNC);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean posix(Path p) throws IOException {
        Path q = p.toAbsolutePath();
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return Files.getFileStore(q == null ? Path.of(".").toAbsolutePath() : q)
                .supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
