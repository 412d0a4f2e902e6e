package org.qkdv2i.v2x.itsg5.internal.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;

/**
 * The files a SIGNED stack is configured with (format documented in the module README):
 * <ul>
 * <li>certificates: the COER encoding of one IEEE 1609.2 / TS 103 097 certificate, as is
 * (binary, conventionally {@code .oer});</li>
 * <li>the ticket's private key: {@code QV2XKEY1} (8 octets), PBKDF2-HMAC-SHA256 salt (16),
 * iteration count (4, big-endian), AES-256-GCM nonce (12), then the GCM ciphertext and 16-octet
 * tag of the PKCS#8 DER encoding of the EC P-256 private key. The header octets are the GCM
 * associated data. Keys are never stored in clear.</li>
 * </ul>
 */
public final class CredentialFiles {
    private static final byte[] MAGIC = "QV2XKEY1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 16 + 4 + 12;

    private CredentialFiles() {
    }

    /** Reads the ticket and its encrypted key; zeroises what it decrypted and the password copy. */
    public static SigningCredential loadCredential(Path certificate, Path key, char[] password) throws IOException {
        byte[] cert = Files.readAllBytes(certificate);
        byte[] pkcs8 = decryptKey(Files.readAllBytes(key), password, key.toString());
        try {
            // Bouncy Castle's EC key factory itself, not through a new BouncyCastleProvider: building
            // a provider registers its ~2,000 algorithm entries (~15 ms CPU), once per stack start
            // (1,050 in a city, issue 8); the key is the same BCECPrivateKey
            PrivateKey k = new org.bouncycastle.jcajce.provider.asymmetric.ec.KeyFactorySpi.EC()
                    .generatePrivate(PrivateKeyInfo.getInstance(pkcs8));
            return new SigningCredential(cert, (ECPrivateKey) k);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new IOException(key + " does not hold an EC private key", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** A trust store with these roots (trust anchors) and further certificates (authorities). */
    public static TrustStore loadTrust(String[] roots, String[] certificates) throws IOException {
        TrustStore t = new TrustStore();
        for (String r : roots) {
            if (!r.isBlank()) {
                t.addRoot(Files.readAllBytes(Path.of(r.trim())));
            }
        }
        for (String c : certificates) {
            if (!c.isBlank()) {
                t.addCertificate(Files.readAllBytes(Path.of(c.trim())));
            }
        }
        return t;
    }

    /** Writes {@code pkcs8} encrypted under {@code password}. The caller zeroises both. */
    public static void writeKey(Path file, byte[] pkcs8, char[] password, int iterations) throws IOException {
        SecureRandom rnd = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        rnd.nextBytes(salt);
        rnd.nextBytes(nonce);
        ByteBuffer h = ByteBuffer.allocate(HEADER).put(MAGIC).put(salt).putInt(iterations).put(nonce);
        byte[] header = h.array();
        byte[] k = deriveKey(password, salt, iterations);
        try {
            GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(true, new AEADParameters(new KeyParameter(k), 128, nonce, header));
            byte[] out = new byte[gcm.getOutputSize(pkcs8.length)];
            int n = gcm.processBytes(pkcs8, 0, pkcs8.length, out, 0);
            gcm.doFinal(out, n);
            byte[] all = new byte[header.length + out.length];
            System.arraycopy(header, 0, all, 0, header.length);
            System.arraycopy(out, 0, all, header.length, out.length);
            Files.write(file, all);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    static byte[] decryptKey(byte[] file, char[] password, String name) throws IOException {
        if (file.length < HEADER + 16 || !Arrays.equals(Arrays.copyOf(file, 8), MAGIC)) {
            throw new IOException(name + " is not a QV2XKEY1 key file");
        }
        ByteBuffer b = ByteBuffer.wrap(file);
        b.position(8);
        byte[] salt = new byte[16];
        b.get(salt);
        int iterations = b.getInt();
        if (iterations < 1 || iterations > 10_000_000) {
            throw new IOException(name + ": iteration count " + iterations + " out of range");
        }
        byte[] nonce = new byte[12];
        b.get(nonce);
        byte[] k = deriveKey(password, salt, iterations);
        try {
            GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(false, new AEADParameters(new KeyParameter(k), 128, nonce, Arrays.copyOf(file, HEADER)));
            byte[] out = new byte[gcm.getOutputSize(file.length - HEADER)];
            int n = gcm.processBytes(file, HEADER, file.length - HEADER, out, 0);
            gcm.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            throw new IOException(name + ": wrong password or damaged key file");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static byte[] deriveKey(char[] password, byte[] salt, int iterations) {
        byte[] pw = PKCS5S2ParametersGenerator.PKCS5PasswordToUTF8Bytes(password);
        try {
            PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(new SHA256Digest());
            g.init(pw, salt, iterations);
            return ((KeyParameter) g.generateDerivedParameters(256)).getKey().clone();
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }
}
