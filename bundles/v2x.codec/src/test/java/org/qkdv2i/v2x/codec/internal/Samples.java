package org.qkdv2i.v2x.codec.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.qkdv2i.v2x.api.message.*;

/** Random messages over the whole ASN.1 ranges (ends included), every optional component sometimes present. */
final class Samples {
    private final Random rnd;

    Samples(long seed) {
        rnd = new Random(seed);
    }

    int between(long lo, long hi) {
        return (int) between64(lo, hi);
    }

    long between64(long lo, long hi) {
        switch (rnd.nextInt(8)) {
            case 0:
                return lo;
            case 1:
                return hi;
            default:
                return lo + (long) (rnd.nextDouble() * (hi - lo + 1)) % (hi - lo + 1);
        }
    }

    boolean maybe() {
        return rnd.nextBoolean();
    }

    <E extends Enum<E>> E pick(E[] values) {
        return values[rnd.nextInt(values.length)];
    }

    ReferencePosition position() {
        return new ReferencePosition(between(-900000000, 900000001), between(-1800000000, 1800000001),
                new PosConfidenceEllipse(between(0, 4095), between(0, 4095), between(0, 3601)),
                new Altitude(between(-100000, 800001), between(0, 15)));
    }

    DeltaReferencePosition delta() {
        return new DeltaReferencePosition(between(-131071, 131072), between(-131071, 131072), between(-12700, 12800));
    }

    Integer pathDeltaTime() {
        if (!maybe()) {
            return null;
        }
        // now and then an extension value beyond the root 1..65535
        return rnd.nextInt(10) == 0 ? (maybe() ? 0 : 65536 + rnd.nextInt(1 << 20)) : between(1, 65535);
    }

