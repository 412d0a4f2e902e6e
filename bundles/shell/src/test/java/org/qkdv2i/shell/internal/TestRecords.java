package org.qkdv2i.shell.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

/** Identity records with real ML-DSA-65 / ML-KEM-768 SubjectPublicKeyInfo encodings (Bouncy Castle, as the DAU makes them). */
final class TestRecords {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final byte[] DSA = spki(dsa());
    static final byte[] KEM = spki(kem());

    private TestRecords() {
    }

    static IdentityRecord record(String name, DeviceRole role, DauKind kind, String zone) {
        byte[] digest = new byte[32];
        RANDOM.nextBytes(digest);
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new IdentityRecord(new DeviceId(java.util.HexFormat.of().formatHex(id)), name, role, kind, zone, digest,
                DSA, KEM, Instant.parse("2026-11-27T09:55:57.123456789Z"));
    }

    static IdentityRecord withKeys(IdentityRecord r, byte[] dsa, byte[] kem) {
        return new IdentityRecord(r.id(), r.name(), r.role(), r.kind(), r.zone(), r.measurementDigest(), dsa, kem,
                r.enrolledAt());
    }

    static byte[] flipped(byte[] b, int at) {
        byte[] c = Arrays.copyOf(b, b.length);
        c[at] ^= 1;
        return c;
    }

    private static AsymmetricCipherKeyPair dsa() {
        MLDSAKeyPairGenerator g = new MLDSAKeyPairGenerator();
        g.init(new MLDSAKeyGenerationParameters(RANDOM, MLDSAParameters.ml_dsa_65));
        return g.generateKeyPair();
    }

    private static AsymmetricCipherKeyPair kem() {
        MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
        g.init(new MLKEMKeyGenerationParameters(RANDOM, MLKEMParameters.ml_kem_768));
        return g.generateKeyPair();
    }

    private static byte[] spki(AsymmetricCipherKeyPair kp) {
        try {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
