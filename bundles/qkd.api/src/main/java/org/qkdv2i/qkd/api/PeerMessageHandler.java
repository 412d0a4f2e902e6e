package org.qkdv2i.qkd.api;

import org.osgi.annotation.versioning.ConsumerType;

/** Answers the messages that the driver at the peer end of the link sends over a {@link PeerChannel}. */
@ConsumerType
@FunctionalInterface
public interface PeerMessageHandler {

    /**
     * Answers one message. Called on a KMM thread, possibly concurrently; it may block for
     * as long as the peer's request timeout allows.
     *
     * @return the reply (at most {@link PeerChannel#MAX_MESSAGE_BYTES} bytes)
     * @throws PeerChannelException to refuse the message; its text reaches the peer driver
     */
    byte[] handle(byte[] message) throws PeerChannelException;
}
