package org.qkdv2i.v2x.itsg5.internal.stack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;

/**
 * Where a received signed CAM's CPU goes (not a unit test): thread CPU per operation of v2x.codec's
 * decode, verify (certificate / digest signer) and sign, and of a bare BC ECDSA P-256 verification
 * with the same public key object reused (BC keeps its precomputation on the point).
 * {@code java -cp ... org.qkdv2i.v2x.itsg5.internal.stack.VerifyCostBenchmark 20000}
 */
public final class VerifyCostBenchmark {
    private VerifyCostBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        DevPki dev = new DevPki(Instant.now().minusSeconds(3600));
        Ieee1609Dot2Codec c = Ieee1609Dot2Codecs.create();
        SigningCredential ticket = dev.ticket();
        TrustStore trust = new TrustStore();
        trust.addRoot(dev.rootCertificate());
        trust.addCertificate(dev.authorityCertificate());
        byte[] cam = new byte[60];
        byte[][] withCert = new byte[200][];
        byte[][] withDigest = new byte[200][];
        for (int i = 0; i < 200; i++) {
            withCert[i] = c.sign(new SignRequest(36, cam, Instant.now(), null, SignerKind.CERTIFICATE), ticket);
            withDigest[i] = c.sign(new SignRequest(36, cam, Instant.now(), null, SignerKind.DIGEST), ticket);
        }
        X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1"); // as v2x.codec: BC's SecP256R1 arithmetic
        ECDomainParameters domain = new ECDomainParameters(p256);
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(domain, new SecureRandom()));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        ECDSASigner signer = new ECDSASigner();
        signer.init(true, (ECPrivateKeyParameters) kp.getPrivate());
        byte[] digest = new byte[32];
        new SecureRandom().nextBytes(digest);
        BigInteger[] sig = signer.generateSignature(digest);
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, (ECPublicKeyParameters) kp.getPublic());
        Duration age = Duration.ofHours(1);
        for (int round = 0; round < 3; round++) { // round 0 is the JIT's
            long t = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                c.decode(withCert[i % 200]);
            }
            long decode = tmx.getCurrentThreadCpuTime() - t;
            t = tmx.getCurrentThreadCpuTime();
            int ok = 0;
            for (int i = 0; i < n; i++) {
                ok += c.verify(withCert[i % 200], trust, Instant.now(), age).isOk() ? 1 : 0;
            }
            long verifyCert = tmx.getCurrentThreadCpuTime() - t;
            t = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                ok += c.verify(withDigest[i % 200], trust, Instant.now(), age).isOk() ? 1 : 0;
            }
            long verifyDigest = tmx.getCurrentThreadCpuTime() - t;
            t = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < n / 4; i++) {
                c.sign(new SignRequest(36, cam, Instant.now(), null, SignerKind.DIGEST), ticket);
            }
            long sign = tmx.getCurrentThreadCpuTime() - t;
            t = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                ok += verifier.verifySignature(digest, sig[0], sig[1]) ? 1 : 0;
            }
            long ecdsa = tmx.getCurrentThreadCpuTime() - t;
            System.out.printf(Locale.ROOT, "round %d (%d of %d ok): decode %.1f us, verify (certificate) %.1f us,"
                    + " verify (digest) %.1f us, sign %.1f us, bare BC ECDSA P-256 (SecP256R1Curve) verify %.1f us (thread CPU per"
                    + " operation)%n", round, ok, 3 * n, decode / 1e3 / n, verifyCert / 1e3 / n, verifyDigest / 1e3 / n,
                    sign / 1e3 / (n / 4), ecdsa / 1e3 / n);
        }
    }
}
