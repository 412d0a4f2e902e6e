package org.qkdv2i.v2x.codec.internal.net;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.Pc5NonIpCodec;
import org.qkdv2i.v2x.codec.net.Pc5NonIpPdu;

/** PC5 non-IP PDU: V2X message family octet (3GPP TS 24.386 §7.1), then the message. */
@Component(service = Pc5NonIpCodec.class)
public final class Pc5NonIpCodecImpl implements Pc5NonIpCodec {

    @Override
    public byte[] encode(Pc5NonIpPdu p) {
        Objects.requireNonNull(p, "pdu");
        return new ByteOut().u8(p.family()).bytes(p.payload()).toByteArray();
    }

    @Override
    public DecodeResult<Pc5NonIpPdu> decode(byte[] octets) {
        return NetDecoding.run(octets, "pc5", in -> {
            int family = in.u8("pc5.family");
            if (family < Pc5NonIpPdu.FAMILY_IEEE_1609 || family > Pc5NonIpPdu.FAMILY_CCSA) {
                throw ByteIn.fail(Kind.UNSUPPORTED, "pc5.family", 0, "V2X message family " + family
                        + " is reserved (TS 24.386 §7.1)");
            }
            return new Pc5NonIpPdu(family, in.rest());
        });
    }
}
