package org.qkdv2i.radio.pcap.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.message.*;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.net.*;
import org.qkdv2i.v2x.codec.testing.Tshark;

/**
 * Independent check of the whole send path: frames built with the v2x codecs go through the
 * pcap recorder radio into a file, and Wireshark (tshark) must dissect every frame without a
 * malformed-packet or expert warning and show the header and message fields we sent. Skipped
 * with a message only where tshark is missing and the environment variable CI is not set; on CI
 * a missing tshark fails.
 */
public class TsharkV2xCaptureTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    static final LinkAddress OBU = LinkAddress.mac(0x0200_0000_0001L);
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final StationState STATE = new StationState(3141592653L, StationType.PASSENGER_CAR, 481234567, 115678901,
            true, 1389, 900, T0);
    static final LongPositionVector SOURCE = LongPositionVector.of(GnAddress.of(StationType.PASSENGER_CAR,
            OBU.value()), STATE);

    static Cam cam() {
        return new Cam(ItsPduHeader.cam(STATE.stationId()), Cam.generationDeltaTimeOf(4242), new BasicContainer(
                StationType.PASSENGER_CAR, new ReferencePosition(STATE.latitude(), STATE.longitude(),
                        PosConfidenceEllipse.UNAVAILABLE, Altitude.UNAVAILABLE)),
                BasicVehicleContainerHighFrequency.of(new Heading(900, 10), new Speed(1389, 5), DriveDirection.FORWARD,
                        new VehicleLength(45, 0), 18, Acceleration.UNAVAILABLE, new Curvature(0, 7),
                        CurvatureCalculationMode.UNAVAILABLE, new YawRate(0, 8)), null);
    }

    static Denm denm() {
        return new Denm(ItsPduHeader.denm(65535), ManagementContainer.of(new ActionId(65535, 7), 600000000000L,
                600000000100L, ReferencePosition.ofDegrees(48.2, 11.6), StationType.ROAD_SIDE_UNIT), null, null, null);
    }

    static Bsm bsm() {
        return new Bsm(new BsmCoreData(5, new byte[] {1, 2, 3, 4}, 42000, 481234567, 115678901, 5195,
                new PositionalAccuracy(255, 255, 65535), TransmissionState.FORWARD_GEARS, 695, 7200, 127,
                new AccelerationSet4Way(2001, 2001, -127, 0), new BrakeSystemStatus(0, ControlStatus.UNAVAILABLE,
                        ControlStatus.OFF, ControlStatus.OFF, BrakeBoostApplied.UNAVAILABLE,
                        AuxiliaryBrakeStatus.UNAVAILABLE), new VehicleSize(180, 450)), List.of(), List.of());
    }

    static byte[] btpB(int port, byte[] pdu) {
        return NetCodecs.btp().encode(BtpPacket.b(port, pdu));
    }

    static RadioFrame gnFrame(GnPacket p) {
        return new RadioFrame(OBU, LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_GEONETWORKING,
                NetCodecs.geoNetworking().encode(p), FrameMetadata.NONE);
    }

    /** The frames of the capture, in order. */
    static List<RadioFrame> frames() {
        List<RadioFrame> f = new ArrayList<>();
        // 1: CAM over BTP-B over GN SHB
        f.add(gnFrame(GnPacket.shb(SOURCE, btpB(BtpPacket.PORT_CAM, V2xCodecs.cam().encode(cam())))));
        // 2: DENM over BTP-B over GN GeoBroadcast, circle of 500 m
        GnCommonHeader multiHop = new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B, new TrafficClass(false, false, 1),
                false, 10);
        f.add(gnFrame(GnPacket.unsecured(GnLifetime.DEFAULT, 10, multiHop, new GnExtendedHeader.GeoBroadcast(7, SOURCE,
                GeoArea.circle(482000000, 116000000, 500)), btpB(BtpPacket.PORT_DENM, V2xCodecs.denm().encode(denm())))));
        // 3: the same DENM to a rectangle
        f.add(gnFrame(GnPacket.unsecured(GnLifetime.DEFAULT, 9, multiHop, new GnExtendedHeader.GeoBroadcast(8, SOURCE,
                new GeoArea(GeoArea.Shape.RECTANGLE, 482000000, 116000000, 1000, 200, 45)),
                btpB(BtpPacket.PORT_DENM, V2xCodecs.denm().encode(denm())))));
        // 4: CAM in a multi-hop Topologically-Scoped Broadcast
        // (Wireshark 4.0 notes a multi-hop packet whose RHL is as low as 3 as an expert "Sequence" item)
        f.add(gnFrame(GnPacket.unsecured(new GnLifetime(10, 1), 10, new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B,
                new TrafficClass(false, false, 2), true, 10), new GnExtendedHeader.TopologicallyScopedBroadcast(9, SOURCE),
                btpB(BtpPacket.PORT_CAM, V2xCodecs.cam().encode(cam())))));
        // 5: BSM over WSMP (channel 172, 6 Mb/s, 20 dBm), as an unsecured Ieee1609Dot2Data (COER: version 3,
        //    unsecuredData [0], length) because Wireshark hands PSID 0x20 payloads to its 1609.2 dissector
        byte[] bsm = V2xCodecs.bsm().encode(bsm());
        byte[] dot2 = new byte[3 + bsm.length];
        dot2[0] = 3;
        dot2[1] = (byte) 0x80;
        dot2[2] = (byte) bsm.length;
        System.arraycopy(bsm, 0, dot2, 3, bsm.length);
        WsmpPacket w = new WsmpPacket(0, List.of(WaveElement.channelNumber(172), WaveElement.dataRate(12),
                WaveElement.transmitPowerUsed(20)), WsmpPacket.PSID_BSM, null, dot2);
        f.add(new RadioFrame(OBU, LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_WSMP, NetCodecs.wsmp().encode(w),
                FrameMetadata.NONE.withChannel(172, 5860).withTxPowerDbm(20.0)));
        // 6: a secured GN packet (basic NH = 2): the TS 103 097 signed CAM of a VW Golf 8 from
        //    riebl/vanetza vanetza/security/tests/secured_message_v3.cpp (SecuredMessageV3.verify), passed through
        f.add(gnFrame(GnPacket.secured(GnLifetime.DEFAULT, 1, HexFormat.of().parseHex(GOLF8_SECURED))));
        return f;
    }

    static final String GOLF8_SECURED = "0381004003805620500280003201001400fe384ce0b890bf6b2f5b1f45285806640a6d80e803be0000a00007d1000002"
            + "024ce0b89030bc005a9d422a0e35bba022442386da3596d4583be120a10302968acf33e781ff82103fe0141980400124"
            + "0001c80bbab6c8158101018003008056dfd6d627a362dc108300000000001ddff7b58400a80102800124810403010000"
            + "80012581050401901a258080820427bb27c998c1eca2b10e7107980244518b3c50a3a327b5b190d090f1451f3d808083"
            + "c2f3caebc7fa35945c030a5ae01a417adf6dffd541ccd2d92bfeb63dc15689cbd6b8e32bd5e866d9faa2fe5595e2dbb9"
            + "be3e965a7094258b4a249dfb758a078082737a94516c56f885262fd4d2ac775ebaa14684ebf6593966ef7d3084078edd"
            + "d0f4fe9406042b1d1a92b70a0cce8d7de7e9b6fe13fb269a5a67573161589e2a79";

    static final List<String> FIELDS = List.of("frame.number", "eth.type", "geonw.bh.version", "geonw.bh.nh",
            "geonw.bh.lt.mult", "geonw.bh.lt.base", "geonw.bh.rhl", "geonw.ch.nh", "geonw.ch.htype", "geonw.ch.tc.id",
            "geonw.ch.flags.mob", "geonw.ch.plength", "geonw.ch.mhl", "geonw.seq_num", "geonw.src_pos.addr.type",
            "geonw.src_pos.addr.mid", "geonw.src_pos.tst", "geonw.src_pos.lat", "geonw.src_pos.long",
            "geonw.src_pos.pai", "geonw.src_pos.speed", "geonw.src_pos.hdg", "geonw.gxc.latitude",
            "geonw.gxc.longitude", "geonw.gxc.radius", "geonw.gxc.distancea", "geonw.gxc.distanceb", "geonw.gxc.angle",
            "btpb.dstport", "btpb.dstportinf", "its.messageID", "its.stationID", "cam.generationDeltaTime",
            "its.latitude", "its.longitude", "its.speedValue", "its.headingValue", "wsmp.version_v3", "wsmp.wave_ie",
            "wsmp.wave_ie_data", "wsmp.psid", "ieee1609dot2.protocolVersion", "ieee1609dot2.unsecuredData");

    private static void expect(java.util.Map<String, String> row, Object... fieldValuePairs) {
        for (int i = 0; i < fieldValuePairs.length; i += 2) {
            assertEquals("frame " + row.get("frame.number") + " " + fieldValuePairs[i] + " in " + row,
                    String.valueOf(fieldValuePairs[i + 1]), row.get((String) fieldValuePairs[i]));
        }
    }

    @Test
    public void wiresharkReadsWhatTheRecorderWrote() throws Exception {
        Tshark.require("Wireshark cross-check");
        File file = new File(tmp.getRoot(), "v2x.pcap");
        PcapRecorder radio = new PcapRecorder(TestConfigs.config("obu-1", RadioTechnology.ITS_G5, file.getPath(),
                "02:00:00:00:00:01"), Clock.fixed(T0, ZoneOffset.UTC));
        List<RadioFrame> sent = frames();
        for (RadioFrame f : sent) {
            radio.send(f);
        }
        radio.deactivate();

        String text = Tshark.run(file, "-V");
        assertFalse(text, text.contains("Malformed"));
        List<String> frames = Tshark.frames(text);
        assertEquals(text, sent.size(), frames.size());
        for (int i = 0; i < 5; i++) {
            assertFalse(frames.get(i), frames.get(i).contains("Expert Info"));
        }
        // the secured SHB: Wireshark reads the basic header's RHL before the (signed) common header says
        // SHB, and notes RHL 1 as low; RHL 1 is what EN 302 636-4-1 requires of an SHB. Nothing else.
        List<String> experts = frames.get(5).lines().filter(l -> l.contains("Expert Info")).toList();
        assertEquals(frames.get(5), List.of("[Expert Info (Note/Sequence): \"Remain Hop Limit\" only 1]"),
                experts.stream().map(String::strip).toList());

        List<java.util.Map<String, String>> rows = Tshark.fields(file, FIELDS);
        assertEquals(sent.size(), rows.size());
        Object[] source = {"geonw.src_pos.addr.type", StationType.PASSENGER_CAR, "geonw.src_pos.addr.mid",
            "02:00:00:00:00:01", "geonw.src_pos.tst", SOURCE.timestamp(), "geonw.src_pos.lat", STATE.latitude(),
            "geonw.src_pos.long", STATE.longitude(), "geonw.src_pos.pai", 1, "geonw.src_pos.speed", STATE.speed(),
            "geonw.src_pos.hdg", STATE.heading(), "eth.type", "0x8947", "geonw.bh.version", 1, "geonw.bh.nh", 1};
        Object[] camFields = {"btpb.dstport", BtpPacket.PORT_CAM, "btpb.dstportinf", "0x0000", "its.messageID", 2,
            "its.stationID", STATE.stationId(), "cam.generationDeltaTime", 4242, "its.latitude", STATE.latitude(),
            "its.longitude", STATE.longitude(), "its.speedValue", 1389, "its.headingValue", 900};
        Object[] denmFields = {"btpb.dstport", BtpPacket.PORT_DENM, "its.messageID", 1, "its.stationID", 65535,
            "its.latitude", 482000000, "its.longitude", 116000000};
        int camLength = 4 + V2xCodecs.cam().encode(cam()).length;
        int denmLength = 4 + V2xCodecs.denm().encode(denm()).length;

        var shb = rows.get(0);
        expect(shb, source);
        expect(shb, camFields);
        expect(shb, "geonw.bh.lt.mult", 6, "geonw.bh.lt.base", 2, "geonw.bh.rhl", 1, "geonw.ch.nh", 2,
                "geonw.ch.htype", "0x50", "geonw.ch.tc.id", 2, "geonw.ch.flags.mob", 1, "geonw.ch.plength", camLength,
                "geonw.ch.mhl", 1);

        var gbcCircle = rows.get(1);
        expect(gbcCircle, source);
        expect(gbcCircle, denmFields);
        expect(gbcCircle, "geonw.bh.rhl", 10, "geonw.ch.htype", "0x40", "geonw.ch.tc.id", 1, "geonw.ch.flags.mob", 0,
                "geonw.ch.plength", denmLength, "geonw.ch.mhl", 10, "geonw.seq_num", "0x0007", "geonw.gxc.latitude",
                482000000, "geonw.gxc.longitude", 116000000, "geonw.gxc.radius", 500, "geonw.gxc.angle", 0);

        var gbcRectangle = rows.get(2);
        expect(gbcRectangle, source);
        expect(gbcRectangle, denmFields);
        expect(gbcRectangle, "geonw.bh.rhl", 9, "geonw.ch.htype", "0x41", "geonw.seq_num", "0x0008",
                "geonw.gxc.distancea", 1000, "geonw.gxc.distanceb", 200, "geonw.gxc.angle", 45);

        var tsb = rows.get(3);
        expect(tsb, source);
        expect(tsb, camFields);
        expect(tsb, "geonw.bh.lt.mult", 10, "geonw.bh.lt.base", 1, "geonw.bh.rhl", 10, "geonw.ch.htype", "0x51",
                "geonw.seq_num", "0x0009", "geonw.ch.mhl", 10, "geonw.ch.plength", camLength);

        var wsmp = rows.get(4);
        expect(wsmp, "eth.type", "0x88dc", "wsmp.version_v3", 3, "wsmp.wave_ie_data", "ac,0c,94", "wsmp.psid",
                "0x00000020", "ieee1609dot2.protocolVersion", 3, "ieee1609dot2.unsecuredData",
                HexFormat.of().formatHex(V2xCodecs.bsm().encode(bsm())));
        assertTrue(wsmp.toString(), wsmp.get("wsmp.wave_ie").startsWith("15,16,4")); // channel, rate, power

        var secured = rows.get(5);
        expect(secured, "geonw.bh.nh", 2, "ieee1609dot2.protocolVersion", "3,3", "geonw.ch.htype", "0x50",
                "geonw.src_pos.addr.mid", "fe:38:4c:e0:b8:90", "geonw.src_pos.hdg", 958, "its.stationID", 1289795728,
                "cam.generationDeltaTime", 12476);
    }

    @Test
    public void pc5FramesReadAsGeoNetworkingThroughAUserDlt() throws Exception {
        Tshark.require("Wireshark cross-check");
        File file = new File(tmp.getRoot(), "pc5.pcap");
        PcapRecorder radio = new PcapRecorder(TestConfigs.config("ue-1", RadioTechnology.CV2X_PC5, file.getPath(),
                "0x00abcd"), Clock.fixed(T0, ZoneOffset.UTC));
        byte[] gn = NetCodecs.geoNetworking().encode(GnPacket.shb(SOURCE, btpB(BtpPacket.PORT_CAM,
                V2xCodecs.cam().encode(cam()))));
        byte[] pdu = NetCodecs.pc5NonIp().encode(new Pc5NonIpPdu(Pc5NonIpPdu.FAMILY_ETSI_ITS, gn));
        radio.send(new RadioFrame(radio.address(), LinkAddress.layer2Id(0xFFFFFF), RadioFrame.PC5_SDU_TYPE_NON_IP, pdu,
                FrameMetadata.NONE.withSidelink(SidelinkParameters.ofPriority(3))));
        radio.deactivate();
        // User DLT 147: skip the 8-octet pseudo-header and the family octet, dissect the rest as GeoNetworking
        String dlt = "uat:user_dlts:\"User 0 (DLT=147)\",\"gnw\",\"9\",\"\",\"0\",\"\"";
        String text = Tshark.run(file, "-o", dlt, "-V");
        Tshark.assertClean(text);
        List<java.util.Map<String, String>> rows = Tshark.fields(file, FIELDS, "-o", dlt);
        assertEquals(1, rows.size());
        expect(rows.get(0), "geonw.src_pos.lat", STATE.latitude(), "geonw.ch.htype", "0x50", "btpb.dstport",
                BtpPacket.PORT_CAM, "its.stationID", STATE.stationId(), "cam.generationDeltaTime", 4242);
        // and the pseudo-header carries what was sent
        try (var in = Files.newInputStream(file.toPath())) {
            var reader = new org.qkdv2i.radio.pcap.PcapReader(in);
            assertEquals(147, reader.linkType());
            assertEquals("00abcd" + "ffffff" + "03" + "03" + "03", HexFormat.of().formatHex(reader.next().data(), 0, 9));
        }
    }
}
