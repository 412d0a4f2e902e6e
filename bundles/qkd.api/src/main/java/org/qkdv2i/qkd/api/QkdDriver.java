package org.qkdv2i.qkd.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One end of one QKD link, implemented by a vendor driver and registered as an OSGi
 * service with the properties named in {@link QkdDriverConstants}.
 *
 * <p>The key management module (KMM) of the node named by {@link LinkEnd#localNodeId()}
 * binds the service dynamically, calls {@link #attach(KeyBlockSink)} once and
 * {@link #detach(KeyBlockSink)} when it lets the driver go (driver update, KMM stop).
 * Both ends of a link must emit the same key blocks with the same IDs: how they agree
 * (BB84 post-processing, a vendor KME, a shared test seed) is the driver's business.
 *
 * <p>Threading: the driver may call the sink from any thread, but never concurrently for
 * the same sink, and never after {@link #detach(KeyBlockSink)} has returned.
 */
@ConsumerType
public interface QkdDriver {

    /** Who this link end is; constant for the lifetime of the service. */
    LinkEnd linkEnd();

    /** The latest status snapshot; cheap, never blocks. */
    LinkStatus status();

    /**
     * Starts delivering key blocks and status changes to {@code sink}. A driver serves one
     * sink at a time; attaching a second sink replaces the first.
     */
    void attach(KeyBlockSink sink);

    /**
     * Stops delivering to {@code sink}; when this returns, the driver will not call it
     * again. Blocks generated with no sink attached are destroyed by the driver.
     */
    void detach(KeyBlockSink sink);
}
