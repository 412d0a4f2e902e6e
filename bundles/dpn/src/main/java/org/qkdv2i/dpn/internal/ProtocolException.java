package org.qkdv2i.dpn.internal;

/** A peer sent bytes that break the DPN wire protocol; the message names the cause. */
final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }
}
