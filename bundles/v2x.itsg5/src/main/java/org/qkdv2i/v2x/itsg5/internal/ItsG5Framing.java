package org.qkdv2i.v2x.itsg5.internal;

import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.itsg5.internal.stack.LinkFraming;

/**
 * IEEE 802.11p OCB framing: the network PDU follows LLC/SNAP with its EtherType (0x8947
 * GeoNetworking, 0x88DC WSMP), broadcast MAC destination, EDCA user priority from the traffic
 * class (EN 302 663: DP0 → AC_VO, DP1 → AC_VI, DP2 → AC_BE, DP3 → AC_BK).
 */
public final class ItsG5Framing implements LinkFraming {
    private static final int[] USER_PRIORITY = {6, 5, 3, 1};
    private final Integer channel;
    private final Integer frequencyMhz;
    private final Double txPowerDbm;

    /** Channel, frequency and power requested on every frame ({@code null}: the radio's own). */
    public ItsG5Framing(Integer channel, Integer frequencyMhz, Double txPowerDbm) {
        this.channel = channel;
        this.frequencyMhz = frequencyMhz;
        this.txPowerDbm = txPowerDbm;
    }

    @Override
    public RadioTechnology technology() {
        return RadioTechnology.ITS_G5;
    }

    @Override
    public RadioFrame frame(LinkAddress own, Network network, byte[] pdu, int trafficClass) {
        int type = network == Network.GEONETWORKING ? RadioFrame.ETHERTYPE_GEONETWORKING : RadioFrame.ETHERTYPE_WSMP;
        FrameMetadata m = new FrameMetadata(channel, frequencyMhz, txPowerDbm, null, null, USER_PRIORITY[trafficClass],
                null);
        return new RadioFrame(own, LinkAddress.BROADCAST_MAC, type, pdu, m);
    }

    @Override
    public Unframed unframe(RadioFrame frame) {
        if (frame.source().octets() != 6) {
            return Unframed.failed("not an 802.11 frame (source " + frame.source() + ")");
        }
        return switch (frame.protocol()) {
            case RadioFrame.ETHERTYPE_GEONETWORKING -> Unframed.ok(Network.GEONETWORKING, frame.payload());
            case RadioFrame.ETHERTYPE_WSMP -> Unframed.ok(Network.WSMP, frame.payload());
            default -> Unframed.failed("EtherType 0x" + Integer.toHexString(frame.protocol()) + " is neither GeoNetworking nor WSMP");
        };
    }
}
