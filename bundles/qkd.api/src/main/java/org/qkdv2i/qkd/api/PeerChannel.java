package org.qkdv2i.qkd.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A message channel from the driver at one end of a link to the driver at the other end,
 * carried by the two KMMs over their authenticated peer channel (HTTPS with mutual TLS
 * between the nodes). For drivers whose devices do not agree on key IDs by themselves,
 * for example a vendor KME reached over ETSI GS QKD 014: one end tells the other which
 * key IDs to fetch.
 *
 * <p>Messages are small control messages (a few kilobytes at most). They are protected in
 * transit by the peer channel's TLS, but they are logged by ID and kept in no vault: never
 * put key material in a message.
 */
@ProviderType
public interface PeerChannel {

    /** Largest message, in bytes, that a channel carries in either direction. */
    int MAX_MESSAGE_BYTES = 64 * 1024;

    /**
     * Sends {@code message} to the {@link PeerMessageHandler} of the same link at the peer
     * node. Completes with the handler's reply, or exceptionally with a
     * {@link PeerChannelException} when the peer is unreachable, has no driver attached
     * for this link, refuses the message, or does not answer in time.
     */
    CompletionStage<byte[]> request(byte[] message);
}
