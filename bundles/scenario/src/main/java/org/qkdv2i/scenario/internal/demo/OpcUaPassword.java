package org.qkdv2i.scenario.internal.demo;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The password hash format of telemetry.opcua's users ({@code pbkdf2-sha256$<iterations>$<salt
 * b64>$<hash b64>}, PBKDF2-HMAC-SHA256, RFC 8018 §5.2), made here because that bundle exports
 * nothing.
 */
final class OpcUaPassword {

    static final int ITERATIONS = 310_000;

    private OpcUaPassword() {
    }

    static String hash(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] pw = PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(password);
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA256Digest());
        gen.init(pw, salt, ITERATIONS);
        byte[] dk = ((KeyParameter) gen.generateDerivedParameters(256)).getKey();
        try {
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return "pbkdf2-sha256$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(dk);
        } finally {
            Arrays.fill(pw, (byte) 0);
            Arrays.fill(dk, (byte) 0);
        }
    }
}
