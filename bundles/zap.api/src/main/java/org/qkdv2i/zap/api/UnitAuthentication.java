package org.qkdv2i.zap.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One run of mutual unit authentication, transport-agnostic: the caller carries the
 * messages (a TCP stream, a datagram, a radio frame). Not thread-safe; one run per
 * handshake, never reused.
 */
@ProviderType
public interface UnitAuthentication extends AutoCloseable {

    /** The initiator's first message; empty for a responder. */
    Optional<byte[]> firstMessage();

    /**
     * Consumes the peer's next message and returns the reply to send, if any. After the
     * last message {@link #result()} is present.
     *
     * @throws AuthenticationException with the reason when the peer fails to prove its
     *                                 identity, replays, is revoked or not allowed
     */
    Optional<byte[]> receive(byte[] message) throws AuthenticationException;

    /** Present once both sides are authenticated. */
    Optional<AuthenticatedPeer> result();

    /** Zeroises what the run holds; the result's secret stays the caller's to destroy. */
    @Override
    void close();
}
