package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Key pool level of one link at a node (counts are keys, never key material).
 *
 * @param authBitsSpent bits of the link's key spent on key authentication at this node since the KMM
 *        started (256 per checked batch of driver blocks; since 1.2)
 * @param authCheckedBlocks driver key blocks whose key check was decided, passed or failed (since 1.2)
 * @param authFailedBlocks driver key blocks destroyed because their key check failed (since 1.2; its
 *        growth comes with the KMM's {@code KEY_AUTHENTICATION_FAILED} alarm)
 */
public record PoolTelemetry(String node, String link, String peerNode, long ownKeys, long peerKeys,
        long capacity, long lowWater, long delivered, long expired, long authBitsSpent, long authCheckedBlocks,
        long authFailedBlocks, Instant time) {
    public PoolTelemetry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(time, "time");
        peerNode = peerNode == null ? "" : peerNode;
    }

    /** The 1.1 record: no key authentication counters (0). */
    public PoolTelemetry(String node, String link, String peerNode, long ownKeys, long peerKeys, long capacity,
            long lowWater, long delivered, long expired, Instant time) {
        this(node, link, peerNode, ownKeys, peerKeys, capacity, lowWater, delivered, expired, 0, 0, 0, time);
    }
}
