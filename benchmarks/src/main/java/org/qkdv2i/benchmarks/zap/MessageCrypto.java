package org.qkdv2i.benchmarks.zap;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent.AesGcmBackend;

/**
 * The workloads of issue 5's message benchmarks, shared by the JMH class and the CPU-time
 * companion: one 300-byte message protected and opened on each profile, versus ECDSA P-256
 * (Bouncy Castle lightweight API, SHA-256, deterministic k per RFC 6979) and the post-quantum
 * primitives. One instance per thread (channels are thread-safe, but a benchmark thread should
 * not contend).
 */
public final class MessageCrypto {

    public static final int MESSAGE_BYTES = 300;

    private final byte[] payload = new byte[MESSAGE_BYTES];

    private final ProtectedChannel gcmSender;
    private final ProtectedChannel gcmReceiver;
    /** The same channel with {@code aesGcm = JDK}: AES-256-GCM computed by SunJCE (AES-NI). */
    private final ProtectedChannel gcmJdkSender;
    private final ProtectedChannel gcmJdkReceiver;
    private final ProtectedChannel ccmSender;
    private final ProtectedChannel ccmReceiver;
    private final ProtectedChannel kmacSender;
    private final ProtectedChannel kmacReceiver;

    /** Bare BC AES-256-GCM, no framing: shows how much of the channel cost is the cipher. */
    private final GCMModeCipher rawGcmEnc = GCMBlockCipher.newInstance(AESEngine.newInstance());
    private final GCMModeCipher rawGcmDec = GCMBlockCipher.newInstance(AESEngine.newInstance());
    private final byte[] rawNonce = new byte[12];
    private long rawCounter;
    private final byte[] rawCt = new byte[MESSAGE_BYTES + 16];
    private final byte[] rawPt = new byte[MESSAGE_BYTES];

    private final ECPrivateKeyParameters ecPrivate;
    private final ECPublicKeyParameters ecPublic;
    private final byte[] ecHash = new byte[32];
    private final java.math.BigInteger[] ecSignature;

    private final MLKEMPublicKeyParameters kemPublic;
    private final MLKEMPrivateKeyParameters kemPrivate;
    private final byte[] kemEncapsulation;
    private final AsymmetricCipherKeyPair dsaKeys;
    private final byte[] dsaSignature;
    private final SecureRandom random = new SecureRandom();

