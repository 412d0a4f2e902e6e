package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * This link end's ML-DSA-65 identity (FIPS 204) for the post-quantum re-bootstrap of the
 * classical channel: generated on first start, kept in {@code stateDir/pq-identity-<id>.bin} as its
 * 32-byte seed, encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from the configured
 * authKeyHex (like the pad store, so the state directory alone does not hold it). A new authKeyHex
 * therefore means a new identity, whose public key the peer must be given. The public key is
 * published as base64 X.509 SubjectPublicKeyInfo; only public keys and their fingerprints are ever
 * logged.
 */
public final class PqIdentity implements AutoCloseable {

    public static final MLDSAParameters PARAMETERS = MLDSAParameters.ml_dsa_65;
    static final String LABEL_FILE_KEY = "qkdv2i/fso-pq-identity-file-key/v1";
    static final String LABEL_FILE_ID = "qkdv2i/fso-pq-identity-file-id/v1";
    private static final byte[] MAGIC = "QKDPQID1".getBytes(StandardCharsets.US_ASCII);
    private static final int SEED_BYTES = 32, ID_BYTES = 16, NONCE_BYTES = 12, TAG_BITS = 128;

    private final Path file;
    private final MLDSAPrivateKeyParameters privateKey;
    private final byte[] spki;
    private final SecureRandom random;
    private volatile boolean closed;

    private PqIdentity(Path file, MLDSAPrivateKeyParameters privateKey, SecureRandom random) throws IOException {
        this.file = file;
        this.privateKey = privateKey;
        this.random = random;
        this.spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(privateKey.getPublicKeyParameters())
                .getEncoded();
    }

    /**
     * Loads this end's identity from {@code dir}, generating and storing it on first start.
     *
     * @throws PadStoreException (terminal) when the file exists but fails its integrity check
     */
    public static PqIdentity open(Path dir, String linkId, String node, boolean alice, byte[] authKey)
            throws PadStoreException {
        byte[] salt = (linkId + '\0' + node + '\0' + (alice ? "ALICE" : "BOB")).getBytes(StandardCharsets.UTF_8);
        byte[] fileKey = PadStore.hkdf(authKey, salt, LABEL_FILE_KEY, 32);
        byte[] fileId = PadStore.hkdf(authKey, salt, LABEL_FILE_ID, ID_BYTES);
        Path file = dir.resolve("pq-identity-" + HexFormat.of().formatHex(fileId, 0, 8) + ".bin");
        byte[] header = new byte[MAGIC.length + ID_BYTES];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        System.arraycopy(fileId, 0, header, MAGIC.length, ID_BYTES);
        SecureRandom random = new SecureRandom();
        byte[] seed = null;
        try {
            PadStore.createPrivateDirectories(dir);
            if (!Files.exists(file)) {
                MLDSAKeyPairGenerator g = new MLDSAKeyPairGenerator();
                g.init(new MLDSAKeyGenerationParameters(random, PARAMETERS));
                AsymmetricCipherKeyPair kp = g.generateKeyPair();
                seed = ((MLDSAPrivateKeyParameters) kp.getPrivate()).getSeed();
                try {
                    create(file, seal(fileKey, header, seed, random));
                } catch (FileAlreadyExistsException raced) {
                    Arrays.fill(seed, (byte) 0);
                    seed = null; // another instance stored one first: use that
                }
            }
            if (seed == null) {
                seed = unseal(file, fileKey, header);
            }
            return new PqIdentity(file, new MLDSAPrivateKeyParameters(PARAMETERS, seed), random);
        } catch (PadStoreException e) {
            throw e;
        } catch (IOException e) {
            throw new PadStoreException("post-quantum identity " + file + " cannot be stored or read: "
                    + e.getMessage(), false);
        } finally {
            Arrays.fill(fileKey, (byte) 0);
            if (seed != null) {
                Arrays.fill(seed, (byte) 0);
            }
        }
    }

