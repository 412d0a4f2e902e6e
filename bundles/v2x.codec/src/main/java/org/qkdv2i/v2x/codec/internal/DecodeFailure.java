package org.qkdv2i.v2x.codec.internal;

import org.qkdv2i.v2x.codec.DecodeError;

/**
 * Carries a {@link DecodeError} from deep inside a decoder to the codec's entry point, which
 * turns it into a result. It never leaves the bundle; no stack trace is recorded (expected
 * condition, and cheap on a flood of bad frames).
 */
final class DecodeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient DecodeError error;

    DecodeFailure(DecodeError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }

    DecodeError error() {
        return error;
    }
}
