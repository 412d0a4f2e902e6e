package org.qkdv2i.sdn.api;

/**
 * {@code qkdl_local} or {@code qkdl_remote}: one end of a key association link.
 *
 * @param qkdnId the node; null if absent
 * @param qkdiId its interface the link uses (uint32); null if absent (always for a VIRT link's far end)
 */
public record LinkEndpoint(String qkdnId, Long qkdiId) {

    public LinkEndpoint {
        Checks.uint32(qkdiId, "qkdi_id");
    }

    /** An end known by its node only. */
    public static LinkEndpoint node(String qkdnId) {
        return new LinkEndpoint(qkdnId, null);
    }
}
