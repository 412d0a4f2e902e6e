package org.qkdv2i.v2x.cv2x.internal;

import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.Pc5NonIpCodec;
import org.qkdv2i.v2x.codec.net.Pc5NonIpPdu;
import org.qkdv2i.v2x.itsg5.internal.stack.LinkFraming;

/**
 * PC5 non-IP framing (3GPP TS 24.386 §7.1): PDCP SDU type 3 (non-IP, TS 36.323 §6.3.14), the
 * V2X message family octet (3 ETSI ITS: a GeoNetworking packet follows; 1 IEEE 1609: a WSMP
 * packet follows) and the network PDU. The ProSe Per-Packet Priority comes from the message's
 * traffic class (TS 23.285 §4.4.5: the V2X layer maps application priority to PPPP; here
 * PPPP = traffic class + 2, so DENM 2, BSM 3, CAM 4; PPPP 1 is left for emergency use).
 */
public final class Pc5Framing implements LinkFraming {
    private final Pc5NonIpCodec codec = NetCodecs.pc5NonIp();
    private final LinkAddress destination;

    /** @param destination the destination Layer-2 ID provisioned for the V2X service (TS 24.386 §5.2.1) */
    public Pc5Framing(LinkAddress destination) {
        if (destination.octets() != 3) {
            throw new IllegalArgumentException("a PC5 destination is a 24-bit Layer-2 ID");
        }
        this.destination = destination;
    }

    @Override
    public RadioTechnology technology() {
        return RadioTechnology.CV2X_PC5;
    }

    static int pppp(int trafficClass) {
        return trafficClass + 2;
    }

    @Override
    public RadioFrame frame(LinkAddress own, Network network, byte[] pdu, int trafficClass) {
        int family = network == Network.GEONETWORKING ? Pc5NonIpPdu.FAMILY_ETSI_ITS : Pc5NonIpPdu.FAMILY_IEEE_1609;
        byte[] sdu = codec.encode(new Pc5NonIpPdu(family, pdu));
        return new RadioFrame(own, destination, RadioFrame.PC5_SDU_TYPE_NON_IP, sdu,
                FrameMetadata.NONE.withSidelink(SidelinkParameters.ofPriority(pppp(trafficClass))));
    }

    @Override
    public Unframed unframe(RadioFrame frame) {
        if (frame.source().octets() != 3) {
            return Unframed.failed("not a PC5 frame (source " + frame.source() + ")");
        }
        if (frame.protocol() != RadioFrame.PC5_SDU_TYPE_NON_IP) {
            return Unframed.failed("PDCP SDU type " + frame.protocol() + " is not non-IP (3)");
        }
        DecodeResult<Pc5NonIpPdu> r = codec.decode(frame.payload());
        if (!r.isOk()) {
            return Unframed.failed("PC5 non-IP: " + r.error());
        }
        return switch (r.value().family()) {
            case Pc5NonIpPdu.FAMILY_ETSI_ITS -> Unframed.ok(Network.GEONETWORKING, r.value().payload());
            case Pc5NonIpPdu.FAMILY_IEEE_1609 -> Unframed.ok(Network.WSMP, r.value().payload());
            default -> Unframed.failed("V2X message family " + r.value().family() + " not handled");
        };
    }
}
