package org.qkdv2i.scenario.internal;

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
 * The session context a base station hands to the next one at a handover, sealed with AES-256-GCM
 * (NIST SP 800-38D; Bouncy Castle lightweight API) under the QKD key both share. The associated
 * data binds vehicle, both base stations and the key ID, so a sealed context cannot be replayed
 * for another vehicle or handover.
 */
final class SessionSeal {

    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;

    private SessionSeal() {
    }

    static byte[] aad(String vehicle, String from, String to, java.util.UUID keyId) {
        return ("qkdv2i/handover/v1|" + vehicle + "|" + from + "|" + to + "|" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    /** nonce ‖ ciphertext ‖ tag. The key array is not kept. */
    static byte[] seal(byte[] key, byte[] aad, byte[] plain, SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, aad));
        byte[] out = new byte[NONCE_BYTES + gcm.getOutputSize(plain.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        int n = gcm.processBytes(plain, 0, plain.length, out, NONCE_BYTES);
        try {
            gcm.doFinal(out, NONCE_BYTES + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM encryption failed", e);
        }
        return out;
    }

    /** The plain context, or null if the key, the data or the associated data do not match. */
    static byte[] open(byte[] key, byte[] aad, byte[] sealed) {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(key), TAG_BITS, Arrays.copyOf(sealed, NONCE_BYTES), aad));
        byte[] out = new byte[gcm.getOutputSize(sealed.length - NONCE_BYTES)];
        int n = gcm.processBytes(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES, out, 0);
        try {
            gcm.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            return null;
        }
    }
}
