package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;

/**
 * Tags and checks every frame of the classical channel. The intended implementation is
 * Wegman–Carter (polynomial hash over GF(2^128) XOR a one-time pad from generated key) from
 * bundles/qkd.postprocessing; see {@link #NOT_AUTHENTICATED} for what runs until it is wired.
 */
public interface MessageAuthenticator {

    /** Tag length in bytes. */
    int tagBytes();

    /** Tag over {@code data} (consumes one pad for a one-time-pad authenticator). */
    byte[] tag(byte[] data);

    /** Checks {@code tag}; throws when it does not match (the channel then closes). */
    void verify(byte[] data, byte[] tag) throws IOException;

    /** Key bits spent on authentication so far (subtracted from the reported secret rate). */
    long spentKeyBits();

    /**
     * Placeholder until the post-processing library's Wegman–Carter lands: carries no tag and
     * checks nothing. TODO(qkd.postprocessing auth): replace with WegmanCarter.bootstrap(psk).
     */
    MessageAuthenticator NOT_AUTHENTICATED = new MessageAuthenticator() {
        @Override
        public int tagBytes() {
            return 0;
        }

        @Override
        public byte[] tag(byte[] data) {
            return new byte[0];
        }

        @Override
        public void verify(byte[] data, byte[] tag) {
            // nothing to check: see the TODO above
        }

        @Override
        public long spentKeyBits() {
            return 0;
        }
    };
}
