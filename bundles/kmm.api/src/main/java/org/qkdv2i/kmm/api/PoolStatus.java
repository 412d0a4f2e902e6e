package org.qkdv2i.kmm.api;

import org.qkdv2i.qkd.api.LinkStatus;

/**
 * The key pool of one QKD link at this node.
 *
 * @param nodeId         this node
 * @param linkId         the link
 * @param peerNodeId     the node at the other end
 * @param driverPresent  whether a driver for the link is bound now
 * @param link           the driver's latest status (null when none was ever bound)
 * @param ownKeys        stored keys this node may hand to its master SAEs
 * @param peerKeys       stored keys reserved for the peer's master SAEs (served here by ID)
 * @param capacity       most keys the pool holds (both halves)
 * @param lowWater       below this many own keys a {@link KeyEvent.Type#POOL_LOW} event is raised
 * @param keyBits        size of one stored key, bits
 * @param delivered      keys delivered to SAEs since start
 * @param expired        keys destroyed at the end of their lifetime since start
 */
public record PoolStatus(String nodeId, String linkId, String peerNodeId, boolean driverPresent,
        LinkStatus link, long ownKeys, long peerKeys, long capacity, long lowWater, int keyBits,
        long delivered, long expired) {
}
