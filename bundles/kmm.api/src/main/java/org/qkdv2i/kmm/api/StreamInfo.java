package org.qkdv2i.kmm.api;

import java.util.UUID;

/**
 * One open ETSI GS QKD 004 key stream at this node's KMM (1.6.0), from {@link KeyStreams#streams()}.
 *
 * @param nodeId            this node
 * @param keyStreamId       the stream
 * @param sourceSaeId       its source application
 * @param destinationSaeId  its destination application
 * @param owner             whether this node owns it (serves the source; draws the keys)
 * @param qos               the QoS it was admitted with
 * @param destinationConnected whether the destination application has joined
 * @param jitterMisses      GET_KEYs here that waited longer than the stream's {@code jitter} for key
 *                          (key scarce, the pool empty, the peer slow); 0 when no jitter was asked
 */
public record StreamInfo(String nodeId, UUID keyStreamId, String sourceSaeId, String destinationSaeId,
        boolean owner, StreamQos qos, boolean destinationConnected, long jitterMisses) {
}
