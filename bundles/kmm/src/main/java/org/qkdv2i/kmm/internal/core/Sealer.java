package org.qkdv2i.kmm.internal.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM encryption of key records at rest under the node KEK (Bouncy Castle
 * lightweight API). The AAD binds the record kind and ID, so a ciphertext moved to
 * another record fails to open. Output: 12-byte nonce || ciphertext || 16-byte tag.
 */
final class Sealer implements AutoCloseable {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final byte[] kek;
    private final SecureRandom random;

    Sealer(byte[] kek, SecureRandom random) {
        if (kek.length != 32) {
            throw new IllegalArgumentException("the KEK must be 32 bytes (AES-256)");
        }
        this.kek = kek.clone();
        this.random = random;
    }

    byte[] seal(String kind, String recordId, byte[] plaintext) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        GCMModeCipher gcm = cipher(true, nonce, kind, recordId);
        byte[] out = new byte[NONCE + gcm.getOutputSize(plaintext.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        int n = gcm.processBytes(plaintext, 0, plaintext.length, out, NONCE);
        try {
            gcm.doFinal(out, NONCE + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
        return out;
    }

    /** @return the plaintext; the caller zeroises it */
    byte[] open(String kind, String recordId, byte[] sealed) {
        byte[] nonce = Arrays.copyOfRange(sealed, 0, NONCE);
        GCMModeCipher gcm = cipher(false, nonce, kind, recordId);
        byte[] out = new byte[gcm.getOutputSize(sealed.length - NONCE)];
        try {
            int n = gcm.processBytes(sealed, NONCE, sealed.length - NONCE, out, 0);
            gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            throw new IllegalStateException("record " + kind + "/" + recordId
                    + " failed authentication (wrong KEK or tampered store)");
        }
        return out;
    }

    private GCMModeCipher cipher(boolean encrypt, byte[] nonce, String kind, String recordId) {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        byte[] aad = (kind + "\u0000" + recordId).getBytes(StandardCharsets.UTF_8);
        gcm.init(encrypt, new AEADParameters(new KeyParameter(kek), TAG_BITS, nonce, aad));
        return gcm;
    }

    @Override
    public void close() {
        Arrays.fill(kek, (byte) 0);
    }
}
