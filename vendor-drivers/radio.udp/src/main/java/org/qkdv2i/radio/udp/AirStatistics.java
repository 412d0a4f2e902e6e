package org.qkdv2i.radio.udp;

/**
 * What a virtual-air radio did since activation. Every datagram counted in {@code received}
 * ends in exactly one of {@code delivered} (or still in flight while it waits out its latency),
 * the {@code dropped…} counters or {@code malformed}; own echoes (multicast loop-back) are not
 * counted at all.
 *
 * @param sent frames handed to {@code send} and written to the socket
 * @param received datagrams read from the socket that were not this radio's own
 * @param delivered frames handed to subscribers (once per frame, however many subscribers)
 * @param droppedOutOfRange farther than the receiver's range
 * @param droppedBelowSensitivity modelled RSSI below the receiver's sensitivity
 * @param droppedLoss lost by the loss model
 * @param droppedOtherChannel sent on another channel
 * @param droppedOtherTechnology sent by a radio of the other technology
 * @param droppedNotAddressed ITS-G5 unicast to another MAC address
 * @param malformed datagrams that are not virtual-air frames
 * @param lastMalformedReason why the last malformed datagram was refused, or null
 * @param datagramsSent datagrams written for the sent frames: one per frame to a multicast group, one
 *        per peer, or one per radio in range in the neighbour-directed mode (since 1.1)
 * @param droppedRole refused by the V2I filter: a V2I-only vehicle's frame at a non-RSU radio, or a
 *        non-RSU frame at a V2I-only vehicle (since 1.1)
 */
public record AirStatistics(long sent, long received, long delivered, long droppedOutOfRange,
        long droppedBelowSensitivity, long droppedLoss, long droppedOtherChannel, long droppedOtherTechnology,
        long droppedNotAddressed, long malformed, String lastMalformedReason, long datagramsSent, long droppedRole) {

    /** The 1.0 counters; the 1.1 ones are zero. */
    public AirStatistics(long sent, long received, long delivered, long droppedOutOfRange,
            long droppedBelowSensitivity, long droppedLoss, long droppedOtherChannel, long droppedOtherTechnology,
            long droppedNotAddressed, long malformed, String lastMalformedReason) {
        this(sent, received, delivered, droppedOutOfRange, droppedBelowSensitivity, droppedLoss, droppedOtherChannel,
                droppedOtherTechnology, droppedNotAddressed, malformed, lastMalformedReason, 0, 0);
    }
}
