package org.qkdv2i.qkd.api;

import java.util.Objects;

/**
 * Identity of one link end: the link, this node, the peer node and the physical role.
 *
 * @param linkId      the link, the same at both ends
 * @param localNodeId the node this end belongs to
 * @param peerNodeId  the node at the other end
 * @param role        this end's physical role
 */
public record LinkEnd(String linkId, String localNodeId, String peerNodeId, QkdRole role) {

    public LinkEnd {
        requireText(linkId, "linkId");
        requireText(localNodeId, "localNodeId");
        requireText(peerNodeId, "peerNodeId");
        Objects.requireNonNull(role, "role");
        if (localNodeId.equals(peerNodeId)) {
            throw new IllegalArgumentException("a link joins two different nodes, got " + localNodeId + " twice");
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
