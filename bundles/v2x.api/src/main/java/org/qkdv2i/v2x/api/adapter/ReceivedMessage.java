package org.qkdv2i.v2x.api.adapter;

import java.time.Instant;
import java.util.Objects;

import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;

/**
 * One decoded, verified message as a {@link V2xMessageListener} receives it.
 *
 * @param stackId the receiving stack's {@link V2xStack#STACK} name
 * @param radioId the radio it came in on
 * @param content the message
 * @param security how it was protected and verified
 * @param source the sender's link address (MAC or PC5 Layer-2 ID)
 * @param metadata what the radio measured (RSSI, channel, time, sidelink parameters)
 * @param receivedAt the stack's clock when the frame was processed
 */
public record ReceivedMessage(String stackId, String radioId, V2xContent content, SecurityInfo security,
        LinkAddress source, FrameMetadata metadata, Instant receivedAt) {
    public ReceivedMessage {
        Objects.requireNonNull(stackId, "stackId");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