    List<PathPoint> pathHistory(int min) {
        int n = between(min, rnd.nextInt(6) == 0 ? 40 : 4);
        List<PathPoint> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new PathPoint(delta(), pathDeltaTime()));
        }
        return points;
    }

    Heading heading() {
        return new Heading(between(0, 3601), between(1, 127));
    }

    Speed speed() {
        return new Speed(between(0, 16383), between(1, 127));
    }

    Acceleration acceleration() {
        return new Acceleration(between(-160, 161), between(0, 102));
    }

    Cam cam() {
        HighFrequencyContainer hf;
        if (rnd.nextInt(4) == 0) {
            List<ProtectedCommunicationZone> zones = new ArrayList<>();
            int n = maybe() ? 0 : between(1, 16);
            for (int i = 0; i < n; i++) {
                Integer radius = maybe() ? null : rnd.nextInt(8) == 0 ? 256 + rnd.nextInt(5000) : between(1, 255);
                zones.add(new ProtectedCommunicationZone(between(0, 1),
                        maybe() ? between64(0, ManagementContainer.TIMESTAMP_ITS_MAX) : null,
                        between(-900000000, 900000001), between(-1800000000, 1800000001), radius,
                        maybe() ? between(0, 134217727) : null));
            }
            hf = new RsuContainerHighFrequency(zones);
        } else {
            hf = new BasicVehicleContainerHighFrequency(heading(), speed(), pick(DriveDirection.values()),
                    new VehicleLength(between(1, 1023), between(0, 4)), between(1, 62), acceleration(),
                    new Curvature(between(-1023, 1023), between(0, 7)), pick(CurvatureCalculationMode.values()),
                    new YawRate(between(-32766, 32767), between(0, 8)),
                    maybe() ? new AccelerationControl(between(0, 127)) : null, maybe() ? between(-1, 14) : null,
                    maybe() ? new SteeringWheelAngle(between(-511, 512), between(1, 127)) : null,
                    maybe() ? acceleration() : null, maybe() ? acceleration() : null, maybe() ? between(0, 7) : null,
                    maybe() ? new CenDsrcTollingZone(between(-900000000, 900000001), between(-1800000000, 1800000001),
                            maybe() ? between(0, 134217727) : null) : null);
        }
        BasicVehicleContainerLowFrequency lf = maybe() ? null
                : new BasicVehicleContainerLowFrequency(pick(VehicleRole.values()), new ExteriorLights(between(0, 255)),
                        pathHistory(0));
        return new Cam(ItsPduHeader.cam(between64(0, 4294967295L)), between(0, 65535),
                new BasicContainer(between(0, 255), position()), hf, lf, maybe() ? null : special());
    }

    SpecialVehicleContainer special() {
        switch (rnd.nextInt(7)) {
            case 0:
                return new SpecialVehicleContainer.PublicTransport(maybe(),
                        maybe() ? null : new PtActivation(between(0, 255), bytes(between(1, 20))));
            case 1:
                return new SpecialVehicleContainer.SpecialTransport(between(0, 15), between(0, 3));
            case 2:
                return new SpecialVehicleContainer.DangerousGoods(between(0, 19));
            case 3: {
                ClosedLanes lanes = null;
                if (maybe()) {
                    int size = maybe() ? 0 : between(1, 13);
                    lanes = new ClosedLanes(maybe() ? between(0, 2) : null, maybe() ? between(0, 2) : null, size,
                            size == 0 ? 0 : rnd.nextInt(1 << size));
                }
                return new SpecialVehicleContainer.RoadWorks(maybe() ? between(0, 255) : null, between(0, 3), lanes);
            }
            case 4:
                return new SpecialVehicleContainer.Rescue(between(0, 3));
            case 5:
                return new SpecialVehicleContainer.Emergency(between(0, 3), maybe() ? cause() : null,
                        maybe() ? between(0, 3) : null);
            default:
                return new SpecialVehicleContainer.SafetyCar(between(0, 3), maybe() ? cause() : null,
                        maybe() ? between(0, 3) : null, maybe() ? between(1, 255) : null);
        }
    }

    CauseCode cause() {
        return new CauseCode(between(0, 255), between(0, 255));
    }

    Denm denm() {
        ManagementContainer m = new ManagementContainer(new ActionId(between64(0, 4294967295L), between(0, 65535)),
                between64(0, ManagementContainer.TIMESTAMP_ITS_MAX), between64(0, ManagementContainer.TIMESTAMP_ITS_MAX),
                maybe() ? pick(Termination.values()) : null, position(), maybe() ? pick(RelevanceDistance.values()) : null,
                maybe() ? pick(RelevanceTrafficDirection.values()) : null, maybe() ? between(0, 86400) : null,
                maybe() ? between(1, 10000) : null, between(0, 255));
        SituationContainer s = null;
        if (maybe()) {
            List<EventPoint> history = new ArrayList<>();
            int n = maybe() ? 0 : between(1, 23);
            for (int i = 0; i < n; i++) {
                history.add(new EventPoint(delta(), pathDeltaTime(), between(0, 7)));
            }
            s = new SituationContainer(between(0, 7), cause(), maybe() ? cause() : null, history);
        }
        LocationContainer l = null;
        if (maybe()) {
            List<List<PathPoint>> traces = new ArrayList<>();
            int n = between(1, 7);
            for (int i = 0; i < n; i++) {
                traces.add(pathHistory(0));
            }
            l = new LocationContainer(maybe() ? speed() : null, maybe() ? heading() : null, traces,
                    maybe() ? pick(RoadType.values()) : null);
        }
        return new Denm(ItsPduHeader.denm(between64(0, 4294967295L)), m, s, l, maybe() ? null : alacarte());
    }

    /** n items, now and then beyond the root of an extensible SIZE(lb..ub, ...). */
    int extensibleCount(int lb, int ub) {
        return rnd.nextInt(8) == 0 ? ub + 1 + rnd.nextInt(20) : between(lb, ub);
    }

    String ia5(int lb, int ub) {
        int n = between(lb, ub);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) rnd.nextInt(128));
        }
        return sb.toString();
    }

    AlacarteContainer alacarte() {
        ImpactReductionContainer impact = null;
        if (maybe()) {
            List<Integer> pillars = new ArrayList<>();
            int n = extensibleCount(1, 3);
            for (int i = 0; i < n; i++) {
                pillars.add(between(1, 30));
            }
            impact = new ImpactReductionContainer(between(1, 100), between(1, 100), between(1, 127), between(1, 127),
                    pillars, between(1, 63), between(1, 127), between(1, 255), between(1, 20), between(0, (1 << 20) - 1),
                    between(1, 1024), between(0, 1));
        }
        RoadWorksContainerExtended roadWorks = null;
        if (maybe()) {
            List<Integer> restriction = new ArrayList<>();
            List<ReferencePosition> path = new ArrayList<>();
            List<ActionId> refs = new ArrayList<>();
            if (maybe()) {
                int n = extensibleCount(1, 3);
                for (int i = 0; i < n; i++) {
                    restriction.add(between(0, 255));
                }
            }
            if (maybe()) {
                int n = between(1, 40);
                for (int i = 0; i < n; i++) {
                    path.add(position());
                }
            }
            if (maybe()) {
                int n = extensibleCount(1, 8);
                for (int i = 0; i < n; i++) {
                    refs.add(new ActionId(between64(0, 4294967295L), between(0, 65535)));
                }
            }
            roadWorks = new RoadWorksContainerExtended(maybe() ? between(0, 3) : null,
                    maybe() ? new ClosedLanes(null, between(0, 2), 13, between(0, 8191)) : null, restriction,
                    maybe() ? between(1, 255) : null, maybe() ? cause() : null, path, maybe() ? delta() : null,
                    maybe() ? between(0, 3) : null, refs);
        }
        StationaryVehicleContainer stationary = null;
        if (maybe()) {
            DangerousGoodsExtended goods = maybe() ? null : new DangerousGoodsExtended(between(0, 19), between(0, 9999),
                    maybe(), maybe(), maybe(), maybe() ? ia5(1, 24) : null,
                    maybe() ? "0049 89 " + between(0, 99999999) : null, maybe() ? "Spedition Müller ÄÖÜ €" : null);
            stationary = new StationaryVehicleContainer(maybe() ? between(0, 3) : null, maybe() ? cause() : null, goods,
                    maybe() ? between(0, 127) : null,
                    maybe() ? new VehicleIdentification(maybe() ? ia5(1, 3) : null, maybe() ? ia5(6, 6) : null) : null,
                    maybe() ? between(0, 127) : null);
        }
        return new AlacarteContainer(maybe() ? between(-1, 14) : null, impact, maybe() ? between(-60, 67) : null,
                roadWorks, maybe() ? between(0, 5) : null, stationary);
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    List<OpenTypeValue> openTypes(int max, int maxId) {
        List<OpenTypeValue> list = new ArrayList<>();
        int n = maybe() ? 0 : between(1, max);
        for (int i = 0; i < n; i++) {
            list.add(new OpenTypeValue(between(0, maxId), bytes(between(1, rnd.nextInt(10) == 0 ? 300 : 20))));
        }
        return list;
    }

    Bsm bsm() {
        BsmCoreData core = new BsmCoreData(between(0, 127), bytes(4), between(0, 65535), between(-900000000, 900000001),
                between(-1799999999, 1800000001), between(-4096, 61439),
                new PositionalAccuracy(between(0, 255), between(0, 255), between(0, 65535)),
                pick(TransmissionState.values()), between(0, 8191), between(0, 28800), between(-126, 127),
                new AccelerationSet4Way(between(-2000, 2001), between(-2000, 2001), between(-127, 127),
                        between(-32767, 32767)),
                new BrakeSystemStatus(between(0, 31), pick(ControlStatus.values()), pick(ControlStatus.values()),
                        pick(ControlStatus.values()), pick(BrakeBoostApplied.values()),
                        pick(AuxiliaryBrakeStatus.values())),
                new VehicleSize(between(0, 1023), between(0, 4095)));
        return new Bsm(core, openTypes(8, 63), openTypes(4, 255));
    }
}
