package org.qkdv2i.kmm.api;

import java.util.Objects;
import java.util.UUID;

/**
 * Answer of OPEN_CONNECT (ETSI GS QKD 004 V2.1.1 §6.1).
 *
 * @param status      {@code SUCCESSFUL}, {@code PEER_NOT_CONNECTED} (opened; the peer application has
 *                    not opened its end yet), {@code NO_QKD_CONNECTION_AVAILABLE}, {@code KSID_ALREADY_IN_USE}
 *                    or {@code QOS_NOT_MET}
 * @param keyStreamId the stream's ID when it is open; null otherwise
 * @param qos         the QoS granted; with {@code QOS_NOT_MET} the counter-proposal (what the KMM could
 *                    grant now); null when there is nothing to propose
 */
public record OpenResult(StreamStatus status, UUID keyStreamId, StreamQos qos) {

    public OpenResult {
        Objects.requireNonNull(status, "status");
    }

    /** Whether the stream is open at this end (status 0 or 1). */
    public boolean opened() {
        return status == StreamStatus.SUCCESSFUL || status == StreamStatus.PEER_NOT_CONNECTED;
    }
}
