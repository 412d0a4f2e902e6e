package org.qkdv2i.zap.internal.message;

import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** The default: Bouncy Castle's lightweight AES engine and GCM mode (pure Java, no AES-NI). */
final class BcGcmCipher implements GcmCipher {

    private final GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
    private final boolean forEncryption;
    /** BC keeps this array as it is (no copy): zeroised in destroy. */
    private final KeyParameter key;
    /**
     * The key schedule and GHASH tables are computed at the first message; later messages re-init
     * with a null key (BC: "key reuse") and their own nonce.
     */
    private boolean keyed;

    BcGcmCipher(byte[] key, boolean forEncryption) {
        this.forEncryption = forEncryption;
        this.key = new KeyParameter(key); // copies
    }

    private AEADParameters parameters(byte[] nonce) {
        KeyParameter k = keyed ? null : key;
        keyed = true;
        return new AEADParameters(k, TAG_BYTES * 8, nonce);
    }

    @Override
    public void seal(byte[] nonce, byte[] out, int aadLength, byte[] extraAad, byte[] payload) {
        cipher.init(true, parameters(nonce));
        cipher.processAADBytes(out, 0, aadLength);
        cipher.processAADBytes(extraAad, 0, extraAad.length);
        int n = cipher.processBytes(payload, 0, payload.length, out, aadLength);
        try {
            cipher.doFinal(out, aadLength + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM encryption failed", e); // cannot happen when encrypting
        }
    }

    @Override
    public boolean open(byte[] nonce, byte[] wire, int aadLength, byte[] extraAad, byte[] plain) {
        cipher.init(false, parameters(nonce));
        cipher.processAADBytes(wire, 0, aadLength);
        cipher.processAADBytes(extraAad, 0, extraAad.length);
        try {
            int n = cipher.processBytes(wire, aadLength, wire.length - aadLength, plain, 0);
            cipher.doFinal(plain, n);
            return true;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(plain, (byte) 0);
            return false;
        }
    }

    @Override
    public void destroy() {
        // Overwrite BC's AES round keys and GHASH tables by keying them with zeros.
        cipher.init(forEncryption, new AEADParameters(new KeyParameter(new byte[32]), TAG_BYTES * 8, GcmCipher.destroyNonce()));
        Arrays.fill(key.getKey(), (byte) 0);
    }
}
