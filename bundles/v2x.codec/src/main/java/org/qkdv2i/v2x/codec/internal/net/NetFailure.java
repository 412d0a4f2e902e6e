package org.qkdv2i.v2x.codec.internal.net;

import org.qkdv2i.v2x.codec.DecodeError;

/** Carries a {@link DecodeError} out of a header decoder to its entry point; no stack trace (expected condition). */
final class NetFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient DecodeError error;

    NetFailure(DecodeError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }

    DecodeError error() {
        return error;
    }
}
