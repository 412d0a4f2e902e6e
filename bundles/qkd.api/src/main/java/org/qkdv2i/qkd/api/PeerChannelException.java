package org.qkdv2i.qkd.api;

/** A driver-to-driver message could not be delivered or was refused; the text says why. */
public class PeerChannelException extends Exception {

    private static final long serialVersionUID = 1L;

    public PeerChannelException(String message) {
        super(message);
    }

    public PeerChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
