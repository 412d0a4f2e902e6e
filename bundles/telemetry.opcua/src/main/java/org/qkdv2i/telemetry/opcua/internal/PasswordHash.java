package org.qkdv2i.telemetry.opcua.internal;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Password hashes for OPC UA users: PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) from Bouncy Castle,
 * encoded as {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}. Only hashes are ever
 * configured; a plaintext password never appears in configuration.
 *
 * <p>Run {@code java -cp org.qkdv2i.telemetry.opcua.jar:bcprov-jdk18on-1.84.jar
 * org.qkdv2i.telemetry.opcua.internal.PasswordHash} to make a hash: it reads the password
 * from the console without echo (or one line from standard input) and prints the hash.
 */
public final class PasswordHash {

    static final String SCHEME = "pbkdf2-sha256";
    static final int DEFAULT_ITERATIONS = 310_000; // OWASP 2023 figure for PBKDF2-HMAC-SHA256
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MIN_ITERATIONS = 10_000;

    private PasswordHash() {
    }

    /** Makes a new hash with a random salt. */
    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        byte[] dk = derive(password, salt, iterations, HASH_BYTES);
        try {
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(dk);
        } finally {
            Arrays.fill(dk, (byte) 0);
        }
    }

    /** True if {@code password} matches {@code encoded}; false for a malformed hash too. */
    public static boolean verify(char[] password, String encoded) {
        String[] p = encoded == null ? new String[0] : encoded.split("\\$");
        if (p.length != 4 || !SCHEME.equals(p[0])) {
            return false;
        }
        byte[] expected = null;
        byte[] actual = null;
        try {
            int iterations = Integer.parseInt(p[1]);
            if (iterations < MIN_ITERATIONS) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(p[2]);
            expected = Base64.getDecoder().decode(p[3]);
            actual = derive(password, salt, iterations, expected.length);
            return MessageDigest.isEqual(expected, actual); // constant time
        } catch (IllegalArgumentException e) {
            return false;
        } finally {
            if (actual != null) {
                Arrays.fill(actual, (byte) 0);
            }
        }
    }

    /** Checks the format without a password (for configuration validation). */
    static boolean wellFormed(String encoded) {
        String[] p = encoded == null ? new String[0] : encoded.split("\\$");
        if (p.length != 4 || !SCHEME.equals(p[0])) {
            return false;
        }
        try {
            return Integer.parseInt(p[1]) >= MIN_ITERATIONS && Base64.getDecoder().decode(p[2]).length >= 8
                    && Base64.getDecoder().decode(p[3]).length >= 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int length) {
        byte[] pw = PKCS5S2ParametersGenerator.PKCS5PasswordToUTF8Bytes(password);
        try {
            PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA256Digest());
            gen.init(pw, salt, iterations);
            return ((KeyParameter) gen.generateDerivedParameters(length * 8)).getKey();
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    /** Command-line tool: prints the hash of a password read without echo. */
    public static void main(String[] args) throws IOException {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ITERATIONS;
        char[] pw;
        Console console = System.console();
        if (console != null) {
            pw = console.readPassword("password: ");
            char[] again = console.readPassword("again: ");
            boolean same = Arrays.equals(pw, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(pw, '\0');
                System.err.println("passwords differ");
                System.exit(2);
                return;
            }
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            pw = line == null ? new char[0] : line.toCharArray();
        }
        if (pw.length == 0) {
            System.err.println("empty password");
            System.exit(2);
            return;
        }
        try {
            System.out.println(hash(pw, iterations));
        } finally {
            Arrays.fill(pw, '\0');
        }
    }
}
