package org.qkdv2i.zap.internal.message;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The opt-in: the JDK's own AES/GCM/NoPadding (provider SunJCE), which HotSpot runs on the
 * AES-NI and carry-less-multiply intrinsics — several times faster than Bouncy Castle's pure-Java
 * AES on the same core. Selected by {@code aesGcm = JDK}; the default stays Bouncy Castle.
 *
 * <p>Key material. We hand the JDK an {@link ErasableAesKey} over an array we own and zeroise in
 * {@link #destroy}, not a {@code SecretKeySpec}: that class keeps a private copy which cannot be
 * erased ({@code destroy()} throws {@code DestroyFailedException} in JDK 17). What the JDK still
 * keeps out of our reach: the {@code Cipher} calls {@code getEncoded()} on every init (a short-lived
 * clone per message, zeroised by SunJCE where it does so itself), holds the expanded AES round keys
 * and the GHASH subkey, and an encrypting cipher holds a copy of the last key (to refuse IV reuse).
 * {@link #destroy} re-initialises the cipher with an all-zero key so it no longer holds this key's
 * schedule; arrays it replaced without overwriting are left to the garbage collector.
 */
final class JdkGcmCipher implements GcmCipher {

    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** The JDK's own provider, named explicitly so no installed third-party provider is picked. */
    static final String JDK_PROVIDER = "SunJCE";

    private final Cipher cipher;
    private final ErasableAesKey key;
    private final int mode;

    private JdkGcmCipher(Provider provider, byte[] key, boolean forEncryption) throws GeneralSecurityException {
        this.cipher = Cipher.getInstance(TRANSFORMATION, provider);
        this.key = new ErasableAesKey(key);
        this.mode = forEncryption ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    /**
     * The factory over the named JDK provider, after a check that it is there, does AES-256-GCM and
     * produces byte for byte what Bouncy Castle produces (the wire format must not depend on the
     * backend).
     *
     * @throws GeneralSecurityException with a one-line reason when it cannot be used
     */
    static GcmCipher.Factory factory(String providerName) throws GeneralSecurityException {
        Provider provider = Security.getProvider(providerName);
        if (provider == null) {
            throw new GeneralSecurityException("JCA provider " + providerName + " is not installed in this JVM");
        }
        GcmCipher.Factory factory = (key, forEncryption) -> {
            try {
                return new JdkGcmCipher(provider, key, forEncryption);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(providerName + " " + TRANSFORMATION + " unavailable: " + e.getMessage(), e);
            }
        };
        try {
            crossCheck(factory, providerName);
        } catch (IllegalStateException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
        return factory;
    }

    /** One message through both backends with a fixed key: same bytes, and each opens the other's. */
    private static void crossCheck(GcmCipher.Factory jdk, String providerName) throws GeneralSecurityException {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0x5A);
        byte[] nonce = new byte[12];
        nonce[11] = 1;
        byte[] aad = {1, 2, 3};
        byte[] extra = Bytes.utf8("self-test");
        byte[] payload = new byte[37];
        Arrays.fill(payload, (byte) 0xA5);
        byte[] bcWire = Arrays.copyOf(aad, aad.length + payload.length + TAG_BYTES);
        byte[] jdkWire = bcWire.clone();
        GcmCipher bcEnc = new BcGcmCipher(key, true);
        GcmCipher jdkEnc = jdk.create(key, true);
        GcmCipher jdkDec = jdk.create(key, false);
        try {
            bcEnc.seal(nonce, bcWire, aad.length, extra, payload);
            jdkEnc.seal(nonce, jdkWire, aad.length, extra, payload);
            byte[] plain = new byte[payload.length];
            if (!Arrays.equals(bcWire, jdkWire) || !jdkDec.open(nonce, bcWire, aad.length, extra, plain)
                    || !Arrays.equals(plain, payload)) {
                throw new GeneralSecurityException("self-test: " + providerName + " " + TRANSFORMATION
                        + " does not match Bouncy Castle's AES-256-GCM");
            }
        } finally {
            bcEnc.destroy();
            jdkEnc.destroy();
            jdkDec.destroy();
        }
    }

    @Override
    public void seal(byte[] nonce, byte[] out, int aadLength, byte[] extraAad, byte[] payload) {
        try {
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(out, 0, aadLength);
            if (extraAad.length > 0) {
                cipher.updateAAD(extraAad);
            }
            cipher.doFinal(payload, 0, payload.length, out, aadLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM encryption failed (" + cipher.getProvider().getName() + ")", e);
        }
    }

    @Override
    public boolean open(byte[] nonce, byte[] wire, int aadLength, byte[] extraAad, byte[] plain) {
        try {
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(wire, 0, aadLength);
            if (extraAad.length > 0) {
                cipher.updateAAD(extraAad);
            }
            cipher.doFinal(wire, aadLength, wire.length - aadLength, plain, 0);
            return true;
        } catch (AEADBadTagException e) {
            Arrays.fill(plain, (byte) 0);
            return false;
        } catch (GeneralSecurityException e) {
            Arrays.fill(plain, (byte) 0);
            throw new IllegalStateException("GCM decryption failed (" + cipher.getProvider().getName() + ")", e);
        }
    }

    @Override
    public void destroy() {
        key.destroy();
        try {
            // a fresh zero key and nonce: the cipher drops this key's schedule and last-key copy
            cipher.init(mode, new ErasableAesKey(new byte[32]), new GCMParameterSpec(TAG_BYTES * 8, GcmCipher.destroyNonce()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM re-key on close failed (" + cipher.getProvider().getName() + ")", e);
        }
    }

    @Override
    public String toString() {
        return cipher.getProvider().getName() + " " + TRANSFORMATION;
    }

    /**
     * A raw AES key over an array this package owns, copied in, erased by {@link #destroy}.
     * {@code getEncoded()} returns a clone, as the {@link java.security.Key} contract asks.
     */
    static final class ErasableAesKey implements SecretKey {

        private static final long serialVersionUID = 1L;

        private final transient byte[] key;
        private volatile boolean destroyed;

        ErasableAesKey(byte[] key) {
            this.key = key.clone();
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            if (destroyed) {
                throw new IllegalStateException("key destroyed");
            }
            return key.clone();
        }

        @Override
        public void destroy() {
            Arrays.fill(key, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }

        /** Never serialised: a key does not leave the process this way. */
        private void writeObject(ObjectOutputStream out) throws NotSerializableException {
            throw new NotSerializableException("ErasableAesKey");
        }
    }
}
