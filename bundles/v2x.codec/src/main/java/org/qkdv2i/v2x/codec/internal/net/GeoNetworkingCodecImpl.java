package org.qkdv2i.v2x.codec.internal.net;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.GeoArea;
import org.qkdv2i.v2x.codec.net.GeoNetworkingCodec;
import org.qkdv2i.v2x.codec.net.GnAddress;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader.Beacon;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader.GeoAnycast;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader.GeoBroadcast;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader.GeoUnicast;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader.SingleHopBroadcast;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader.TopologicallyScopedBroadcast;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.ShortPositionVector;
import org.qkdv2i.v2x.codec.net.TrafficClass;

/**
 * GeoNetworking (ETSI EN 302 636-4-1 v1.4.1 §9): basic header (§9.6, 4 octets), common header
 * (§9.7, 8 octets) and the extended headers of §9.8. Reserved bits are written as 0 and
 * ignored on reception.
 */
@Component(service = GeoNetworkingCodec.class)
public final class GeoNetworkingCodecImpl implements GeoNetworkingCodec {
    private static final int NH_COMMON = 1;
    private static final int NH_SECURED = 2;

    @Override
    public byte[] encode(GnPacket p) {
        Objects.requireNonNull(p, "packet");
        ByteOut o = new ByteOut();
        o.u8(GnPacket.VERSION << 4 | (p.isSecured() ? NH_SECURED : NH_COMMON)).u8(0).u8(p.lifetime().octet())
                .u8(p.remainingHopLimit());
        byte[] payload = p.payload();
        if (p.isSecured()) {
            if (payload.length == 0) {
                throw new IllegalArgumentException("a secured GeoNetworking packet needs its Ieee1609Dot2Data");
            }
            return o.bytes(payload).toByteArray();
        }
        GnCommonHeader c = p.common();
        GnExtendedHeader x = p.extended();
        if (payload.length > 65535) {
            throw new IllegalArgumentException("GeoNetworking payload of " + payload.length + " octets exceeds 65535");
        }
        if (x instanceof Beacon && payload.length != 0) {
            throw new IllegalArgumentException("a beacon carries no payload");
        }
        if (p.remainingHopLimit() > c.maxHopLimit()) {
            throw new IllegalArgumentException("remaining hop limit " + p.remainingHopLimit()
                    + " exceeds the maximum hop limit " + c.maxHopLimit());
        }
        o.u8(c.nextHeader().ordinal() << 4).u8(x.headerType() << 4 | x.headerSubtype()).u8(c.trafficClass().octet())
                .u8(c.mobile() ? 0x80 : 0).u16(payload.length).u8(c.maxHopLimit()).u8(0);
        if (x instanceof Beacon b) {
            lpv(o, b.source());
        } else if (x instanceof GeoUnicast g) {
            o.u16(g.sequenceNumber()).u16(0);
            lpv(o, g.source());
            ShortPositionVector d = g.destination();
            address(o, d.address());
            o.u32(d.timestamp()).u32(d.latitude()).u32(d.longitude());
        } else if (x instanceof GeoAnycast g) {
            area(o, g.sequenceNumber(), g.source(), g.area());
        } else if (x instanceof GeoBroadcast g) {
            area(o, g.sequenceNumber(), g.source(), g.area());
        } else if (x instanceof SingleHopBroadcast s) {
            lpv(o, s.source());
            o.u32(s.mediaDependentData());
        } else if (x instanceof TopologicallyScopedBroadcast t) {
            o.u16(t.sequenceNumber()).u16(0);
            lpv(o, t.source());
        }
        return o.bytes(payload).toByteArray();
    }

    private static void area(ByteOut o, int sn, LongPositionVector so, GeoArea a) {
        o.u16(sn).u16(0);
        lpv(o, so);
        o.u32(a.latitude()).u32(a.longitude()).u16(a.distanceA()).u16(a.distanceB()).u16(a.angle()).u16(0);
    }