    public MessageCrypto() {
        random.nextBytes(payload);
        MessageProtectionComponent protection = new MessageProtectionComponent();
        // stream options: strict order, as a protect-then-open loop delivers; the system clock
        ChannelOptions options = ChannelOptions.stream("bench", Clock.systemUTC());
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        random.nextBytes(k1);
        random.nextBytes(k2);
        gcmSender = protection.aead(new ChannelKeys(1, 0, k1, k2), options);
        gcmReceiver = protection.aead(new ChannelKeys(1, 0, k2, k1), options);
        MessageProtectionComponent onJdk = new MessageProtectionComponent(AesGcmBackend.JDK);
        gcmJdkSender = onJdk.aead(new ChannelKeys(2, 0, k1, k2), options);
        gcmJdkReceiver = onJdk.aead(new ChannelKeys(2, 0, k2, k1), options);
        ccmSender = protection.ieee1609Psk(Arrays.copyOf(k1, 16), options);
        ccmReceiver = protection.ieee1609Psk(Arrays.copyOf(k1, 16), options);
        kmacSender = protection.broadcastAuthentication(k1, options);
        kmacReceiver = protection.broadcastAuthentication(k1, options);
        rawGcmEnc.init(true, new AEADParameters(new KeyParameter(k1), 128, new byte[12]));
        rawGcmDec.init(false, new AEADParameters(new KeyParameter(k1), 128, new byte[12]));

        try {
            jdkEnc = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            jdkDec = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        jdkKey = new javax.crypto.spec.SecretKeySpec(k1, "AES");

        X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1");
        ECDomainParameters domain = new ECDomainParameters(p256.getCurve(), p256.getG(), p256.getN(), p256.getH());
        ECKeyPairGenerator ecGen = new ECKeyPairGenerator();
        ecGen.init(new ECKeyGenerationParameters(domain, random));
        AsymmetricCipherKeyPair ec = ecGen.generateKeyPair();
        ecPrivate = (ECPrivateKeyParameters) ec.getPrivate();
        ecPublic = (ECPublicKeyParameters) ec.getPublic();
        ecSignature = ecdsaSignOnly();

        MLKEMKeyPairGenerator kemGen = new MLKEMKeyPairGenerator();
        kemGen.init(new MLKEMKeyGenerationParameters(random, MLKEMParameters.ml_kem_768));
        AsymmetricCipherKeyPair kem = kemGen.generateKeyPair();
        kemPublic = (MLKEMPublicKeyParameters) kem.getPublic();
        kemPrivate = (MLKEMPrivateKeyParameters) kem.getPrivate();
        kemEncapsulation = new MLKEMGenerator(random).generateEncapsulated(kemPublic).getEncapsulation();
        MLDSAKeyPairGenerator dsaGen = new MLDSAKeyPairGenerator();
        dsaGen.init(new MLDSAKeyGenerationParameters(random, MLDSAParameters.ml_dsa_65));
        dsaKeys = dsaGen.generateKeyPair();
        dsaSignature = mldsaSign();
    }

    private static byte[] check(byte[] opened) {
        if (opened.length != MESSAGE_BYTES) {
            throw new IllegalStateException("round trip lost bytes");
        }
        return opened;
    }

    /** Open-only workloads: a batch protected beforehand (untimed), then opened in order. */
    public byte[][] gcmBatch(int n) {
        return batch(gcmSender, n);
    }

    public byte[][] gcmJdkBatch(int n) {
        return batch(gcmJdkSender, n);
    }

    public byte[][] ieee1609CcmBatch(int n) {
        return batch(ccmSender, n);
    }

    public byte[][] kmacBatch(int n) {
        return batch(kmacSender, n);
    }

    private byte[][] batch(ProtectedChannel sender, int n) {
        byte[][] wires = new byte[n][];
        for (int i = 0; i < n; i++) {
            wires[i] = sender.protect(payload);
        }
        return wires;
    }

    public byte[] gcmOpen(byte[] wire) throws MessageRejectedException {
        return gcmReceiver.open(wire);
    }

    public byte[] gcmJdkOpen(byte[] wire) throws MessageRejectedException {
        return gcmJdkReceiver.open(wire);
    }

    public byte[] ieee1609CcmOpen(byte[] wire) throws MessageRejectedException {
        return ccmReceiver.open(wire);
    }

    public byte[] kmacOpen(byte[] wire) throws MessageRejectedException {
        return kmacReceiver.open(wire);
    }

    /**
     * The JDK's SunJCE AES-256-GCM alone (no framing), which HotSpot runs on AES-NI/CLMUL
     * intrinsics, encrypt + decrypt of the same 300 bytes: the cipher's share of the
     * {@code aesGcm = JDK} channel ({@link #gcmJdk}).
     */
    public byte[] jdkAesGcm() throws java.security.GeneralSecurityException {
        long c = ++jdkCounter;
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[11 - i] = (byte) (c >>> (8 * i));
        }
        javax.crypto.spec.GCMParameterSpec spec = new javax.crypto.spec.GCMParameterSpec(128, iv);
        jdkEnc.init(javax.crypto.Cipher.ENCRYPT_MODE, jdkKey, spec);
        int n = jdkEnc.doFinal(payload, 0, MESSAGE_BYTES, rawCt, 0);
        jdkDec.init(javax.crypto.Cipher.DECRYPT_MODE, jdkKey, spec);
        jdkDec.doFinal(rawCt, 0, n, rawPt, 0);
        return rawPt;
    }

    private final javax.crypto.Cipher jdkEnc;
    private final javax.crypto.Cipher jdkDec;
    private final javax.crypto.spec.SecretKeySpec jdkKey;
    private long jdkCounter;

    public byte[] gcm() throws MessageRejectedException {
        return check(gcmReceiver.open(gcmSender.protect(payload)));
    }

