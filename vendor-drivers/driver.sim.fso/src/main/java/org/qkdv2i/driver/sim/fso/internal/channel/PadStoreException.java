package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;

/**
 * The pad store cannot serve: {@link #terminal()} when retrying cannot help (file tampered or
 * corrupted, pads exhausted, the two ends' pads disagree) and only a new authKeyHex (or a restored
 * file) brings the link back; otherwise a passing I/O failure.
 */
public final class PadStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean terminal;

    public PadStoreException(String message, boolean terminal) {
        super(message);
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }
}
