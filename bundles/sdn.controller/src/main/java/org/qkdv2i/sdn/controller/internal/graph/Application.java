package org.qkdv2i.sdn.controller.internal.graph;

import java.time.Instant;

/**
 * A provisioned application as the controller keeps it (immutable snapshot).
 *
 * @param request     what was asked for (with the final app ID)
 * @param relayId     the relay path ({@link RelayPath}) carrying its keys
 * @param path        the current path from the server node to the client node
 * @param backingLink the link the end nodes use for it ({@code backing_qkdl_id}): the virtual link
 *                    ID, or the physical link ID when the path has one hop
 * @param status      ACTIVE, or NO_PATH while its path is broken and no other exists
 * @param created     when it was provisioned
 */
public record Application(AppRequest request, String relayId, Path path, String backingLink, Status status,
        Instant created) {

    public enum Status {
        /** Its path is usable. */
        ACTIVE,
        /** A link of its path failed and no alternative exists: kept, nodes serve from their pools. */
        NO_PATH
    }

    public String id() {
        return request.appId();
    }
}
