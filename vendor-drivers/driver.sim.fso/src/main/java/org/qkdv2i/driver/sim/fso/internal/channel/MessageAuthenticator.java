package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;

/**
 * Tags and checks the frames of the classical channel. The driver uses {@link PadAuthenticator}
 * (Wegman–Carter over a durable pad store).
 */
public interface MessageAuthenticator {

    /** Tag length in bytes as it goes on the wire. */
    int tagBytes();

    /** Tag over {@code data} (consumes one pad). */
    byte[] tag(byte[] data) throws IOException;

    /** Checks {@code tag}; throws when it does not match (the channel then closes). */
    void verify(byte[] data, byte[] tag) throws IOException;

    /** A running tag over a sequence of frames, authenticated once per direction. */
    Transcript transcript();

    /** Frames added in the same order at both ends, then one tag each way. */
    interface Transcript {
        /** Adds one frame: who sent it, its header and its payload. */
        void add(boolean fromAlice, byte[] header, byte[] payload);

        /** The tag this end sends (consumes one pad of its sending direction). */
        byte[] tag() throws IOException;

        /** Checks the peer's tag (consumes one pad of the receiving direction). */
        void verify(byte[] tag) throws IOException;
    }
}
