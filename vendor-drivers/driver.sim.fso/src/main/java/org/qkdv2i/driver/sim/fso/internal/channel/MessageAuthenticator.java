package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;

/**
 * Tags and checks every frame of the classical channel. The driver always uses
 * {@link WegmanCarterAuthenticator} (qkd.postprocessing).
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
}
