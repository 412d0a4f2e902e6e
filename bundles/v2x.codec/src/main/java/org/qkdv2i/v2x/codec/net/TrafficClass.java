package org.qkdv2i.v2x.codec.net;

/**
 * TC field of the common header (EN 302 636-4-1 §9.7.5): SCF | channel offload | TC ID.
 *
 * @param storeCarryForward SCF: buffer the packet when no suitable neighbour exists
 * @param channelOffload the packet may be offloaded to another channel
 * @param id TC ID 0..63 (EN 302 663 / TS 102 636-4-2 map it to a DCC profile)
 */
public record TrafficClass(boolean storeCarryForward, boolean channelOffload, int id) {
    public TrafficClass {
        Checks.range("traffic class ID", id, 0, 63);
    }

    public int octet() {
        return (storeCarryForward ? 0x80 : 0) | (channelOffload ? 0x40 : 0) | id;
    }

    public static TrafficClass ofOctet(int octet) {
        return new TrafficClass((octet & 0x80) != 0, (octet & 0x40) != 0, octet & 0x3F);
    }
}
