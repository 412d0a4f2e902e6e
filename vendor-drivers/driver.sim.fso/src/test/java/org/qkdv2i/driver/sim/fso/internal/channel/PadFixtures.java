package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;
import java.util.SplittableRandom;

import org.junit.rules.TemporaryFolder;

/** Authenticators over real pad-store files in a test's temporary folder. */
final class PadFixtures {

    private PadFixtures() {
    }

    /** A pre-shared key with {@code pads} pads per direction (seeded: the same at both ends). */
    static byte[] psk(int pads, long seed) {
        byte[] k = new byte[16 + 2 * 16 * pads];
        new SplittableRandom(seed).nextBytes(k);
        return k;
    }

    /** The authenticator of one end, its store in {@code tmp/alice} or {@code tmp/bob}. */
    static PadAuthenticator end(TemporaryFolder tmp, byte[] psk, boolean alice) throws IOException {
        return end(tmp.getRoot().toPath(), psk, alice);
    }

    /** The same under {@code root}. */
    static PadAuthenticator end(java.nio.file.Path root, byte[] psk, boolean alice) throws IOException {
        return new PadAuthenticator(PadStore.open(root.resolve(alice ? "alice" : "bob"), "link-1",
                alice ? "A" : "B", alice, psk), alice);
    }
}
