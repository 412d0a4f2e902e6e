package org.qkdv2i.kmm.api;

/**
 * Key authentication counters of one QKD link at this node since start (1.4.0): before a driver
 * key block becomes servable, the two KMMs of the link compare one-time keyed universal hash
 * key-check values of it; each check spends {@code bitsSpent / checked blocks} bits of key.
 *
 * @param nodeId        this node
 * @param linkId        the link
 * @param authenticated blocks both ends held alike, now stored
 * @param failed        blocks whose key-check values differed: destroyed at both ends (alarm raised)
 * @param expired       blocks the peer never confirmed in time: destroyed
 * @param bitsSpent     key bits spent on key-check values (never stored as keys)
 * @param waiting       blocks waiting for their check now (not servable yet)
 */
public record KeyAuthStatus(String nodeId, String linkId, long authenticated, long failed, long expired,
        long bitsSpent, int waiting) {
}
