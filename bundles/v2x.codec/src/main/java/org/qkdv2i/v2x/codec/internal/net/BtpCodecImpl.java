package org.qkdv2i.v2x.codec.internal.net;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.BtpCodec;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnPacket;

/** BTP-A/B (ETSI EN 302 636-5-1 §7.2, §7.3): two 16-bit fields, then the payload. */
@Component(service = BtpCodec.class)
public final class BtpCodecImpl implements BtpCodec {

    @Override
    public byte[] encode(BtpPacket p) {
        Objects.requireNonNull(p, "packet");
        return new ByteOut().u16(p.destinationPort()).u16(p.sourcePortOrInfo()).bytes(p.payload()).toByteArray();
    }

    @Override
    public DecodeResult<BtpPacket> decode(BtpPacket.Type type, byte[] octets) {
        if (type == null) {
            return DecodeResult.failed(new DecodeError(Kind.MALFORMED, "btp", 0, "no BTP type given"));
        }
        String pdu = type == BtpPacket.Type.A ? "btpa" : "btpb";
        return NetDecoding.run(octets, pdu, in -> {
            int dst = in.u16(pdu + ".destinationPort");
            int second = in.u16(pdu + (type == BtpPacket.Type.A ? ".sourcePort" : ".destinationPortInfo"));
            return new BtpPacket(type, dst, second, in.rest());
        });
    }

    @Override
    public DecodeResult<BtpPacket> decode(GnPacket packet) {
        if (packet == null || packet.isSecured()) {
            return DecodeResult.failed(new DecodeError(Kind.UNEXPECTED_MESSAGE, "gn.common.nextHeader", 0,
                    packet == null ? "no packet" : "a secured packet: verify it first"));
        }
        GnCommonHeader.NextHeader nh = packet.common().nextHeader();
        if (nh != GnCommonHeader.NextHeader.BTP_A && nh != GnCommonHeader.NextHeader.BTP_B) {
            return DecodeResult.failed(new DecodeError(Kind.UNEXPECTED_MESSAGE, "gn.common.nextHeader", 32,
                    "next header " + nh + ", not BTP"));
        }
        return decode(nh == GnCommonHeader.NextHeader.BTP_A ? BtpPacket.Type.A : BtpPacket.Type.B, packet.payload());
    }
}
