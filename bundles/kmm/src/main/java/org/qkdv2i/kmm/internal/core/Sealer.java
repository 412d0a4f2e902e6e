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
    /**
     * Nonces by the deterministic construction of NIST SP 800-38D §8.2.1: a 64-bit fixed field
     * drawn at random per sealer (a fresh one when the counter wraps) and a 32-bit invocation
     * counter. Unique per KEK without a DRBG call per record (the costliest part of sealing a
     * 32-byte key).
     */
    private final byte[] fixedField = new byte[8];
    private int invocations;
    /** Reused, so the AES key schedule and GCM tables are computed once, not per record. */
    private GCMModeCipher encrypter;
    private GCMModeCipher decrypter;
    private boolean encrypterKeyed;
    private boolean decrypterKeyed;
    /**
     * Separate locks for sealing and opening: a request opening stored keys (under the KMM core
     * lock) must not queue behind the ingestion thread sealing a block's keys.
     */
    private final Object sealLock = new Object();
    private final Object openLock = new Object();

    Sealer(byte[] kek, SecureRandom random) {
        if (kek.length != 32) {
            throw new IllegalArgumentException("the KEK must be 32 bytes (AES-256)");
        }
        this.kek = kek.clone();
        this.random = random;
        random.nextBytes(fixedField);
    }

    /** Under sealLock. */
    private byte[] nextNonce() {
        if (invocations == -1) { // 2^32 nonces with this fixed field: draw another
            random.nextBytes(fixedField);
        }
        int c = invocations++;
        byte[] nonce = new byte[NONCE];
        System.arraycopy(fixedField, 0, nonce, 0, 8);
        nonce[8] = (byte) (c >>> 24);
        nonce[9] = (byte) (c >>> 16);
        nonce[10] = (byte) (c >>> 8);
        nonce[11] = (byte) c;
        return nonce;
    }

    byte[] seal(String kind, String recordId, byte[] plaintext) {
        synchronized (sealLock) {
            byte[] nonce = nextNonce();
            if (encrypter == null) {
                encrypter = GCMBlockCipher.newInstance(AESEngine.newInstance());
            }
            GCMModeCipher gcm = init(encrypter, true, nonce, kind, recordId);
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
    }

    /** @return the plaintext; the caller zeroises it */
    byte[] open(String kind, String recordId, byte[] sealed) {
        synchronized (openLock) {
            byte[] nonce = Arrays.copyOfRange(sealed, 0, NONCE);
            if (decrypter == null) {
                decrypter = GCMBlockCipher.newInstance(AESEngine.newInstance());
            }
            GCMModeCipher gcm = init(decrypter, false, nonce, kind, recordId);
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
    }

    private GCMModeCipher init(GCMModeCipher gcm, boolean encrypt, byte[] nonce, String kind, String recordId) {
        byte[] aad = (kind + "\u0000" + recordId).getBytes(StandardCharsets.UTF_8);
        boolean keyed = encrypt ? encrypterKeyed : decrypterKeyed;
        // a null key keeps the key (and GCM tables) of the previous init
        gcm.init(encrypt, new AEADParameters(keyed ? null : new KeyParameter(kek), TAG_BITS, nonce, aad));
        if (encrypt) {
            encrypterKeyed = true;
        } else {
            decrypterKeyed = true;
        }
        return gcm;
    }

    @Override
    public void close() {
        synchronized (sealLock) {
            synchronized (openLock) {
                Arrays.fill(kek, (byte) 0);
                encrypter = null;
                decrypter = null;
                encrypterKeyed = false;
                decrypterKeyed = false;
            }
        }
    }
}