    /** AES-256-GCM channel with {@code aesGcm = JDK}: same framing and checks as {@link #gcm}. */
    public byte[] gcmJdk() throws MessageRejectedException {
        return check(gcmJdkReceiver.open(gcmJdkSender.protect(payload)));
    }

    public byte[] ieee1609Ccm() throws MessageRejectedException {
        return check(ccmReceiver.open(ccmSender.protect(payload)));
    }

    public byte[] kmac() throws MessageRejectedException {
        return check(kmacReceiver.open(kmacSender.protect(payload)));
    }

    public byte[] rawAesGcm() throws InvalidCipherTextException {
        long c = ++rawCounter;
        for (int i = 0; i < 8; i++) {
            rawNonce[11 - i] = (byte) (c >>> (8 * i));
        }
        rawGcmEnc.init(true, new AEADParameters(null, 128, rawNonce));
        int n = rawGcmEnc.processBytes(payload, 0, MESSAGE_BYTES, rawCt, 0);
        rawGcmEnc.doFinal(rawCt, n);
        rawGcmDec.init(false, new AEADParameters(null, 128, rawNonce));
        n = rawGcmDec.processBytes(rawCt, 0, rawCt.length, rawPt, 0);
        rawGcmDec.doFinal(rawPt, n);
        return rawPt;
    }

    private void hash() {
        SHA256Digest d = new SHA256Digest();
        d.update(payload, 0, MESSAGE_BYTES);
        d.doFinal(ecHash, 0);
    }

    private java.math.BigInteger[] ecdsaSignOnly() {
        hash();
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, ecPrivate);
        return signer.generateSignature(ecHash);
    }

    public java.math.BigInteger[] ecdsaSign() {
        return ecdsaSignOnly();
    }

    public boolean ecdsaVerify() {
        hash();
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, ecPublic);
        if (!verifier.verifySignature(ecHash, ecSignature[0], ecSignature[1])) {
            throw new IllegalStateException("ECDSA verify failed");
        }
        return true;
    }

    /** The asymmetric counterpart of protect+open: sign at the sender, verify at the receiver. */
    public boolean ecdsaSignVerify() {
        java.math.BigInteger[] sig = ecdsaSignOnly();
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, ecPublic);
        if (!verifier.verifySignature(ecHash, sig[0], sig[1])) {
            throw new IllegalStateException("ECDSA verify failed");
        }
        return true;
    }

    public AsymmetricCipherKeyPair mlkemKeygen() {
        MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
        g.init(new MLKEMKeyGenerationParameters(random, MLKEMParameters.ml_kem_768));
        return g.generateKeyPair();
    }

    public byte[] mlkemEncaps() {
        SecretWithEncapsulation s = new MLKEMGenerator(random).generateEncapsulated(kemPublic);
        return s.getEncapsulation();
    }

    public byte[] mlkemDecaps() {
        return new MLKEMExtractor(kemPrivate).extractSecret(kemEncapsulation);
    }

    public AsymmetricCipherKeyPair mldsaKeygen() {
        MLDSAKeyPairGenerator g = new MLDSAKeyPairGenerator();
        g.init(new MLDSAKeyGenerationParameters(random, MLDSAParameters.ml_dsa_65));
        return g.generateKeyPair();
    }

    public byte[] mldsaSign() {
        MLDSASigner s = new MLDSASigner();
        s.init(true, dsaKeys.getPrivate());
        s.update(payload, 0, MESSAGE_BYTES);
        try {
            return s.generateSignature();
        } catch (org.bouncycastle.crypto.CryptoException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean mldsaVerify() {
        MLDSASigner s = new MLDSASigner();
        s.init(false, dsaKeys.getPublic());
        s.update(payload, 0, MESSAGE_BYTES);
        if (!s.verifySignature(dsaSignature)) {
            throw new IllegalStateException("ML-DSA verify failed");
        }
        return true;
    }

    public void close() {
        gcmSender.close();
        gcmReceiver.close();
        gcmJdkSender.close();
        gcmJdkReceiver.close();
        ccmSender.close();
        ccmReceiver.close();
        kmacSender.close();
        kmacReceiver.close();
    }
}
