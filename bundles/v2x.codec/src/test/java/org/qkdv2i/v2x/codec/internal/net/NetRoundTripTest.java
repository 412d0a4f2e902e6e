package org.qkdv2i.v2x.codec.internal.net;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.Test;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GeoArea;
import org.qkdv2i.v2x.codec.net.GnAddress;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.TrafficClass;
import org.qkdv2i.v2x.codec.net.WaveElement;
import org.qkdv2i.v2x.codec.net.WsmpPacket;

public class NetRoundTripTest {
    private static final HexFormat HEX = HexFormat.of();

    private static <T> void roundTrip(T value, Function<T, byte[]> enc, Function<byte[], DecodeResult<T>> dec) {
        byte[] b = enc.apply(value);
        DecodeResult<T> r = dec.apply(b);
        assertTrue(value + " -> " + r, r.isOk());
        assertEquals(value, r.value());
        assertArrayEquals(b, enc.apply(r.value()));
    }

    @Test
    public void randomPacketsOfEveryKindRoundTrip() {
        Random r = new Random(636);
        var gn = NetCodecs.geoNetworking();
        var btp = NetCodecs.btp();
        var wsmp = NetCodecs.wsmp();
        var pc5 = NetCodecs.pc5NonIp();
        var eth = NetCodecs.ethernet();
        for (int i = 0; i < 3000; i++) {
            roundTrip(NetSamples.gn(r), gn::encode, gn::decode);
            BtpPacket b = NetSamples.btp(r);
            roundTrip(b, btp::encode, x -> btp.decode(b.type(), x));
            roundTrip(NetSamples.wsmp(r), wsmp::encode, wsmp::decode);
            roundTrip(NetSamples.pc5(r), pc5::encode, pc5::decode);
            roundTrip(NetSamples.ethernet(r), eth::encode, eth::decode);
        }
    }

