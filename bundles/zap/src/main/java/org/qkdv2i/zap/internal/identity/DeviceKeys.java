package org.qkdv2i.zap.internal.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.internal.crypto.Kdf;

/**
 * The keys a DAU derives from its PUF device secret and its identity, none of them stored:
 * an ML-DSA-65 key pair (FIPS 204, from a 32-byte seed ξ), an ML-KEM-768 key pair (FIPS 203,
 * from the 64-byte seed d‖z) and the AES-256 key that seals the DAU's files at rest. Each
 * seed is KMAC256(deviceSecret, deviceId, "qkdv2i/&lt;purpose&gt;/v1"): the same PUF and the
 * same measurement always give the same keys; a changed measurement gives new ones.
 */
public final class DeviceKeys implements AutoCloseable {

    /** ML-DSA context string (FIPS 204 §5.2 ctx) of every unit-authentication signature. */
    private static final byte[] SIGN_CONTEXT = Kdf.utf8("qkdv2i/unit-auth/v1");

    private final DeviceId id;
    private final MLDSAPrivateKeyParameters signingKey;
    private final MLKEMPrivateKeyParameters kemKey;
    private final byte[] mlDsaPublic;
    private final byte[] mlKemPublic;
    private final byte[] storageKey;

    /** Derives everything from {@code deviceSecret}; the caller zeroises the secret afterwards. */
    public DeviceKeys(byte[] deviceSecret, DeviceId id) {
        this.id = id;
        byte[] idBytes = Measurement.idBytes(id);
        byte[] dsaSeed = Kdf.kmac(deviceSecret, "qkdv2i/ml-dsa-65-seed/v1", 32, idBytes);
        byte[] kemSeed = Kdf.kmac(deviceSecret, "qkdv2i/ml-kem-768-seed/v1", 64, idBytes);
        try {
            this.signingKey = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, dsaSeed);
            this.kemKey = new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, kemSeed);
        } finally {
            Arrays.fill(dsaSeed, (byte) 0);
            Arrays.fill(kemSeed, (byte) 0);
        }
        this.storageKey = Kdf.kmac(deviceSecret, "qkdv2i/storage-key/v1", 32, idBytes);
        try {
            this.mlDsaPublic = SubjectPublicKeyInfoFactory
                    .createSubjectPublicKeyInfo(signingKey.getPublicKeyParameters()).getEncoded();
            this.mlKemPublic = SubjectPublicKeyInfoFactory
                    .createSubjectPublicKeyInfo(kemKey.getPublicKeyParameters()).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the DAU's public keys", e);
        }
    }

    public DeviceId id() {
        return id;
    }

    /** X.509 SubjectPublicKeyInfo of the ML-DSA-65 public key. */
    public byte[] mlDsaPublicKey() {
        return mlDsaPublic.clone();
    }

    /** X.509 SubjectPublicKeyInfo of the ML-KEM-768 public key. */
    public byte[] mlKemPublicKey() {
        return mlKemPublic.clone();
    }

    /** AES-256 key for files at rest; caller must not keep copies. */
    public byte[] storageKey() {
        return storageKey.clone();
    }

    /** ML-DSA-65 signature (hedged, FIPS 204 Algorithm 2) over {@code data} with the unit-auth context. */
    public byte[] sign(byte[] data, SecureRandom random) {
        MLDSASigner signer = new MLDSASigner();
        signer.init(true, new ParametersWithContext(new ParametersWithRandom(signingKey, random), SIGN_CONTEXT));
        signer.update(data, 0, data.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException("ML-DSA signing failed", e);
        }
    }

    /** Verifies an ML-DSA-65 signature by the holder of {@code publicKeySpki}. */
    public static boolean verify(byte[] publicKeySpki, byte[] data, byte[] signature) {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(publicKeySpki);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (!(key instanceof MLDSAPublicKeyParameters pk) || pk.getParameters() != MLDSAParameters.ml_dsa_65) {
            return false;
        }
        MLDSASigner verifier = new MLDSASigner();
        verifier.init(false, new ParametersWithContext(pk, SIGN_CONTEXT));
        verifier.update(data, 0, data.length);
        return verifier.verifySignature(signature);
    }

    /** ML-KEM-768 encapsulation to {@code publicKeySpki}; null when it is not an ML-KEM-768 key. */
    public static SecretWithEncapsulation encapsulate(byte[] publicKeySpki, SecureRandom random) {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(publicKeySpki);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!(key instanceof MLKEMPublicKeyParameters pk) || pk.getParameters() != MLKEMParameters.ml_kem_768) {
            return null;
        }
        return new MLKEMGenerator(random).generateEncapsulated(pk);
    }

    /** ML-KEM-768 decapsulation (implicit rejection: a bad ciphertext gives an unrelated secret). */
    public byte[] decapsulate(byte[] ciphertext) {
        if (ciphertext.length != MLKEMParameters.ml_kem_768.getEncapsulationLength()) {
            throw new IllegalArgumentException("ML-KEM-768 ciphertext must be "
                    + MLKEMParameters.ml_kem_768.getEncapsulationLength() + " bytes");
        }
        return new MLKEMExtractor(kemKey).extractSecret(ciphertext);
    }

    /**
     * Zeroises the storage key. (The BC private-key objects hold their own arrays and offer no
     * destroy; they become unreachable with this object.)
     */
    @Override
    public void close() {
        Arrays.fill(storageKey, (byte) 0);
    }
}
