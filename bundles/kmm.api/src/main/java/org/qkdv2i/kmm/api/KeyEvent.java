package org.qkdv2i.kmm.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Something a key consumer or an operator should know about a pool or link.
 *
 * @param type   what happened
 * @param nodeId the node raising it
 * @param linkId the link concerned
 * @param detail a human-readable explanation (never key material)
 * @param time   when it happened
 */
public record KeyEvent(Type type, String nodeId, String linkId, String detail, Instant time) {

    public KeyEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(time, "time");
        detail = detail == null ? "" : detail;
    }

    /** Kinds of event. */
    public enum Type {
        /** Own keys fell below the low-water mark. */
        POOL_LOW,
        /** No own keys left: requests for this link get "unavailable". */
        POOL_EMPTY,
        /** Own keys rose back above the low-water mark. */
        POOL_REFILLED,
        /** The link's driver reports it is up (or degraded) again. */
        LINK_UP,
        /** The link's driver is down or gone. */
        LINK_DOWN,
        /** The link aborted a round for eavesdropping. */
        LINK_EAVESDROPPING,
        /**
         * A delivered key was voided on request (suspected compromise); the detail names the key
         * ID and who asked (1.4.0).
         */
        KEY_VOIDED,
        /**
         * Alarm: the two ends of the link hold different material for a driver key block (its
         * key-check values differ): the block was quarantined and destroyed at both ends. The
         * detail names the link, the driver and the block (a driver fault or tampering; 1.4.0).
         */
        KEY_AUTHENTICATION_FAILED
    }
}
