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
}
