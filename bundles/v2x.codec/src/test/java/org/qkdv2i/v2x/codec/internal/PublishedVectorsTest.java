package org.qkdv2i.v2x.codec.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.HexFormat;

import org.junit.Test;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerHighFrequency;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.BsmCoreData;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.ControlStatus;
import org.qkdv2i.v2x.api.message.CurvatureCalculationMode;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.api.message.DriveDirection;
import org.qkdv2i.v2x.api.message.ItsPduHeader;
import org.qkdv2i.v2x.api.message.ManagementContainer;
import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.Altitude;
import org.qkdv2i.v2x.api.message.PosConfidenceEllipse;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.TransmissionState;
import org.qkdv2i.v2x.codec.BsmCodec;
import org.qkdv2i.v2x.codec.CamCodec;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.V2xCodecs;

/**
 * Published UPER encodings, decoded and re-encoded byte for byte. The expected field values
 * come from the publishers (the BSM's XER twin) or from Wireshark 4.0.17's own ITS dissector
 * (CAMs, each wrapped in an Ethernet/GeoNetworking SHB/BTP-B frame and read with
 * {@code tshark -V}), never from this codec.
 */
public class PublishedVectorsTest {
    static final HexFormat HEX = HexFormat.of();

    /**
     * CAM signed by a VW Golf 8: the unsecuredData of the SignedData in Vanetza's
     * vanetza/security/tests/secured_message_v3.cpp, test SecuredMessageV3.verify, after the
     * GeoNetworking common and SHB headers and the BTP-B header (port 2001).
     */
    static final String CAM_GOLF8_VERIFY = "02024ce0b89030bc005a9d422a0e35bba022442386da3596d4583be120a1"
            + "0302968acf33e781ff82103fe0141980";
    /** The same source, test SecuredMessageV3.deserialize. */
    static final String CAM_GOLF8_DESERIALIZE = "02026a0c62d25741005a9d3abf6e36012022342300fc3596d4586940e24e"
            + "0302968a9b343d82099e1041c014b980";
    /** A CAM captured from Vanetza, posted in riebl/vanetza issue #115 (BTP-B payload of the Ethernet frame). */
    static final String CAM_VANETZA_ISSUE_115 = "0202000000013731005a56c4918e4346e51ffffffc23b7743e000001200000"
            + "3fe1ed0403ffe3fff400";
    /**
     * J2735 MessageFrame with a BSM (core data and one part II VehicleSafetyExtensions):
     * usdot-jpo-ode/asn1_codec data/j2735.MessageFrame.Bsm.hex, values in
     * data/j2735.MessageFrame.Bsm.xml (commit d8efa99).
     */
    static final String BSM_ASN1_CODEC = "001480ad562fa8400039e8e717090f9665fe1bacc37ffffffff0003bbafd"
            + "fa1fa1007fff8000000000020214c1c100417ffffffe824e100a3fffffff"
            + "e8942102047ffffffe922a1026a40143ffe95d610423405d7ffea7561032"
            + "2c0599ffeadfa10391c06b5ffeb7e6103cb40a03ffed2121033bc08adffe"
            + "d9a6102e8408e5ffede2e102bdc0885ffedf0a1000bc019bfff7f321ffff"
            + "c005dfffc55a1ffffffffffffdd1a100407fffffffe1a2fffe0000";

    /**
     * A received BSM with three part II contents: the first 84 octets of the payload in
     * usdot-jpo-ode/asn1_codec data/InputData.decoding.bsm.xml (the file pads it with zeros).
     * It comes without decoded values; it checks that the frame and the three open types
     * delimit exactly and re-encode byte for byte.
     */
    static final String BSM_ASN1_CODEC_PART2 = "00145144ad0b7947c2ed9ad2748035a4e8ff880000000fd2229199307d7d07d0b17fff05407d12720038"
            + "c000fe72c107b001ea88fffeb4002127c0009000000fdfffe3ffff940734470400004191012010000000";

    private final CamCodec cams = V2xCodecs.cam();
    private final BsmCodec bsms = V2xCodecs.bsm();

    private Cam decodeCam(String hex) {
        DecodeResult<Cam> result = cams.decode(HEX.parseHex(hex));
        assertTrue(result.toString(), result.isOk());
        assertEquals("re-encoded byte for byte", hex, HEX.formatHex(cams.encode(result.value())));
        return result.value();
    }