    private static void address(ByteOut o, GnAddress a) {
        o.u16((a.manual() ? 0x8000 : 0) | a.stationType() << 10 | a.reserved()).u48(a.mid());
    }

    private static void lpv(ByteOut o, LongPositionVector v) {
        address(o, v.address());
        o.u32(v.timestamp()).u32(v.latitude()).u32(v.longitude())
                .u16((v.positionAccurate() ? 0x8000 : 0) | v.speed() & 0x7FFF).u16(v.heading());
    }

    @Override
    public DecodeResult<GnPacket> decode(byte[] octets) {
        return NetDecoding.run(octets, "gn", GeoNetworkingCodecImpl::decode);
    }

    @Override
    public DecodeResult<GnPacket> decodeLinkPayload(byte[] octets) {
        return NetDecoding.run(octets, "gn", GeoNetworkingCodecImpl::decode, true);
    }

    private static GnPacket decode(ByteIn in) {
        int b0 = in.u8("gn.basic.version");
        if (b0 >>> 4 != GnPacket.VERSION) {
            throw ByteIn.fail(Kind.UNSUPPORTED, "gn.basic.version", 0, "GeoNetworking version " + (b0 >>> 4)
                    + " (only version " + GnPacket.VERSION + ", EN 302 636-4-1 v1.3.1+, is understood)");
        }
        int nh = b0 & 0x0F;
        if (nh != NH_COMMON && nh != NH_SECURED) {
            throw ByteIn.fail(Kind.UNSUPPORTED, "gn.basic.nextHeader", 0, 4, "basic header next header " + nh
                    + (nh == 0 ? " (any)" : " (reserved)"));
        }
        in.u8("gn.basic.reserved");
        GnLifetime lifetime = GnLifetime.ofOctet(in.u8("gn.basic.lifetime"));
        int rhl = in.u8("gn.basic.remainingHopLimit");
        if (nh == NH_SECURED) {
            if (in.remaining() == 0) {
                throw ByteIn.fail(Kind.TRUNCATED, "gn.secured", in.position(), "secured packet missing");
            }
            return GnPacket.secured(lifetime, rhl, in.rest());
        }
        int c0 = in.u8("gn.common.nextHeader");
        int cnh = c0 >>> 4;
        if (cnh > 3) {
            throw ByteIn.fail(Kind.UNSUPPORTED, "gn.common.nextHeader", 4, "common header next header " + cnh
                    + " (reserved)");
        }
        int htst = in.u8("gn.common.headerType");
        TrafficClass tc = TrafficClass.ofOctet(in.u8("gn.common.trafficClass"));
        boolean mobile = (in.u8("gn.common.flags") & 0x80) != 0;
        int pl = in.u16("gn.common.payloadLength");
        int mhl = in.u8("gn.common.maxHopLimit");
        in.u8("gn.common.reserved");
        if (rhl > mhl) {
            throw ByteIn.fail(Kind.OUT_OF_RANGE, "gn.basic.remainingHopLimit", 3, "remaining hop limit " + rhl
                    + " exceeds the maximum hop limit " + mhl);
        }
        GnExtendedHeader x = extended(in, htst >>> 4, htst & 0x0F);
        int start = in.position();
        if (in.remaining() < pl) {
            throw ByteIn.fail(Kind.TRUNCATED, "gn.payload", start, "payload length " + pl + " but "
                    + in.remaining() + " octet(s) follow");
        }
        if (x instanceof Beacon && pl != 0) {
            throw ByteIn.fail(Kind.MALFORMED, "gn.common.payloadLength", 8, "a beacon with payload length " + pl);
        }
        byte[] payload = in.bytes(pl, "gn.payload");
        return GnPacket.unsecured(lifetime, rhl, new GnCommonHeader(GnCommonHeader.NextHeader.values()[cnh], tc,
                mobile, mhl), x, payload);
    }

