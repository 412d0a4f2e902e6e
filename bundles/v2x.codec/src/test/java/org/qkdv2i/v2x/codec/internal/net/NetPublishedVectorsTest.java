package org.qkdv2i.v2x.codec.internal.net;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.EthernetFrame;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.WaveElement;
import org.qkdv2i.v2x.codec.net.WsmpPacket;

/**
 * Real on-air bytes from published sources decode to the values they carry and re-encode byte
 * for byte. Vectors are data; their sources are named at each.
 */
public class NetPublishedVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * An ETSI TS 103 097 v1.3.1 secured CAM signed by a VW Golf 8 (Ieee1609Dot2Data, 1609.2
     * COER), from riebl/vanetza vanetza/security/tests/secured_message_v3.cpp, test
     * SecuredMessageV3.verify (all 321 octets: signed data with the signer certificate).
     */
    static final String GOLF8_SECURED_VERIFY = "0381004003805620500280003201001400fe384ce0b890bf6b2f5b1f45285806640a6d80e803be0000a00007d1000002"
            + "024ce0b89030bc005a9d422a0e35bba022442386da3596d4583be120a10302968acf33e781ff82103fe0141980400124"
            + "0001c80bbab6c8158101018003008056dfd6d627a362dc108300000000001ddff7b58400a80102800124810403010000"
            + "80012581050401901a258080820427bb27c998c1eca2b10e7107980244518b3c50a3a327b5b190d090f1451f3d808083"
            + "c2f3caebc7fa35945c030a5ae01a417adf6dffd541ccd2d92bfeb63dc15689cbd6b8e32bd5e866d9faa2fe5595e2dbb9"
            + "be3e965a7094258b4a249dfb758a078082737a94516c56f885262fd4d2ac775ebaa14684ebf6593966ef7d3084078edd"
            + "d0f4fe9406042b1d1a92b70a0cce8d7de7e9b6fe13fb269a5a67573161589e2a79";
    /** The same source, test SecuredMessageV3.deserialize: the unsecuredData (common header onwards). */
    static final String GOLF8_DESERIALIZE_GN = "2050028000320100" + "1400d2fb6a0c62d2bf6c54531f44eff506663609846a06c8"
            + "0000a000" + "07d10000" + "02026a0c62d25741005a9d3abf6e36012022342300fc3596d4586940e24e"
            + "0302968a9b343d82099e1041c014b980";
    /**
     * A complete WSMP v3 packet (an unsecured J2735 RoadSideAlert, messageId 27) as a public
     * RSU test-sender script sends it (variable {@code dataRSA}; found by code search, repository
     * not named by the index): N-header extension with channel 172, data rate 12 (6 Mb/s) and
     * transmit power 0x98, TPID 0, four-octet PSID e0525341, WSM length 38.
     */
    static final String WSMP_RSA = "0b030f01ac10010c04019800e052534126001b233f51c0dae0000000000000000000000000000000001fffea0036845bed9d7d0f306a60";
    /**
     * Ethernet + WSMP header of the BSMs an OBU broadcasts, as a public BSM-receiver script strips
     * them (literal in its {@code hexData.replace}): broadcast from 70:b3:d5:04:01:dd, EtherType
     * 0x88dc, channel 172, 6 Mb/s, tx power 0x94, PSID 0x20, WSM length 46, then the 1609.2
     * unsecuredData header 03 80 2b.
     */
    static final String BSM_FRAME_HEADER = "ffffffffffff70b3d50401dd88dc0b030f01ac10010c04019400202e03802b";

    private static byte[] gnFromUnsecuredData(String commonHeaderOnwards) {
        // the basic header is outside the secured part (EN 302 636-4-1 §9.6); an SHB has RHL 1
        return HEX.parseHex("11001a01" + commonHeaderOnwards);
    }

    @Test
    public void golf8SecuredPacketPassesThroughAndItsInnerHeadersDecode() {
        byte[] secured = HEX.parseHex(GOLF8_SECURED_VERIFY);
        assertEquals(321, secured.length);
        // on the air: basic header with NH = 2 (secured packet), then the Ieee1609Dot2Data
        byte[] onAir = new byte[4 + secured.length];
        System.arraycopy(HEX.parseHex("12001a01"), 0, onAir, 0, 4);
        System.arraycopy(secured, 0, onAir, 4, secured.length);
        GnPacket p = NetCodecs.geoNetworking().decode(onAir).value();
        assertTrue(p.isSecured());
        assertNull(p.common());
        assertArrayEquals(secured, p.payload());
        assertEquals(GnLifetime.DEFAULT, p.lifetime());
        assertArrayEquals(onAir, NetCodecs.geoNetworking().encode(p));

        // 03 81 00 40 03 80 56: version 3, signedData, sha256, tbsData, data v3, unsecuredData, 86 octets
        byte[] inner = Arrays.copyOfRange(secured, 7, 7 + 0x56);
        byte[] gnBytes = gnFromUnsecuredData(HEX.formatHex(inner));
        GnPacket gn = NetCodecs.geoNetworking().decode(gnBytes).value();
        assertEquals(GnCommonHeader.NextHeader.BTP_B, gn.common().nextHeader());
        assertTrue(gn.common().mobile());
        assertEquals(2, gn.common().trafficClass().id());
        assertEquals(1, gn.common().maxHopLimit());
        var shb = (GnExtendedHeader.SingleHopBroadcast) gn.extended();
        LongPositionVector so = shb.source();
        assertEquals(5, so.address().stationType()); // passenger car, as the CAM says
        assertEquals(0xfe384ce0b890L, so.address().mid());
        assertEquals(0xbf6b2f5bL, so.timestamp());
        assertEquals(524626008, so.latitude()); // CAM reference position 524626000
        assertEquals(107219565, so.longitude()); // CAM 107219713
        assertTrue(so.positionAccurate());
        assertEquals(232, so.speed());
        assertEquals(958, so.heading()); // CAM headingValue 958
        assertEquals(0x0000a000L, shb.mediaDependentData()); // DCC-MCO: output power 20 dBm
        assertArrayEquals(gnBytes, NetCodecs.geoNetworking().encode(gn));

        BtpPacket btp = NetCodecs.btp().decode(gn).value();
        assertEquals(BtpPacket.PORT_CAM, btp.destinationPort());
        assertEquals(0, btp.sourcePortOrInfo());
        Cam cam = V2xCodecs.cam().decode(btp.payload()).value();
        assertEquals(1289795728L, cam.stationId());
        assertEquals(so.latitude() - 8, cam.basicContainer().referencePosition().latitude());
    }

    @Test
    public void secondGolf8PacketDecodes() {
        byte[] gnBytes = gnFromUnsecuredData(GOLF8_DESERIALIZE_GN);
        GnPacket gn = NetCodecs.geoNetworking().decode(gnBytes).value();
        LongPositionVector so = ((GnExtendedHeader.SingleHopBroadcast) gn.extended()).source();
        assertEquals(0xd2fb6a0c62d2L, so.address().mid());
        assertEquals(1130, so.speed());
        assertEquals(1736, so.heading());
        assertEquals(50, gn.payloadLength());
        assertArrayEquals(gnBytes, NetCodecs.geoNetworking().encode(gn));
        Cam cam = V2xCodecs.cam().decode(NetCodecs.btp().decode(gn).value().payload()).value();
        assertEquals(1779196626L, cam.stationId());
    }

    @Test
    public void rsaWsmpDecodesAndReencodes() {
        byte[] b = HEX.parseHex(WSMP_RSA);
        WsmpPacket p = NetCodecs.wsmp().decode(b).value();
        assertEquals(0, p.subtype());
        assertEquals(172, p.channelNumber().getAsInt());
        assertEquals(12, p.dataRate().getAsInt());
        assertEquals(24, p.transmitPowerDbm().getAsInt());
        assertEquals(0, p.tpid());
        assertEquals(0x525341L + 0x204080L, p.psid()); // Wireshark's p-decoding of e0525341
        assertEquals(38, p.data().length);
        assertEquals(0x1b, p.data()[1]); // J2735 messageId 27 (RSA)
        assertArrayEquals(b, NetCodecs.wsmp().encode(p));
    }

    @Test
    public void ourBsmFrameHeaderMatchesTheDeployedOne() {
        byte[] bsm = new byte[0x2b]; // any 43-octet MessageFrame: only the headers are compared
        byte[] ieee1609Dot2 = new byte[3 + bsm.length];
        ieee1609Dot2[0] = 3;
        ieee1609Dot2[1] = (byte) 0x80;
        ieee1609Dot2[2] = 0x2b;
        WsmpPacket w = new WsmpPacket(0, List.of(WaveElement.channelNumber(172), WaveElement.dataRate(12),
                WaveElement.transmitPowerUsed(20)), WsmpPacket.PSID_BSM, null, ieee1609Dot2);
        byte[] frame = NetCodecs.ethernet().encode(new EthernetFrame(org.qkdv2i.v2x.api.radio.LinkAddress.BROADCAST_MAC,
                org.qkdv2i.v2x.api.radio.LinkAddress.mac(0x70b3d50401ddL), EthernetFrame.ETHERTYPE_WSMP,
                NetCodecs.wsmp().encode(w)));
        assertEquals(BSM_FRAME_HEADER, HEX.formatHex(frame, 0, BSM_FRAME_HEADER.length() / 2));
        EthernetFrame back = NetCodecs.ethernet().decode(frame).value();
        assertEquals(w, NetCodecs.wsmp().decode(back.payload()).value());
    }
}
