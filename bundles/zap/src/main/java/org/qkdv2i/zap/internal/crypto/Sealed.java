package org.qkdv2i.zap.internal.crypto;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM sealing of small files at rest (NIST SP 800-38D): file = magic "QZS1" || 12-byte
 * random nonce || ciphertext || 16-byte tag; the purpose string is bound as AAD, so a sealed
 * file cannot be moved to another use. The key comes from the PUF device secret, so the DAU
 * stores no key-encryption key at all.
 */
public final class Sealed {

    private static final byte[] MAGIC = {'Q', 'Z', 'S', '1'};

    private Sealed() {
    }

    public static byte[] seal(byte[] key, String purpose, byte[] plain, SecureRandom random) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad(purpose)));
        byte[] out = new byte[MAGIC.length + nonce.length + gcm.getOutputSize(plain.length)];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(nonce, 0, out, MAGIC.length, nonce.length);
        int off = MAGIC.length + nonce.length;
        int n = gcm.processBytes(plain, 0, plain.length, out, off);
        try {
            gcm.doFinal(out, off + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM encryption failed", e);
        }
        return out;
    }

    /** @throws IOException when the file is not a sealed file of this purpose or was altered */
    public static byte[] open(byte[] key, String purpose, byte[] sealed) throws IOException {
        if (sealed.length < MAGIC.length + 12 + 16 || !Arrays.equals(Arrays.copyOf(sealed, 4), MAGIC)) {
            throw new IOException("not a sealed " + purpose + " file");
        }
        byte[] nonce = Arrays.copyOfRange(sealed, 4, 16);
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(key), 128, nonce, aad(purpose)));
        byte[] out = new byte[gcm.getOutputSize(sealed.length - 16)];
        int n = gcm.processBytes(sealed, 16, sealed.length - 16, out, 0);
        try {
            n += gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            throw new IOException("sealed " + purpose + " file does not authenticate (altered, or sealed by another device identity)");
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static byte[] aad(String purpose) {
        return Kdf.utf8("qkdv2i/sealed/" + purpose + "/v1");
    }

    /** Writes {@code bytes} to {@code file} atomically (temp file + move), owner-only where POSIX. */
    public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                    EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
