package org.qkdv2i.v2x.codec.internal;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.v2x.api.message.*;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.testing.Tshark;

/**
 * Independent check of the encoders: Wireshark's ITS dissector (generated from the ETSI ASN.1
 * by its own compiler) must read our CAMs and DENMs without a malformed-packet or expert
 * warning and show the values we sent. Each PDU is wrapped in a minimal Ethernet /
 * GeoNetworking (basic, common, SHB) / BTP-B frame, port 2001 for CAM and 2002 for DENM.
 * Skipped, with a message, where tshark is not installed and the environment variable CI is
 * not set; on CI (.ci/run installs tshark) a missing tshark fails the test.
 */
public class TsharkCrossCheckTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** Ethernet + GeoNetworking basic/common/SHB headers + BTP-B, as EN 302 636-4-1 and -5-1 lay them out. */
    static byte[] frame(int btpPort, byte[] pdu) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 + 8 + 28 + 4 + pdu.length);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1, (byte) 0x89, 0x47});
        b.put(new byte[] {0x11, 0x00, 0x1a, 0x01}); // basic: version 1, NH common header, lifetime, RHL 1
        b.put(new byte[] {0x20, 0x50, 0x02, 0x00}); // common: NH BTP-B, TSB/SHB, TC, flags
        b.putShort((short) (4 + pdu.length)).put(new byte[] {0x01, 0x00}); // payload length, MHL
        b.put(new byte[28]); // SHB: source position vector (24) + reserved (4)
        b.putShort((short) btpPort).putShort((short) 0);
        b.put(pdu);
        return b.array();
    }

    private String dissect(List<byte[]> frames) throws Exception {
        File file = tmp.newFile("v2x.pcap");
        Files.write(file.toPath(), Tshark.pcap(frames));
        return Tshark.run(file, "-V", "-O", "its");
    }

    static Cam fullCam() {
        var hf = new BasicVehicleContainerHighFrequency(new Heading(958, 10), new Speed(1180, 4),
                DriveDirection.BACKWARD, new VehicleLength(42, 3), 18, new Acceleration(-19, 5),
                new Curvature(62, 4), CurvatureCalculationMode.YAW_RATE_NOT_USED, new YawRate(617, 3),
                new AccelerationControl(1 << AccelerationControl.ACC_ENGAGED), 2, new SteeringWheelAngle(15, 1),
                new Acceleration(5, 102), new Acceleration(-3, 7), 1,
                new CenDsrcTollingZone(481234567, 115678901, 4242));
        var lf = new BasicVehicleContainerLowFrequency(VehicleRole.EMERGENCY,
                ExteriorLights.NONE.with(ExteriorLights.LOW_BEAM_HEADLIGHTS_ON).with(ExteriorLights.FOG_LIGHT_ON),
                List.of(new PathPoint(new DeltaReferencePosition(-1200, 3400, 12), 150),
                        new PathPoint(new DeltaReferencePosition(131072, 131072, 12800), null)));
        return new Cam(ItsPduHeader.cam(3141592653L), 4242, new BasicContainer(StationType.BUS,
                new ReferencePosition(481234567, 115678901, new PosConfidenceEllipse(290, 284, 877),
                        new Altitude(51950, 9))), hf, lf);
    }

    static Cam rsuCam() {
        return new Cam(ItsPduHeader.cam(77), 65535, new BasicContainer(StationType.ROAD_SIDE_UNIT,
                ReferencePosition.ofDegrees(-33.8567844, 151.2152967)), new RsuContainerHighFrequency(List.of(
                        new ProtectedCommunicationZone(0, 500000000000L, -338567844, 1512152967, 30, 7),
                        new ProtectedCommunicationZone(1, null, -338500000, 1512100000, null, null))), null);
    }

    static Denm fullDenm() {
        var m = new ManagementContainer(new ActionId(3141592653L, 65535), 4398046511103L, 600000000000L,
                Termination.IS_NEGATION, new ReferencePosition(-481234567, -115678901,
                        new PosConfidenceEllipse(100, 50, 3600), new Altitude(-100000, 14)),
                RelevanceDistance.LESS_THAN_1000M, RelevanceTrafficDirection.OPPOSITE_TRAFFIC, 86400, 10000,
                StationType.ROAD_SIDE_UNIT);
        var s = new SituationContainer(7, new CauseCode(CauseCode.ROADWORKS, 4), new CauseCode(CauseCode.ACCIDENT, 2),
                List.of(new EventPoint(new DeltaReferencePosition(10, -10, 1), 100, 5),
                        new EventPoint(new DeltaReferencePosition(20, -20, 2), null, 6)));
        var l = new LocationContainer(new Speed(1388, 100), new Heading(2700, 127),
                List.of(List.of(new PathPoint(new DeltaReferencePosition(1, 2, 3), 4)), List.of()),
                RoadType.NON_URBAN_WITH_STRUCTURAL_SEPARATION_TO_OPPOSITE_LANES);
        var a = new AlacarteContainer(3, new ImpactReductionContainer(50, 51, 60, 61, List.of(10, 20, 30), 25, 27, 30,
                12, 0b101, 16, 1), -12, new RoadWorksContainerExtended(3, new ClosedLanes(0, null, 2, 0b10),
                        List.of(StationType.HEAVY_TRUCK, StationType.TRAILER), 60,
                        new CauseCode(CauseCode.ROADWORKS, 1), List.of(ReferencePosition.ofDegrees(48.5, 11.25)),
                        new DeltaReferencePosition(100, 200, 300), 1, List.of(new ActionId(42, 7))),
                5, new StationaryVehicleContainer(2, new CauseCode(CauseCode.STATIONARY_VEHICLE, 2),
                        // no companyName: Wireshark 4.0 reads UTF8String (SIZE(1..24)) with a 5-bit
                        // length, but X.691 §30.6 makes that size constraint not PER-visible
                        new DangerousGoodsExtended(6, 1203, true, false, true, "3YE", "0049 89 1234567", null), 2, new VehicleIdentification("WVW", "ZZZ1KZ"), 1 << 1));
        return new Denm(ItsPduHeader.denm(3141592653L), m, s, l, a);
    }

    @Test
    public void wiresharkReadsOurCamsAndDenmsAsSent() throws Exception {
        Tshark.require("Wireshark cross-check");
        List<byte[]> frames = new ArrayList<>();
        frames.add(frame(2001, V2xCodecs.cam().encode(fullCam())));
        frames.add(frame(2001, V2xCodecs.cam().encode(rsuCam())));
        frames.add(frame(2002, V2xCodecs.denm().encode(fullDenm())));
        Cam base = rsuCam();
        frames.add(frame(2001, V2xCodecs.cam().encode(new Cam(base.header(), 1, base.basicContainer(),
                base.highFrequencyContainer(), null, new SpecialVehicleContainer.Emergency(3,
                        new CauseCode(CauseCode.EMERGENCY_VEHICLE_APPROACHING, 1), 1)))));
        frames.add(frame(2001, V2xCodecs.cam().encode(new Cam(base.header(), 2, base.basicContainer(),
                base.highFrequencyContainer(), null, new SpecialVehicleContainer.RoadWorks(6, 1,
                        new ClosedLanes(1, 2, 3, 0b100))))));
        frames.add(frame(2001, V2xCodecs.cam().encode(new Cam(base.header(), 3, base.basicContainer(),
                base.highFrequencyContainer(), null, new SpecialVehicleContainer.PublicTransport(true,
                        new PtActivation(2, new byte[] {(byte) 0xCA, (byte) 0xFE}))))));
        frames.add(frame(2001, V2xCodecs.cam().encode(new Cam(base.header(), 4, base.basicContainer(),
                base.highFrequencyContainer(), null, new SpecialVehicleContainer.SafetyCar(2, null, 3, 80)))));
        String text = dissect(frames);
        Tshark.assertClean(text);
        List<String> lines = text.lines().map(String::strip).toList();
        for (String expected : EXPECTED) {
            assertTrue("tshark shows \"" + expected + "\"\n" + text, lines.contains(expected));
        }
    }

    /** Lines of tshark -V (Wireshark 4.0) that the values above must produce. */
    private static final List<String> EXPECTED = List.of(
            // full CAM
            "stationID: 3141592653", "generationDeltaTime: 4242", "stationType: bus (6)",
            "latitude: 48°7'24.444\"N (481234567)", "longitude: 11°34'4.404\"E (115678901)",
            "semiMajorOrientation: 87.7° (877)", "altitudeValue: 519.50m (51950)",
            "headingValue: 95.8° (958)", "speedValue: 11.80m/s = 42.5km/h (1180)", "driveDirection: backward (1)",
            "vehicleLengthConfidenceIndication: trailerPresenceIsUnknown (3)", "vehicleWidth: 1.8m (18)",
            "longitudinalAccelerationValue: -1.9m/s² (-19)", "curvatureValue: 483.871m left (62)",
            "curvatureCalculationMode: yawRateNotUsed (1)", "yawRateConfidence: degSec-001-00 (3)",
            "accelerationControl: 08 [bit length 7, 1 LSB pad bits, 0000 100. decimal value 4]",
            "steeringWheelAngleValue: 22.5° left (15)", "verticalAccelerationValue: -0.3m/s² (-3)",
            "performanceClass: performanceClassA (1)", "cenDsrcTollingZoneID: 4242", "vehicleRole: emergency (6)",
            "exteriorLights: 82 [bit length 8, 1000 0010 decimal value 130]", "deltaLongitude: 0°0'1.224\"E (3400)",
            "pathDeltaTime: 1.50s (150)", "deltaAltitude: unavailable (12800)",
            // RSU CAM
            "generationDeltaTime: 65535", "stationType: roadSideUnit (15)",
            "highFrequencyContainer: rsuContainerHighFrequency (1)", "expiryTime: 2019-11-05 00:53:15.000 (500000000000)",
            "protectedZoneType: temporaryCenDsrcTolling (1)", "protectedZoneID: 7",
            "longitude: 151°12'55.068\"E (1512152967)",
            // DENM
            "messageID: denm (1)", "sequenceNumber: 65535", "detectionTime: 2143-05-15 07:35:06.103 (4398046511103)",
            "termination: isNegation (1)", "latitude: 48°7'24.444\"S (-481234567)", "altitudeValue: -1000.00m (-100000)",
            "relevanceDistance: lessThan1000m (4)", "relevanceTrafficDirection: oppositeTraffic (3)",
            "validityDuration: 24:00:00 (86400)", "transmissionInterval: tenSeconds (10000)",
            "informationQuality: highest (7)", "roadworksSubCauseCode: shortTermStationaryRoadworks (4)",
            "accidentSubCauseCode: heavyAccident (2)", "eventDeltaTime: 1.00s (100)",
            "speedValue: 13.88m/s = 50.0km/h (1388)", "headingValue: wgs84West (2700)", "PathHistory: 0 items",
            "roadType: nonUrban-WithStructuralSeparationToOppositeLanes (3)",
            // DENM a-la-carte
            "lanePosition: Unknown (3)", "heightLonCarrRight: Unknown (51)", "PosPillar: unavailable (30)",
            "positionOfOccupants: a00000 [bit length 20, 4 LSB pad bits, 1010 0000  0000 0000  0000 .... decimal value 655360]",
            "requestResponseIndication: response (1)", "externalTemperature: Unknown (-12)",
            "drivingLaneStatus: 40 [bit length 2, 6 LSB pad bits, 01.. .... decimal value 1]",
            "StationType: trailer (9)", "speedLimit: 60km/h (60)", "roadworksSubCauseCode: majorRoadworks (1)",
            "latitude: 48°30'0.000\"N (485000000)", "deltaAltitude: 3.00m (300)",
            "trafficFlowRule: noPassingForTrucks (1)", "originatingStationID: 42", "sequenceNumber: 7",
            "positioningSolution: dR (5)", "stationarySince: lessThan15Minutes (2)",
            "stationaryVehicleSubCauseCode: vehicleBreakdown (2)", "dangerousGoodsType: flammableGases (6)",
            "unNumber: 1203", ".... ..1. elevatedTemperature: True", "emergencyActionCode: 3YE",
            "phoneNumber: 0049 89 1234567", "wMInumber: WVW", "vDS: ZZZ1KZ", "numberOfOccupants: Unknown (2)",
            "energyStorageType: 40 [bit length 7, 1 LSB pad bits, 0100 000. decimal value 32]",
            // special vehicle containers
            "specialVehicleContainer: emergencyContainer (5)",
            "emergencyVehicleApproachingSubCauseCode: emergencyVehicleApproaching (1)",
            "specialVehicleContainer: roadWorksContainerBasic (3)", "roadworksSubCauseCode: winterService (6)",
            "innerhardShoulderStatus: closed (1)", "outerhardShoulderStatus: availableForDriving (2)",
            "specialVehicleContainer: publicTransportContainer (0)", ".1.. .... embarkationStatus: True",
            "emergencyPriority: 80 [bit length 2, 6 LSB pad bits, 10.. .... decimal value 2]",
            "drivingLaneStatus: 20 [bit length 3, 5 LSB pad bits, 001. .... decimal value 1]",
            "ptActivationData: cafe", "specialVehicleContainer: safetyCarContainer (6)",
            "trafficRule: passToLeft (3)", "speedLimit: 80km/h (80)");
}
