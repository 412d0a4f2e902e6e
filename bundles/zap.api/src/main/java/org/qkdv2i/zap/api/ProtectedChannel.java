package org.qkdv2i.zap.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One protected message flow between two DAUs (or one DAU and a broadcast group). The
 * sending side numbers messages; the receiving side checks integrity, the segment, the
 * age and the replay window. Thread-safe.
 */
@ProviderType
public interface ProtectedChannel extends AutoCloseable {

    /** Protects one message; the returned bytes go on the wire. */
    byte[] protect(byte[] payload);

    /**
     * Checks and opens one received message. Nothing about a rejected message changes the
     * channel's state, so a forged message cannot lock out the genuine one that follows.
     *
     * @throws MessageRejectedException naming the reason (tampered, replayed, reordered
     *                                  beyond the window, expired, other segment, malformed)
     */
    byte[] open(byte[] wire) throws MessageRejectedException;

    /** Zeroises the keys; later calls fail with {@link MessageRejectedException.Reason#CLOSED}. */
    @Override
    void close();
}