    private static byte[] seal(byte[] key, byte[] header, byte[] seed, SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, header));
        byte[] out = new byte[header.length + NONCE_BYTES + gcm.getOutputSize(seed.length)];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
        int off = header.length + NONCE_BYTES;
        try {
            gcm.doFinal(out, off + gcm.processBytes(seed, 0, seed.length, out, off));
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e); // encryption checks no tag
        }
        return out;
    }

    private static byte[] unseal(Path file, byte[] key, byte[] header) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int off = header.length + NONCE_BYTES;
        if (bytes.length != off + SEED_BYTES + TAG_BITS / 8 || !Arrays.equals(bytes, 0, header.length, header, 0,
                header.length)) {
            throw refused(file, "not the identity of this link end and authKeyHex");
        }
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(key), TAG_BITS, Arrays.copyOfRange(bytes, header.length, off),
                header));
        byte[] seed = new byte[SEED_BYTES];
        try {
            gcm.doFinal(seed, gcm.processBytes(bytes, off, bytes.length - off, seed, 0));
        } catch (InvalidCipherTextException e) {
            Arrays.fill(seed, (byte) 0);
            throw refused(file, "AES-GCM integrity check failed");
        }
        return seed;
    }

    private static PadStoreException refused(Path file, String why) {
        return new PadStoreException("post-quantum identity " + file + " refused (" + why + "): tampered or "
                + "corrupted; restore it, or delete it and give the peer the new public key", true);
    }

    private static void create(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PadStore.privateFile())) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.createLink(file, tmp); // fails if another instance created the file meanwhile
        } catch (UnsupportedOperationException e) {
            Files.move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public Path file() {
        return file;
    }

    /** X.509 SubjectPublicKeyInfo of the public key (DER). */
    public byte[] publicKeyInfo() {
        return spki.clone();
    }

    /** The public key as configured at the peer ({@code pqPeerPublicKey}): base64 SubjectPublicKeyInfo. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(spki);
    }

    /** SHA-256 of the SubjectPublicKeyInfo, hex: names the key in logs and status reasons. */
    public String fingerprint() {
        return fingerprint(spki);
    }

    static byte[] fingerprintBytes(byte[] spki) {
        SHA256Digest d = new SHA256Digest();
        d.update(spki, 0, spki.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** First 16 hex digits of SHA-256 over a SubjectPublicKeyInfo. */
    public static String fingerprint(byte[] spki) {
        return HexFormat.of().formatHex(fingerprintBytes(spki), 0, 8);
    }

    /**
     * Parses a peer's public key as configured: base64 SubjectPublicKeyInfo of an ML-DSA-65 key.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static byte[] parsePublicKey(String base64) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pqPeerPublicKey is not base64");
        }
        AsymmetricKeyParameter k;
        try {
            k = PublicKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("pqPeerPublicKey is not an X.509 SubjectPublicKeyInfo");
        }
        if (!(k instanceof MLDSAPublicKeyParameters p) || !PARAMETERS.getName().equals(p.getParameters().getName())) {
            throw new IllegalArgumentException("pqPeerPublicKey is not an ML-DSA-65 public key");
        }
        return der;
    }

    static MLDSAPublicKeyParameters publicKey(byte[] spki) throws IOException {
        return (MLDSAPublicKeyParameters) PublicKeyFactory.createKey(spki);
    }

    /** ML-DSA-65 signature (hedged, FIPS 204 §3.4) over {@code message} with the given context string. */
    byte[] sign(byte[] context, byte[] message) throws IOException {
        if (closed) {
            throw new IOException("post-quantum identity closed");
        }
        MLDSASigner s = new MLDSASigner();
        s.init(true, new ParametersWithContext(new ParametersWithRandom(privateKey, random), context));
        s.update(message, 0, message.length);
        try {
            return s.generateSignature();
        } catch (CryptoException e) {
            throw new IOException("ML-DSA signing failed: " + e.getMessage());
        }
    }

    static boolean verify(MLDSAPublicKeyParameters key, byte[] context, byte[] message, byte[] signature) {
        MLDSASigner v = new MLDSASigner();
        v.init(false, new ParametersWithContext(key, context));
        v.update(message, 0, message.length);
        return v.verifySignature(signature);
    }

    /** Stops signing. Bouncy Castle's key object keeps its own copy of the secret, which this cannot wipe. */
    @Override
    public void close() {
        closed = true;
    }
}