    @Test
    public void golf8CamMatchesWireshark() {
        Cam cam = decodeCam(CAM_GOLF8_VERIFY);
        assertEquals(ItsPduHeader.cam(1289795728L), cam.header());
        assertEquals(12476, cam.generationDeltaTime());
        assertEquals(5, cam.basicContainer().stationType());
        ReferencePosition p = cam.basicContainer().referencePosition();
        assertEquals(524626000, p.latitude());
        assertEquals(107219713, p.longitude());
        assertEquals(new PosConfidenceEllipse(290, 284, 877), p.positionConfidenceEllipse());
        assertEquals(new Altitude(9750, 10), p.altitude());
        var hf = (BasicVehicleContainerHighFrequency) cam.highFrequencyContainer();
        assertEquals(958, hf.heading().value());
        assertEquals(10, hf.heading().confidence());
        assertEquals(322, hf.speed().value());
        assertEquals(4, hf.speed().confidence());
        assertEquals(DriveDirection.FORWARD, hf.driveDirection());
        assertEquals(42, hf.vehicleLength().value());
        assertEquals(3, hf.vehicleLength().confidenceIndication());
        assertEquals(18, hf.vehicleWidth());
        assertEquals(19, hf.longitudinalAcceleration().value());
        assertEquals(102, hf.longitudinalAcceleration().confidence());
        assertEquals(-24, hf.curvature().value());
        assertEquals(4, hf.curvature().confidence());
        assertEquals(CurvatureCalculationMode.YAW_RATE_USED, hf.curvatureCalculationMode());
        assertEquals(-30, hf.yawRate().value());
        assertEquals(8, hf.yawRate().confidence());
        // Wireshark: accelerationControl 0100 000 = gasPedalEngaged only
        assertEquals(1 << 1, hf.accelerationControl().bits());
        assertEquals(0, hf.steeringWheelAngle().value());
        assertEquals(1, hf.steeringWheelAngle().confidence());
        assertEquals(0, hf.lateralAcceleration().value());
        assertEquals(102, hf.lateralAcceleration().confidence());
        assertNull(hf.lanePosition());
        assertNull(hf.verticalAcceleration());
        assertNull(cam.lowFrequencyContainer());
        // the GeoNetworking position vector of the same frame says 52.4626008 N, 10.7219565 E
        assertEquals(52.4626008, p.latitudeDegrees(), 1e-4);
        assertEquals(10.7219565, p.longitudeDegrees(), 1e-4);
    }

    @Test
    public void secondGolf8CamMatchesWireshark() {
        Cam cam = decodeCam(CAM_GOLF8_DESERIALIZE);
        assertEquals(1779196626L, cam.stationId());
        assertEquals(22337, cam.generationDeltaTime());
        ReferencePosition p = cam.basicContainer().referencePosition();
        assertEquals(524610811, p.latitude());
        assertEquals(107362049, p.longitude());
        var hf = (BasicVehicleContainerHighFrequency) cam.highFrequencyContainer();
        assertEquals(1684, hf.heading().value());
        assertEquals(1180, hf.speed().value());
        assertEquals(62, hf.curvature().value());
        assertEquals(617, hf.yawRate().value());
        assertEquals(15, hf.steeringWheelAngle().value());
        assertEquals(5, hf.lateralAcceleration().value());
    }

    @Test
    public void vanetzaCamMatchesWireshark() {
        Cam cam = decodeCam(CAM_VANETZA_ISSUE_115);
        assertEquals(1L, cam.stationId());
        assertEquals(14129, cam.generationDeltaTime());
        ReferencePosition p = cam.basicContainer().referencePosition();
        assertEquals(487668620, p.latitude());
        assertEquals(114320680, p.longitude());
        assertEquals(PosConfidenceEllipse.UNAVAILABLE, p.positionConfidenceEllipse());
        assertEquals(Altitude.UNAVAILABLE, p.altitude());
        var hf = (BasicVehicleContainerHighFrequency) cam.highFrequencyContainer();
        assertEquals(0, hf.heading().value());
        assertEquals(10, hf.heading().confidence());
        assertEquals(0, hf.speed().value());
        assertEquals(1, hf.speed().confidence());
        assertEquals(1023, hf.vehicleLength().value());
        assertEquals(62, hf.vehicleWidth());
        assertEquals(161, hf.longitudinalAcceleration().value());
        assertEquals(0, hf.longitudinalAcceleration().confidence());
        assertEquals(0, hf.curvature().value());
        assertEquals(7, hf.curvature().confidence());
        assertEquals(32767, hf.yawRate().value());
        assertEquals(0, hf.yawRate().confidence());
        assertNull(hf.accelerationControl());
    }

