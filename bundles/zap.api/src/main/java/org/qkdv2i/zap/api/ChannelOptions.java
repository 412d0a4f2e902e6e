package org.qkdv2i.zap.api;

import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link ProtectedChannel} judges received messages.
 *
 * @param segment      the DPN micro-segment the channel belongs to; bound into every
 *                     message, so a message protected for another segment is refused
 * @param replayWindow how many sequence numbers behind the highest seen may still arrive
 *                     (reordering on datagram links); 0 = strictly in order (streams)
 * @param maxAge       a message older than this (by its generation time) is expired
 * @param clock        the clock generation times come from and are judged by
 */
public record ChannelOptions(String segment, int replayWindow, Duration maxAge, Clock clock) {

    public ChannelOptions {
        if (segment == null || replayWindow < 0 || replayWindow > 1024 || maxAge == null || maxAge.isNegative()
                || clock == null) {
            throw new IllegalArgumentException("channel options: segment, 0 <= replayWindow <= 1024, maxAge >= 0, clock");
        }
    }

    /** In-order stream channel (a DPN session over TCP), messages valid for 30 s. */
    public static ChannelOptions stream(String segment, Clock clock) {
        return new ChannelOptions(segment, 0, Duration.ofSeconds(30), clock);
    }

    /** Datagram channel (radio), reordering up to 64 messages, valid for 2 s. */
    public static ChannelOptions datagram(String segment, Clock clock) {
        return new ChannelOptions(segment, 64, Duration.ofSeconds(2), clock);
    }
}
