package org.qkdv2i.v2x.codec.internal.net;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.EthernetCodec;
import org.qkdv2i.v2x.codec.net.EthernetFrame;

/**
 * Ethernet II without FCS. The encoder adds no padding to 60 octets (a NIC does that; pcap
 * captures of sent frames show none); the decoder keeps any padding as part of the payload, so
 * the layer above bounds its own length (GeoNetworking and WSMP do).
 */
@Component(service = EthernetCodec.class)
public final class EthernetCodecImpl implements EthernetCodec {

    @Override
    public byte[] encode(EthernetFrame f) {
        Objects.requireNonNull(f, "frame");
        return new ByteOut().bytes(f.destination().toBytes()).bytes(f.source().toBytes()).u16(f.etherType())
                .bytes(f.payload()).toByteArray();
    }

    @Override
    public DecodeResult<EthernetFrame> decode(byte[] octets) {
        return NetDecoding.run(octets, "eth", in -> {
            LinkAddress dst = LinkAddress.mac(in.u48("eth.destination"));
            LinkAddress src = LinkAddress.mac(in.u48("eth.source"));
            int type = in.u16("eth.type");
            if (type < EthernetFrame.MIN_ETHERTYPE) {
                throw ByteIn.fail(Kind.UNSUPPORTED, "eth.type", 12, "IEEE 802.3 length field " + type
                        + " (an LLC frame, not Ethernet II)");
            }
            return new EthernetFrame(dst, src, type, in.rest());
        });
    }
}