    @Test
    public void asn1CodecBsmMatchesItsXml() {
        byte[] bytes = HEX.parseHex(BSM_ASN1_CODEC);
        DecodeResult<Bsm> result = bsms.decode(bytes);
        assertTrue(result.toString(), result.isOk());
        BsmCoreData c = result.value().coreData();
        assertEquals(88, c.msgCnt());
        assertArrayEquals(new byte[] {(byte) 0xBE, (byte) 0xA1, 0, 0}, c.id());
        assertEquals(59299, c.secMark());
        assertEquals(411642143, c.lat());
        assertEquals(-1048434120, c.lon());
        assertEquals(18822, c.elev());
        assertEquals(255, c.accuracy().semiMajor());
        assertEquals(255, c.accuracy().semiMinor());
        assertEquals(65535, c.accuracy().orientation());
        assertEquals(TransmissionState.UNAVAILABLE, c.transmission());
        assertEquals(0, c.speed());
        assertEquals(15290, c.heading());
        assertEquals(127, c.angle());
        assertEquals(2001, c.accelSet().lon());
        assertEquals(2001, c.accelSet().lat());
        assertEquals(-127, c.accelSet().vert());
        assertEquals(0, c.accelSet().yaw());
        // <wheelBrakes>10000</wheelBrakes>: only named bit 0 (unavailable)
        assertEquals(1, c.brakes().wheelBrakes());
        assertEquals(ControlStatus.UNAVAILABLE, c.brakes().traction());
        assertEquals(ControlStatus.UNAVAILABLE, c.brakes().abs());
        assertEquals(ControlStatus.UNAVAILABLE, c.brakes().scs());
        assertEquals(0, c.size().width());
        assertEquals(0, c.size().length());
        assertEquals(1, result.value().partII().size());
        assertEquals(0, result.value().partII().get(0).id());
        assertTrue(result.value().regional().isEmpty());
        assertArrayEquals("re-encoded byte for byte", bytes, bsms.encode(result.value()));
    }

    @Test
    public void asn1CodecBsmWithThreePartIIContentsReEncodesExactly() {
        byte[] bytes = HEX.parseHex(BSM_ASN1_CODEC_PART2);
        assertEquals(3 + 0x51, bytes.length); // MessageFrame header and its open-type length 0x51
        DecodeResult<Bsm> result = bsms.decode(bytes);
        assertTrue(result.toString(), result.isOk());
        Bsm bsm = result.value();
        assertEquals(3, bsm.partII().size());
        assertEquals(java.util.List.of(0, 2, 1), bsm.partII().stream().map(v -> v.id()).toList());
        assertArrayEquals(bytes, bsms.encode(bsm));
        // the file's zero padding after the frame is not part of it
        byte[] padded = java.util.Arrays.copyOf(bytes, 207);
        assertEquals(org.qkdv2i.v2x.codec.DecodeError.Kind.TRAILING_DATA, bsms.decode(padded).error().kind());
    }

    /**
     * Vanetza's vanetza/asn1/tests/its.cpp (test encode_denm): a DENM whose numbers are all
     * zero and whose optional components are absent encodes to 40 octets (320 bits: header
     * 48, presence 3, management 269).
     */
    @Test
    public void zeroDenmIsFortyOctetsAsInVanetza() {
        ReferencePosition zero = new ReferencePosition(0, 0, new PosConfidenceEllipse(0, 0, 0), new Altitude(0, 0));
        Denm denm = new Denm(new ItsPduHeader(0, 0, 0),
                ManagementContainer.of(new ActionId(0, 0), 0, 0, zero, 0), null, null);
        assertEquals(40, V2xCodecs.denm().encode(denm).length);
    }
}
