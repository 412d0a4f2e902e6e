package org.qkdv2i.qkd.api;

import org.osgi.annotation.versioning.ProviderType;

/** Where a driver delivers what it produces; implemented by the KMM. */
@ProviderType
public interface KeyBlockSink {

    /**
     * Takes ownership of a key block: the sink stores or destroys it, and the driver
     * must not use the block after this call.
     */
    void keyBlock(KeyBlock block);

    /** Reports a status change (state, QBER, rates, loss). */
    void status(LinkStatus status);

    /**
     * Opens this link's {@link PeerChannel} to the driver at the peer node and registers
     * {@code handler} to answer what that driver sends. A second call replaces the handler.
     * The channel stops carrying messages once the driver is detached from this sink.
     *
     * @throws UnsupportedOperationException if this sink cannot reach the peer node (the
     *         default, e.g. a test sink)
     */
    default PeerChannel peerChannel(PeerMessageHandler handler) {
        throw new UnsupportedOperationException("this key block sink offers no peer channel");
    }
}
