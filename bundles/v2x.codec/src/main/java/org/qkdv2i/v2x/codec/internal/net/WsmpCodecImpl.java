package org.qkdv2i.v2x.codec.internal.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.WaveElement;
import org.qkdv2i.v2x.codec.net.WsmpCodec;
import org.qkdv2i.v2x.codec.net.WsmpPacket;

/**
 * WSMP version 3 (IEEE 1609.3-2016 §8.3): N-header octet subtype(4) | option indicator(1) |
 * version(3); optional WAVE information element extension (count, then ID, length, value per
 * element); TPID; p-encoded PSID (§8.1.3 / 1609.12); optional T-header extension (TPID 1); WSM
 * length; data. Counts and lengths use the §8.1.3 encoding: one octet 0..127, or two octets
 * 10xxxxxx xxxxxxxx for 128..16383.
 */
@Component(service = WsmpCodec.class)
public final class WsmpCodecImpl implements WsmpCodec {

    @Override
    public byte[] encode(WsmpPacket p) {
        Objects.requireNonNull(p, "packet");
        ByteOut o = new ByteOut();
        o.u8(p.subtype() << 4 | (p.nHeaderExtension() != null ? 0x08 : 0) | WsmpPacket.VERSION);
        if (p.nHeaderExtension() != null) {
            elements(o, p.nHeaderExtension());
        }
        o.u8(p.tpid());
        psid(o, p.psid());
        if (p.tHeaderExtension() != null) {
            elements(o, p.tHeaderExtension());
        }
        byte[] data = p.data();
        count(o, data.length);
        return o.bytes(data).toByteArray();
    }

    private static void elements(ByteOut o, List<WaveElement> elements) {
        count(o, elements.size());
        for (WaveElement e : elements) {
            o.u8(e.id());
            count(o, e.length());
            o.bytes(e.value());
        }
    }

    static void count(ByteOut o, int n) {
        if (n < 128) {
            o.u8(n);
        } else if (n <= 0x3FFF) {
            o.u16(0x8000 | n);
        } else {
            throw new IllegalArgumentException("length/count " + n + " exceeds 16383 (IEEE 1609.3 §8.1.3)");
        }
    }

    static void psid(ByteOut o, long psid) {
        if (psid < 0x80) {
            o.u8((int) psid);
        } else if (psid < 0x4080) {
            o.u16(0x8000 | (int) (psid - 0x80));
        } else if (psid < 0x20_4080) {
            long v = 0xC0_0000 | psid - 0x4080;
            o.u8((int) (v >>> 16)).u16((int) v & 0xFFFF);
        } else if (psid <= WsmpPacket.MAX_PSID) {
            o.u32(0xE000_0000L | psid - 0x20_4080);
        } else {
            throw new IllegalArgumentException("PSID " + psid + " exceeds the p-encoding range");
        }
    }

    @Override
    public DecodeResult<WsmpPacket> decode(byte[] octets) {
        return NetDecoding.run(octets, "wsmp", WsmpCodecImpl::decode);
    }

    @Override
    public DecodeResult<WsmpPacket> decodeLinkPayload(byte[] octets) {
        return NetDecoding.run(octets, "wsmp", WsmpCodecImpl::decode, true);
    }

    private static WsmpPacket decode(ByteIn in) {
        int b0 = in.u8("wsmp.n.version");
        if ((b0 & 0x07) != WsmpPacket.VERSION) {
            throw ByteIn.fail(Kind.UNSUPPORTED, "wsmp.n.version", 0, 5, "WSMP version " + (b0 & 7)
                    + " (only version 3, IEEE 1609.3-2016, is understood)");
        }
        List<WaveElement> nExt = (b0 & 0x08) != 0 ? elements(in, "wsmp.n.extension") : null;
        int tpidAt = in.position();
        int tpid = in.u8("wsmp.n.tpid");
        if (tpid > 1) {
            throw ByteIn.fail(Kind.UNSUPPORTED, "wsmp.n.tpid", tpidAt, "TPID " + tpid
                    + (tpid <= 5 ? " (ITS port / LPP addressing, not modelled)" : " (reserved)"));
        }
        long psid = psid(in);
        List<WaveElement> tExt = tpid == 1 ? elements(in, "wsmp.t.extension") : null;
        int len = count(in, "wsmp.t.length");
        if (in.remaining() < len) {
            throw ByteIn.fail(Kind.TRUNCATED, "wsmp.data", in.position(), "WSM length " + len + " but "
                    + in.remaining() + " octet(s) follow");
        }
        byte[] data = in.bytes(len, "wsmp.data");
        return new WsmpPacket(b0 >>> 4, nExt, psid, tExt, data);
    }

    private static List<WaveElement> elements(ByteIn in, String f) {
        int n = count(in, f + ".count");
        List<WaveElement> list = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            int id = in.u8(f + "[" + i + "].id");
            int len = count(in, f + "[" + i + "].length");
            list.add(new WaveElement(id, in.bytes(len, f + "[" + i + "].value")));
        }
        return list;
    }

    static int count(ByteIn in, String f) {
        int at = in.position();
        int b = in.peek(f);
        if ((b & 0x80) == 0) {
            return in.u8(f);
        }
        if ((b & 0xC0) != 0x80) {
            throw ByteIn.fail(Kind.MALFORMED, f, at, "length/count octet starts 11 (IEEE 1609.3 §8.1.3 allows 0 or 10)");
        }
        int v = in.u16(f) & 0x3FFF;
        if (v < 128) {
            throw ByteIn.fail(Kind.MALFORMED, f, at, "two-octet length/count " + v + " that fits one octet");
        }
        return v;
    }

    private static long psid(ByteIn in) {
        String f = "wsmp.t.psid";
        int at = in.position();
        int b = in.peek(f);
        if ((b & 0x80) == 0) {
            return in.u8(f);
        }
        if ((b & 0xC0) == 0x80) {
            return (in.u16(f) & 0x3FFF) + 0x80L;
        }
        if ((b & 0xE0) == 0xC0) {
            long v = (long) in.u8(f) << 16 | in.u16(f);
            return (v & 0x1F_FFFF) + 0x4080;
        }
        if ((b & 0xF0) == 0xE0) {
            return (in.u32(f) & 0x0FFF_FFFF) + 0x20_4080;
        }
        throw ByteIn.fail(Kind.MALFORMED, f, at, "p-encoded PSID starting 1111 (at most four octets)");
    }
}
