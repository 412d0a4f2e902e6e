package org.qkdv2i.it.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import org.qkdv2i.v2x.itsg5.internal.stack.DevPki;

/**
 * Writes v2x.itsg5's development PKI (root.oer, aa.oer, {@code <station>.ticket.oer/.key}) into
 * a temporary folder. Runs in {@code @Configuration} only, on the failsafe class path: the
 * DevPki package is private to its bundle, so test methods inside the framework cannot see it;
 * they get the folder through a framework property.
 */
final class V2xPkiFiles {

    /** PBKDF2 iterations of the test key files: the format allows any count, the test wants speed. */
    private static final int ITERATIONS = 1_000;

    private V2xPkiFiles() {
    }

    static String write(String password, String... stations) throws IOException {
        Path dir = Files.createTempDirectory("qkdv2i-v2x-it-");
        DevPki pki = new DevPki(Instant.now().minusSeconds(3600));
        char[] pw = password.toCharArray();
        try {
            for (String s : stations) {
                pki.write(dir, s, pw, ITERATIONS);
            }
        } finally {
            Arrays.fill(pw, '\0');
        }
        return dir.toString();
    }
}
