package org.qkdv2i.kmm.api;

/**
 * A secure application entity and the node that serves it.
 *
 * @param saeId  the SAE
 * @param nodeId the node whose KME it talks to
 * @param local  whether that node is this one
 */
public record SaeInfo(String saeId, String nodeId, boolean local) {
}
