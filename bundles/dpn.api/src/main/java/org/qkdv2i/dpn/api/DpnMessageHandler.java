package org.qkdv2i.dpn.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service that receives the messages arriving on the sessions of the DPN
 * endpoint with the same {@code dau.name} service property. Called on the session's
 * reader thread, one message at a time per session; must not block long.
 */
@ConsumerType
public interface DpnMessageHandler {

    void received(DpnSession session, byte[] payload);
}
