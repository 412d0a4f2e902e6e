package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.qkdv2i.dpn.api.SignedTreeHead;

/**
 * Signs and verifies tree heads with ML-DSA-65 (FIPS 204). The signed bytes are
 * {@code "qkdv2i/identity-log/sth/v1" | str logId | i64 treeSize | i64 timestamp | 32 B root}
 * (RFC 9162 §4.10 in spirit: size, timestamp and root under the log's key; the prefix keeps
 * these signatures apart from every other ML-DSA signature a key could make).
 */
public final class TreeHeadSigner {

    static final String DOMAIN = "qkdv2i/identity-log/sth/v1";

    private final MLDSAPrivateKeyParameters privateKey;
    private final byte[] publicKeyInfo;
    private final SecureRandom random;

    /** @param seed the 32-byte ML-DSA key generation seed (FIPS 204 ξ); the caller zeroises it */
    public TreeHeadSigner(byte[] seed, SecureRandom random) {
        this.privateKey = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, seed);
        this.random = random;
        try {
            this.publicKeyInfo = SubjectPublicKeyInfoFactory
                    .createSubjectPublicKeyInfo(privateKey.getPublicKeyParameters()).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the ML-DSA-65 public key", e);
        }
    }

    /** X.509 SubjectPublicKeyInfo of the verification key. */
    public byte[] publicKeyInfo() {
        return publicKeyInfo.clone();
    }

    public SignedTreeHead sign(String logId, long treeSize, long timestamp, byte[] root) {
        MLDSASigner signer = new MLDSASigner();
        signer.init(true, new ParametersWithRandom(privateKey, random));
        byte[] tbs = toBeSigned(logId, treeSize, timestamp, root);
        signer.update(tbs, 0, tbs.length);
        try {
            return new SignedTreeHead(logId, treeSize, timestamp, root, signer.generateSignature());
        } catch (CryptoException e) {
            throw new IllegalStateException("ML-DSA-65 signing failed", e);
        }
    }

    /** @return true iff {@code head} carries a valid ML-DSA-65 signature by the key {@code publicKeyInfo} */
    public static boolean verify(byte[] publicKeyInfo, SignedTreeHead head) {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(publicKeyInfo);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (!(key instanceof MLDSAPublicKeyParameters pk) || !MLDSAParameters.ml_dsa_65.equals(pk.getParameters())
                || head.rootHash().length != Merkle.HASH_LENGTH) {
            return false;
        }
        MLDSASigner verifier = new MLDSASigner();
        verifier.init(false, pk);
        byte[] tbs = toBeSigned(head.logId(), head.treeSize(), head.timestamp(), head.rootHash());
        verifier.update(tbs, 0, tbs.length);
        return verifier.verifySignature(head.signature());
    }

    static byte[] toBeSigned(String logId, long treeSize, long timestamp, byte[] root) {
        return new Wire.Out().raw(DOMAIN.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).str(logId)
                .i64(treeSize).i64(timestamp).raw(root).toByteArray();
    }

    /** The wire form of a head (peer queries). */
    public static byte[] encode(SignedTreeHead h) {
        return new Wire.Out().str(h.logId()).i64(h.treeSize()).i64(h.timestamp()).bytes(h.rootHash())
                .bytes(h.signature()).toByteArray();
    }

    public static SignedTreeHead decode(byte[] b) throws Wire.MalformedException {
        Wire.In in = new Wire.In(b);
        SignedTreeHead h = new SignedTreeHead(in.str(), in.i64(), in.i64(), in.bytes(), in.bytes());
        in.end();
        return h;
    }

    static boolean sameHead(SignedTreeHead a, SignedTreeHead b) {
        return a.logId().equals(b.logId()) && a.treeSize() == b.treeSize() && a.timestamp() == b.timestamp()
                && Arrays.equals(a.rootHash(), b.rootHash()) && Arrays.equals(a.signature(), b.signature());
    }
}
