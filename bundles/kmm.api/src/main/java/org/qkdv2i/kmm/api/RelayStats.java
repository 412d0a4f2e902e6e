package org.qkdv2i.kmm.api;

/**
 * Key relay over one physical link of this node since start: what was relayed and what it
 * cost the link's pool (one-time pad plus the information-theoretic MAC's key, per hop).
 *
 * @param linkId        the physical link
 * @param peerNodeId    the node at its other end
 * @param keysSent      relayed keys this node sent over the link
 * @param keysReceived  relayed keys this node received over the link
 * @param linkKeyBits   bits of the link's key spent on them (pad and MAC, both directions)
 * @param voided        relayed keys voided after they crossed the link (a later hop failed)
 */
public record RelayStats(String linkId, String peerNodeId, long keysSent, long keysReceived,
        long linkKeyBits, long voided) {
}
