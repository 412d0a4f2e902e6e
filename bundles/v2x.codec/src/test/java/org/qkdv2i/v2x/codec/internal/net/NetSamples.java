package org.qkdv2i.v2x.codec.internal.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.EthernetFrame;
import org.qkdv2i.v2x.codec.net.GeoArea;
import org.qkdv2i.v2x.codec.net.GnAddress;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.Pc5NonIpPdu;
import org.qkdv2i.v2x.codec.net.ShortPositionVector;
import org.qkdv2i.v2x.codec.net.TrafficClass;
import org.qkdv2i.v2x.codec.net.WaveElement;
import org.qkdv2i.v2x.codec.net.WsmpPacket;

/** Random, range-covering packets of every kind for the round-trip and hostile-input tests. */
final class NetSamples {
    private NetSamples() {
    }

    static int between(Random r, int min, int max) {
        return min + (int) Math.floorMod(r.nextLong(), (long) max - min + 1);
    }

    static long between(Random r, long min, long max) {
        return min + Math.floorMod(r.nextLong(), max - min + 1);
    }

    static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    static GnAddress address(Random r) {
        return new GnAddress(r.nextBoolean(), r.nextInt(32), r.nextInt(1024), between(r, 0L, 0xFFFF_FFFF_FFFFL));
    }

    static LongPositionVector lpv(Random r) {
        return new LongPositionVector(address(r), between(r, 0L, 0xFFFF_FFFFL), between(r, -900_000_000, 900_000_000),
                between(r, -1_800_000_000, 1_800_000_000), r.nextBoolean(), between(r, -16384, 16383),
                between(r, 0, 3600));
    }

    static GeoArea area(Random r) {
        return new GeoArea(GeoArea.Shape.values()[r.nextInt(3)], between(r, -900_000_000, 900_000_000),
                between(r, -1_800_000_000, 1_800_000_000), r.nextInt(65536), r.nextInt(65536), r.nextInt(65536));
    }

    static GnPacket gn(Random r) {
        GnLifetime lt = new GnLifetime(r.nextInt(64), r.nextInt(4));
        if (r.nextInt(8) == 0) {
            byte[] sec = bytes(r, 200);
            return GnPacket.secured(lt, r.nextInt(256), sec.length == 0 ? new byte[] {3} : sec);
        }
        int mhl = r.nextInt(256);
        GnCommonHeader c = new GnCommonHeader(GnCommonHeader.NextHeader.values()[r.nextInt(4)],
                TrafficClass.ofOctet(r.nextInt(256)), r.nextBoolean(), mhl);
        GnExtendedHeader x = switch (r.nextInt(6)) {
            case 0 -> new GnExtendedHeader.Beacon(lpv(r));
            case 1 -> new GnExtendedHeader.GeoUnicast(r.nextInt(65536), lpv(r), new ShortPositionVector(address(r),
                    between(r, 0L, 0xFFFF_FFFFL), between(r, -900_000_000, 900_000_000),
                    between(r, -1_800_000_000, 1_800_000_000)));
            case 2 -> new GnExtendedHeader.GeoAnycast(r.nextInt(65536), lpv(r), area(r));
            case 3 -> new GnExtendedHeader.GeoBroadcast(r.nextInt(65536), lpv(r), area(r));
            case 4 -> new GnExtendedHeader.SingleHopBroadcast(lpv(r), between(r, 0L, 0xFFFF_FFFFL));
            default -> new GnExtendedHeader.TopologicallyScopedBroadcast(r.nextInt(65536), lpv(r));
        };
        byte[] payload = x instanceof GnExtendedHeader.Beacon ? new byte[0] : bytes(r, 300);
        return GnPacket.unsecured(lt, mhl == 0 ? 0 : r.nextInt(mhl + 1), c, x, payload);
    }

    static BtpPacket btp(Random r) {
        return new BtpPacket(r.nextBoolean() ? BtpPacket.Type.A : BtpPacket.Type.B, r.nextInt(65536),
                r.nextInt(65536), bytes(r, 100));
    }

    static final long[] PSID_EDGES = {0, 0x20, 0x7F, 0x80, 0x407F, 0x4080, 0x20_407F, 0x20_4080, WsmpPacket.MAX_PSID};

    static List<WaveElement> elements(Random r) {
        if (r.nextInt(3) == 0) {
            return null;
        }
        List<WaveElement> l = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            l.add(switch (r.nextInt(4)) {
                case 0 -> WaveElement.channelNumber(between(r, 0, 255));
                case 1 -> WaveElement.dataRate(between(r, 0, 255));
                case 2 -> WaveElement.transmitPowerUsed(between(r, -128, 127));
                default -> new WaveElement(r.nextInt(256), bytes(r, r.nextInt(10) == 0 ? 300 : 8));
            });
        }
        return l;
    }

    static WsmpPacket wsmp(Random r) {
        long psid = r.nextBoolean() ? PSID_EDGES[r.nextInt(PSID_EDGES.length)] : between(r, 0L, WsmpPacket.MAX_PSID);
        return new WsmpPacket(r.nextInt(16), elements(r), psid, elements(r), bytes(r, r.nextInt(10) == 0 ? 600 : 100));
    }

    static Pc5NonIpPdu pc5(Random r) {
        return new Pc5NonIpPdu(between(r, 1, 4), bytes(r, 100));
    }

    static EthernetFrame ethernet(Random r) {
        return new EthernetFrame(LinkAddress.mac(between(r, 0L, 0xFFFF_FFFF_FFFFL)),
                LinkAddress.mac(between(r, 0L, 0xFFFF_FFFF_FFFFL)), between(r, 0x0600, 0xFFFF), bytes(r, 100));
    }
}