    private static GnExtendedHeader extended(ByteIn in, int ht, int hst) {
        switch (ht) {
            case 1:
                if (hst == 0) {
                    return new Beacon(lpv(in, "gn.beacon.sourcePosition"));
                }
                break;
            case 2:
                if (hst == 0) {
                    int sn = sequenceNumber(in, "gn.guc");
                    LongPositionVector so = lpv(in, "gn.guc.sourcePosition");
                    String f = "gn.guc.destinationPosition";
                    GnAddress a = address(in, f + ".address");
                    long tst = in.u32(f + ".timestamp");
                    int lat = latitude(in, f + ".latitude");
                    int lon = longitude(in, f + ".longitude");
                    return new GeoUnicast(sn, so, new ShortPositionVector(a, tst, lat, lon));
                }
                break;
            case 3:
            case 4:
                if (hst <= 2) {
                    String f = ht == 3 ? "gn.gac" : "gn.gbc";
                    int sn = sequenceNumber(in, f);
                    LongPositionVector so = lpv(in, f + ".sourcePosition");
                    int lat = latitude(in, f + ".area.latitude");
                    int lon = longitude(in, f + ".area.longitude");
                    int a = in.u16(f + ".area.distanceA");
                    int b = in.u16(f + ".area.distanceB");
                    int angle = in.u16(f + ".area.angle");
                    in.u16(f + ".reserved");
                    GeoArea area = new GeoArea(GeoArea.Shape.values()[hst], lat, lon, a, b, angle);
                    return ht == 3 ? new GeoAnycast(sn, so, area) : new GeoBroadcast(sn, so, area);
                }
                break;
            case 5:
                if (hst == 0) {
                    LongPositionVector so = lpv(in, "gn.shb.sourcePosition");
                    return new SingleHopBroadcast(so, in.u32("gn.shb.mediaDependentData"));
                }
                if (hst == 1) {
                    int sn = sequenceNumber(in, "gn.tsb");
                    return new TopologicallyScopedBroadcast(sn, lpv(in, "gn.tsb.sourcePosition"));
                }
                break;
            default:
                break;
        }
        throw ByteIn.fail(Kind.UNSUPPORTED, "gn.common.headerType", 5, "header type " + ht + " subtype " + hst
                + (ht == 6 ? " (location service, not modelled)" : " (not defined by EN 302 636-4-1)"));
    }

    private static int sequenceNumber(ByteIn in, String f) {
        int sn = in.u16(f + ".sequenceNumber");
        in.u16(f + ".reserved");
        return sn;
    }

    private static GnAddress address(ByteIn in, String f) {
        int w = in.u16(f);
        long mid = in.u48(f + ".mid");
        return new GnAddress((w & 0x8000) != 0, w >>> 10 & 0x1F, w & 0x3FF, mid);
    }

    private static int latitude(ByteIn in, String f) {
        int at = in.position();
        int v = (int) in.u32(f);
        if (v < -900_000_000 || v > 900_000_000) {
            throw ByteIn.fail(Kind.OUT_OF_RANGE, f, at, "latitude " + v + " outside -900000000..900000000");
        }
        return v;
    }

    private static int longitude(ByteIn in, String f) {
        int at = in.position();
        int v = (int) in.u32(f);
        if (v < -1_800_000_000 || v > 1_800_000_000) {
            throw ByteIn.fail(Kind.OUT_OF_RANGE, f, at, "longitude " + v + " outside -1800000000..1800000000");
        }
        return v;
    }

    private static LongPositionVector lpv(ByteIn in, String f) {
        GnAddress a = address(in, f + ".address");
        long tst = in.u32(f + ".timestamp");
        int lat = latitude(in, f + ".latitude");
        int lon = longitude(in, f + ".longitude");
        int ps = in.u16(f + ".speed");
        int speed = (short) (ps << 1) >> 1; // 15-bit two's complement
        int at = in.position();
        int heading = in.u16(f + ".heading");
        if (heading > 3600) {
            throw ByteIn.fail(Kind.OUT_OF_RANGE, f + ".heading", at, "heading " + heading + " outside 0..3600");
        }
        return new LongPositionVector(a, tst, lat, lon, (ps & 0x8000) != 0, speed, heading);
    }
}
