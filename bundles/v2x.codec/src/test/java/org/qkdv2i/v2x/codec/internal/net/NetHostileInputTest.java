package org.qkdv2i.v2x.codec.internal.net;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.TrafficClass;
import org.qkdv2i.v2x.codec.net.NetCodecs;

/**
 * Every decoder, fed anything (null, empty, every prefix and every single-bit flip of valid
 * packets, random octets), returns a typed result and never throws; whatever decodes
 * re-encodes and decodes to the same value. Specific damage yields the expected kind, field
 * and bit offset.
 */
public class NetHostileInputTest {
    private static final HexFormat HEX = HexFormat.of();

    private record Subject(String name, Function<byte[], DecodeResult<?>> decode, Function<Object, byte[]> encode,
            List<byte[]> valid) {
    }

    
    private static List<Subject> subjects() {
        Random r = new Random(5);
        var gn = NetCodecs.geoNetworking();
        var btp = NetCodecs.btp();
        var wsmp = NetCodecs.wsmp();
        var pc5 = NetCodecs.pc5NonIp();
        var eth = NetCodecs.ethernet();
        List<byte[]> gnValid = new ArrayList<>(List.of(
                HEX.parseHex("11001a01" + NetPublishedVectorsTest.GOLF8_DESERIALIZE_GN)));
        List<byte[]> btpValid = new ArrayList<>();
        List<byte[]> wsmpValid = new ArrayList<>(List.of(HEX.parseHex(NetPublishedVectorsTest.WSMP_RSA)));
        List<byte[]> pc5Valid = new ArrayList<>();
        List<byte[]> ethValid = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            gnValid.add(gn.encode(NetSamples.gn(r)));
            btpValid.add(btp.encode(NetSamples.btp(r)));
            var w = NetSamples.wsmp(r);
            wsmpValid.add(wsmp.encode(w));
            pc5Valid.add(pc5.encode(NetSamples.pc5(r)));
            ethValid.add(eth.encode(NetSamples.ethernet(r)));
        }
        return List.of(
                new Subject("gn", b -> gn.decode(b), o -> gn.encode((org.qkdv2i.v2x.codec.net.GnPacket) o), gnValid),
                new Subject("btpb", b -> btp.decode(BtpPacket.Type.B, b), o -> btp.encode((BtpPacket) o), btpValid),
                new Subject("wsmp", b -> wsmp.decode(b), o -> wsmp.encode((org.qkdv2i.v2x.codec.net.WsmpPacket) o),
                        wsmpValid),
                new Subject("pc5", b -> pc5.decode(b), o -> pc5.encode((org.qkdv2i.v2x.codec.net.Pc5NonIpPdu) o),
                        pc5Valid),
                new Subject("eth", b -> eth.decode(b), o -> eth.encode((org.qkdv2i.v2x.codec.net.EthernetFrame) o),
                        ethValid));
    }

    private static void survive(Subject s, byte[] input) {
        DecodeResult<?> r;
        try {
            r = s.decode().apply(input);
        } catch (RuntimeException e) {
            throw new AssertionError(s.name() + " threw on " + (input == null ? "null" : HEX.formatHex(input)), e);
        }
        if (r.isOk()) {
            byte[] again = s.encode().apply(r.value());
            assertEquals(s.name() + " " + HEX.formatHex(input), r.value(), s.decode().apply(again).value());
        } else {
            DecodeError e = r.error();
            assertTrue(e.toString(), e.bitOffset() >= 0 && (input == null || e.bitOffset() <= input.length * 8L));
            assertFalse(e.detail(), e.detail().contains("decoder defect"));
        }
    }

    @Test
    public void nothingEverThrows() {
        Random r = new Random(7);
        for (Subject s : subjects()) {
            survive(s, null);
            survive(s, new byte[0]);
            for (byte[] v : s.valid()) {
                for (int n = 0; n <= v.length; n++) {
                    survive(s, Arrays.copyOf(v, n));
                }
                for (int bit = 0; bit < v.length * 8; bit++) {
                    byte[] f = v.clone();
                    f[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                    survive(s, f);
                }
            }
            for (int i = 0; i < 20_000; i++) {
                byte[] b = new byte[r.nextInt(120)];
                r.nextBytes(b);
                survive(s, b);
            }
        }
    }

    private static DecodeError gnError(String hex) {
        DecodeResult<?> r = NetCodecs.geoNetworking().decode(HEX.parseHex(hex));
        assertFalse(hex, r.isOk());
        return r.error();
    }

    private static final String SHB = "11001a01" + "20500280" + "0004" + "0100" + "1400fe384ce0b890bf6b2f5b1f45285806640a6d80e803be"
            + "00000000" + "07d10000";

    @Test
    public void gnErrorsNameTheFieldAndOffset() {
        assertTrue(NetCodecs.geoNetworking().decode(HEX.parseHex(SHB)).isOk());
        DecodeError e = gnError("01001a01" + SHB.substring(8));
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals("gn.basic.version", e.field());
        e = gnError("10001a01" + SHB.substring(8));
        assertEquals("gn.basic.nextHeader", e.field());
        assertEquals(4, e.bitOffset());
        e = gnError(SHB.substring(0, 10) + "60" + SHB.substring(12)); // HT 6: location service
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals("gn.common.headerType", e.field());
        assertEquals(40, e.bitOffset());
        e = gnError(SHB.substring(0, 16) + "0005" + SHB.substring(20)); // PL 5, 4 follow
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals("gn.payload", e.field());
        e = gnError(SHB + "00"); // PL 4, 5 follow
        assertEquals(Kind.TRAILING_DATA, e.kind());
        assertEquals((SHB.length() / 2) * 8L, e.bitOffset());
        e = gnError(SHB.substring(0, 6) + "02" + SHB.substring(8)); // RHL 2 > MHL 1
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals("gn.basic.remainingHopLimit", e.field());
        // latitude 0x7fffffff at octet 12 + 12
        e = gnError(SHB.substring(0, 48) + "7fffffff" + SHB.substring(56));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals("gn.shb.sourcePosition.latitude", e.field());
        assertEquals(24 * 8L, e.bitOffset());
        e = gnError(SHB.substring(0, 68) + "0e11" + SHB.substring(72)); // heading 3601
        assertEquals("gn.shb.sourcePosition.heading", e.field());
        assertEquals(34 * 8L, e.bitOffset());
        e = gnError(SHB.substring(0, 30));
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals("gn.shb.sourcePosition.address.mid", e.field());
        assertEquals(Kind.TRUNCATED, gnError("1200 1a01".replace(" ", "")).kind()); // secured without payload
    }

    @Test
    public void wsmpErrorsNameTheFieldAndOffset() {
        var w = NetCodecs.wsmp();
        DecodeError e = w.decode(HEX.parseHex("0200200100")).error();
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals("wsmp.n.version", e.field());
        assertEquals(5, e.bitOffset());
        e = w.decode(HEX.parseHex("030020c00000")).error(); // length/count starting 11
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals("wsmp.t.length", e.field());
        assertEquals(24, e.bitOffset());
        e = w.decode(HEX.parseHex("030020800100")).error(); // two octets for 1
        assertEquals(Kind.MALFORMED, e.kind());
        e = w.decode(HEX.parseHex("0300f00000000000")).error(); // PSID 1111....
        assertEquals("wsmp.t.psid", e.field());
        assertEquals(16, e.bitOffset());
        e = w.decode(HEX.parseHex("0302200100")).error();
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals("wsmp.n.tpid", e.field());
        e = w.decode(HEX.parseHex("0300200501")).error();
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals("wsmp.data", e.field());
        e = w.decode(HEX.parseHex("030020010102")).error();
        assertEquals(Kind.TRAILING_DATA, e.kind());
        assertEquals(40, e.bitOffset());
        e = w.decode(HEX.parseHex("0b020f01ac")).error(); // two elements announced, one present
        assertEquals(Kind.TRUNCATED, e.kind());
        assertEquals("wsmp.n.extension[1].id", e.field());
    }

    @Test
    public void linkPaddingIsToleratedOnlyWhereAsked() {
        // a beacon (36 octets) in a minimum Ethernet frame arrives with 10 octets of padding
        byte[] beacon = NetCodecs.geoNetworking().encode(GnPacket.unsecured(GnLifetime.DEFAULT, 1,
                new GnCommonHeader(GnCommonHeader.NextHeader.ANY, new TrafficClass(false, false, 0), true, 1),
                new GnExtendedHeader.Beacon(NetSamples.lpv(new Random(4))), new byte[0]));
        byte[] padded = Arrays.copyOf(beacon, 46);
        assertEquals(Kind.TRAILING_DATA, NetCodecs.geoNetworking().decode(padded).error().kind());
        assertEquals(NetCodecs.geoNetworking().decode(beacon).value(),
                NetCodecs.geoNetworking().decodeLinkPayload(padded).value());
        assertEquals(Kind.TRUNCATED, NetCodecs.geoNetworking().decodeLinkPayload(Arrays.copyOf(beacon, 30)).error().kind());
        byte[] wsm = HEX.parseHex("03002003616263");
        byte[] wsmPadded = Arrays.copyOf(wsm, 46);
        assertEquals(Kind.TRAILING_DATA, NetCodecs.wsmp().decode(wsmPadded).error().kind());
        assertEquals(NetCodecs.wsmp().decode(wsm).value(), NetCodecs.wsmp().decodeLinkPayload(wsmPadded).value());
        Random r = new Random(11);
        for (int i = 0; i < 5000; i++) { // never throws either
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            NetCodecs.geoNetworking().decodeLinkPayload(b);
            NetCodecs.wsmp().decodeLinkPayload(b);
        }
    }

    @Test
    public void otherLayersErrors() {
        assertEquals(Kind.UNSUPPORTED, NetCodecs.pc5NonIp().decode(new byte[] {0, 1}).error().kind());
        assertEquals("pc5.family", NetCodecs.pc5NonIp().decode(new byte[] {5}).error().field());
        assertEquals(Kind.TRUNCATED, NetCodecs.btp().decode(BtpPacket.Type.A, new byte[3]).error().kind());
        assertEquals("btpa.sourcePort", NetCodecs.btp().decode(BtpPacket.Type.A, new byte[3]).error().field());
        assertEquals(Kind.MALFORMED, NetCodecs.btp().decode(null, new byte[4]).error().kind());
        DecodeError e = NetCodecs.ethernet().decode(HEX.parseHex("ffffffffffff020000000001002e00")).error();
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals(96, e.bitOffset());
        assertEquals(Kind.TRUNCATED, NetCodecs.ethernet().decode(new byte[13]).error().kind());
        var secured = NetCodecs.geoNetworking().decode(HEX.parseHex("12001a01038000")).value();
        assertEquals(Kind.UNEXPECTED_MESSAGE, NetCodecs.btp().decode(secured).error().kind());
    }
}
