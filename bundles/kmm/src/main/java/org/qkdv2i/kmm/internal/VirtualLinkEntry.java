package org.qkdv2i.kmm.internal;

import org.qkdv2i.kmm.api.VirtualLink;

/** A virtual (relayed) link from configuration, for the KMM of node {@link #nodeId()}. */
public interface VirtualLinkEntry {

    String nodeId();

    VirtualLink link();
}