    @Test
    public void gnHeaderSizesAndTypesAreTheStandardOnes() {
        Random r = new Random(1);
        LongPositionVector so = NetSamples.lpv(r);
        var gn = NetCodecs.geoNetworking();
        GnCommonHeader c = new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B, new TrafficClass(false, false, 2), true, 1);
        // EN 302 636-4-1 §9.8: basic 4 + common 8 + extended header
        Object[][] cases = {
            {new GnExtendedHeader.SingleHopBroadcast(so), 4 + 8 + 28, 0x50},
            {new GnExtendedHeader.TopologicallyScopedBroadcast(7, so), 4 + 8 + 28, 0x51},
            {new GnExtendedHeader.GeoBroadcast(7, so, GeoArea.circle(0, 0, 100)), 4 + 8 + 44, 0x40},
            {new GnExtendedHeader.GeoBroadcast(7, so, new GeoArea(GeoArea.Shape.RECTANGLE, 0, 0, 1, 2, 3)), 56, 0x41},
            {new GnExtendedHeader.GeoAnycast(7, so, new GeoArea(GeoArea.Shape.ELLIPSE, 0, 0, 1, 2, 3)), 56, 0x32},
            {new GnExtendedHeader.Beacon(so), 4 + 8 + 24, 0x10},
        };
        for (Object[] k : cases) {
            GnExtendedHeader x = (GnExtendedHeader) k[0];
            byte[] b = gn.encode(GnPacket.unsecured(GnLifetime.DEFAULT, 1, c, x, new byte[0]));
            assertEquals(x.toString(), k[1], b.length);
            assertEquals(x.toString(), k[2], b[5] & 0xFF);
            assertEquals(0x11, b[0]); // version 1, NH common header
            assertEquals(0x20, b[4]); // NH BTP-B
        }
        byte[] sec = gn.encode(GnPacket.secured(GnLifetime.DEFAULT, 1, new byte[] {3, (byte) 0x80, 0}));
        assertEquals("12001a01038000", HEX.formatHex(sec));
    }

    @Test
    public void positionVectorFieldsSitWhereTheStandardPutsThem() {
        // GN_ADDR: M=1, ST=15 (RSU), reserved 0, MID 02:00:00:00:00:01; TST 0x01020304; lat -1; lon 1;
        // PAI=1, speed -1 (15-bit two's complement 0x7fff); heading 3600
        var so = new LongPositionVector(new GnAddress(true, 15, 0, 0x0200_0000_0001L), 0x01020304L, -1, 1, true, -1, 3600);
        byte[] b = NetCodecs.geoNetworking().encode(GnPacket.unsecured(new GnLifetime(1, 1), 1,
                new GnCommonHeader(GnCommonHeader.NextHeader.BTP_A, new TrafficClass(true, true, 63), false, 10),
                new GnExtendedHeader.TopologicallyScopedBroadcast(0xABCD, so), new byte[] {9}));
        assertEquals("11000501" + "1051ff00" + "0001" + "0a00" + "abcd0000" + "bc00020000000001" + "01020304"
                + "ffffffff" + "00000001" + "ffff" + "0e10" + "09", HEX.formatHex(b));
    }

    @Test
    public void wsmpPsidPEncodingFollowsIeee1609Dot3() {
        // 1609.3 §8.1.3 / 1609.12: 1..4 octets with prefixes 0, 10, 110, 1110 and offsets 0x80, 0x4080, 0x204080
        String[][] cases = {{"0", "00"}, {"20", "20"}, {"7f", "7f"}, {"80", "8000"}, {"407f", "bfff"},
            {"4080", "c00000"}, {"20407f", "dfffff"}, {"204080", "e0000000"}, {"1020407f", "efffffff"}};
        for (String[] c : cases) {
            byte[] b = NetCodecs.wsmp().encode(WsmpPacket.of(Long.parseLong(c[0], 16), new byte[0]));
            assertEquals(c[0], "0300" + c[1] + "00", HEX.formatHex(b));
        }
        assertThrows(IllegalArgumentException.class, () -> WsmpPacket.of(WsmpPacket.MAX_PSID + 1, new byte[0]));
    }

    @Test
    public void wsmLengthAndCountsUseTheTwoOctetFormAbove127() {
        byte[] data = new byte[200];
        byte[] b = NetCodecs.wsmp().encode(WsmpPacket.of(0x20, data));
        assertEquals("03002080c8", HEX.formatHex(b, 0, 5));
        assertEquals(205, b.length);
        WsmpPacket p = new WsmpPacket(0, List.of(WaveElement.channelNumber(172), WaveElement.dataRate(12),
                WaveElement.transmitPowerUsed(20)), 0x20, null, new byte[] {1});
        assertEquals("0b030f01ac10010c0401940020" + "0101", HEX.formatHex(NetCodecs.wsmp().encode(p)));
        assertEquals(172, p.channelNumber().getAsInt());
        assertEquals(12, p.dataRate().getAsInt());
        assertEquals(20, p.transmitPowerDbm().getAsInt());
    }

    @Test
    public void encodersRefuseWhatTheWireCannotCarry() {
        var so = NetSamples.lpv(new Random(2));
        var c = new GnCommonHeader(GnCommonHeader.NextHeader.ANY, new TrafficClass(false, false, 0), false, 1);
        var gn = NetCodecs.geoNetworking();
        assertThrows(IllegalArgumentException.class, () -> gn.encode(GnPacket.unsecured(GnLifetime.DEFAULT, 1, c,
                new GnExtendedHeader.Beacon(so), new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> gn.encode(GnPacket.unsecured(GnLifetime.DEFAULT, 2, c,
                new GnExtendedHeader.SingleHopBroadcast(so), new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> gn.encode(GnPacket.unsecured(GnLifetime.DEFAULT, 1, c,
                new GnExtendedHeader.SingleHopBroadcast(so), new byte[65536])));
        assertThrows(IllegalArgumentException.class, () -> gn.encode(GnPacket.secured(GnLifetime.DEFAULT, 1, new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> new LongPositionVector(so.address(), 0, 900_000_001, 0, false, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LongPositionVector(so.address(), 0, 0, 0, false, 0, 3601));
        assertThrows(IllegalArgumentException.class, () -> WsmpPacket.of(0x20, new byte[16384]));
        assertThrows(IllegalArgumentException.class, () -> new org.qkdv2i.v2x.codec.net.Pc5NonIpPdu(0, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> new org.qkdv2i.v2x.codec.net.Pc5NonIpPdu(5, new byte[1]));
    }

    @Test
    public void positionVectorFromStationState() {
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        var s = new StationState(42, 5, 481234567, 115678901, true, 1389, 3601, t);
        var v = LongPositionVector.of(GnAddress.of(5, 0x0200_0000_0042L), s);
        assertEquals((t.toEpochMilli() - 1_072_915_200_000L) % (1L << 32), v.timestamp());
        assertEquals(481234567, v.latitude());
        assertEquals(1389, v.speed());
        assertEquals(0, v.heading()); // unavailable heading has no GN encoding
        assertEquals(60_000, GnLifetime.DEFAULT.millis());
        assertEquals(0x1a, GnLifetime.DEFAULT.octet());
    }
}
