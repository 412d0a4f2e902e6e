package org.qkdv2i.v2x.codec.internal;

import static org.qkdv2i.v2x.codec.internal.ItsContainerUper.*;

import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.v2x.api.message.AccelerationControl;
import org.qkdv2i.v2x.api.message.BasicContainer;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerHighFrequency;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerLowFrequency;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.CenDsrcTollingZone;
import org.qkdv2i.v2x.api.message.CurvatureCalculationMode;
import org.qkdv2i.v2x.api.message.DriveDirection;
import org.qkdv2i.v2x.api.message.ExteriorLights;
import org.qkdv2i.v2x.api.message.HighFrequencyContainer;
import org.qkdv2i.v2x.api.message.ItsPduHeader;
import org.qkdv2i.v2x.api.message.ProtectedCommunicationZone;
import org.qkdv2i.v2x.api.message.RsuContainerHighFrequency;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer;
import org.qkdv2i.v2x.api.message.VehicleRole;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/** UPER of {@code CAM} as EN 302 637-2 v1.4.1 Annex B (CAM-PDU-Descriptions version 2) defines it. */
final class CamUper {
    private static final DriveDirection[] DRIVE_DIRECTIONS = DriveDirection.values();
    private static final CurvatureCalculationMode[] CURVATURE_MODES = CurvatureCalculationMode.values();
    private static final VehicleRole[] VEHICLE_ROLES = VehicleRole.values();

    private static final String HDR = "cam.header";
    private static final String PARAMS = "cam.cam.camParameters";
    private static final String BASIC = PARAMS + ".basicContainer";
    private static final String HF = PARAMS + ".highFrequencyContainer";
    private static final String BVHF = HF + ".basicVehicleContainerHighFrequency";
    private static final String RSUHF = HF + ".rsuContainerHighFrequency";
    private static final String LF = PARAMS + ".lowFrequencyContainer";
    private static final String BVLF = LF + ".basicVehicleContainerLowFrequency";

    private CamUper() {
    }

    static void encode(BitWriter w, Cam cam) {
        encodeHeader(w, cam.header());
        // CoopAwareness ::= SEQUENCE {generationDeltaTime GenerationDeltaTime (0..65535), camParameters}
        w.constrained(cam.generationDeltaTime(), 0, 65535, "generationDeltaTime");
        // CamParameters ::= SEQUENCE {basic, highFrequency, lowFrequency OPTIONAL, specialVehicle OPTIONAL, ...}
        w.bit(false);
        w.bit(cam.lowFrequencyContainer() != null);
        w.bit(cam.specialVehicleContainer() != null);
        // BasicContainer ::= SEQUENCE {stationType, referencePosition, ...}
        w.bit(false);
        w.constrained(cam.basicContainer().stationType(), 0, 255, "stationType");
        encodeReferencePosition(w, cam.basicContainer().referencePosition());
        encodeHighFrequency(w, cam.highFrequencyContainer());
        if (cam.lowFrequencyContainer() != null) {
            // LowFrequencyContainer ::= CHOICE {basicVehicleContainerLowFrequency, ...}: extension bit, 0-bit index
            w.bit(false);
            BasicVehicleContainerLowFrequency lf = cam.lowFrequencyContainer();
            encodeEnum(w, lf.vehicleRole(), VEHICLE_ROLES.length, "vehicleRole");
            w.bits(namedBitsToWire(lf.exteriorLights().bits(), 8), 8);
            encodePathHistory(w, lf.pathHistory());
        }
        if (cam.specialVehicleContainer() != null) {
            SpecialVehicleUper.encode(w, cam.specialVehicleContainer());
        }
    }

    private static void encodeHighFrequency(BitWriter w, HighFrequencyContainer hf) {
        // HighFrequencyContainer ::= CHOICE {basicVehicleContainerHighFrequency, rsuContainerHighFrequency, ...}
        w.bit(false);
        if (hf instanceof BasicVehicleContainerHighFrequency b) {
            w.bits(0, 1);
            encodeBasicVehicleHf(w, b);
        } else if (hf instanceof RsuContainerHighFrequency rsu) {
            w.bits(1, 1);
            encodeRsuHf(w, rsu);
        } else {
            throw new IllegalArgumentException("unknown high frequency container " + hf);
        }
    }

    private static void encodeBasicVehicleHf(BitWriter w, BasicVehicleContainerHighFrequency b) {
        // not extensible; seven OPTIONAL components
        w.bit(b.accelerationControl() != null);
        w.bit(b.lanePosition() != null);
        w.bit(b.steeringWheelAngle() != null);
        w.bit(b.lateralAcceleration() != null);
        w.bit(b.verticalAcceleration() != null);
        w.bit(b.performanceClass() != null);
        w.bit(b.cenDsrcTollingZone() != null);
        encodeHeading(w, b.heading());
        encodeSpeed(w, b.speed());
        encodeEnum(w, b.driveDirection(), DRIVE_DIRECTIONS.length, "driveDirection");
        encodeVehicleLength(w, b.vehicleLength());
        w.constrained(b.vehicleWidth(), 1, 62, "vehicleWidth");
        encodeAcceleration(w, b.longitudinalAcceleration());
        encodeCurvature(w, b.curvature());
        encodeExtensibleEnum(w, b.curvatureCalculationMode(), CURVATURE_MODES.length, "curvatureCalculationMode");
        encodeYawRate(w, b.yawRate());
        if (b.accelerationControl() != null) {
            w.bits(namedBitsToWire(b.accelerationControl().bits(), 7), 7);
        }
        if (b.lanePosition() != null) {
            w.constrained(b.lanePosition(), -1, 14, "lanePosition");
        }
        if (b.steeringWheelAngle() != null) {
            encodeSteeringWheelAngle(w, b.steeringWheelAngle());
        }
        if (b.lateralAcceleration() != null) {
            encodeAcceleration(w, b.lateralAcceleration());
        }
        if (b.verticalAcceleration() != null) {
            encodeAcceleration(w, b.verticalAcceleration());
        }
        if (b.performanceClass() != null) {
            w.constrained(b.performanceClass(), 0, 7, "performanceClass");
        }
        if (b.cenDsrcTollingZone() != null) {
            // CenDsrcTollingZone ::= SEQUENCE {protectedZoneLatitude, protectedZoneLongitude, cenDsrcTollingZoneID OPTIONAL, ...}
            CenDsrcTollingZone z = b.cenDsrcTollingZone();
            w.bit(false);
            w.bit(z.cenDsrcTollingZoneId() != null);
            w.constrained(z.protectedZoneLatitude(), -900000000, 900000001, "protectedZoneLatitude");
            w.constrained(z.protectedZoneLongitude(), -1800000000, 1800000001, "protectedZoneLongitude");
            if (z.cenDsrcTollingZoneId() != null) {
                w.constrained(z.cenDsrcTollingZoneId(), 0, 134217727, "cenDsrcTollingZoneID");
            }
        }
    }

    private static void encodeRsuHf(BitWriter w, RsuContainerHighFrequency rsu) {
        // RSUContainerHighFrequency ::= SEQUENCE {protectedCommunicationZonesRSU OPTIONAL, ...}
        List<ProtectedCommunicationZone> zones = rsu.protectedCommunicationZones();
        w.bit(false);
        w.bit(!zones.isEmpty());
        if (zones.isEmpty()) {
            return;
        }
        // ProtectedCommunicationZonesRSU ::= SEQUENCE (SIZE(1..16)) OF ProtectedCommunicationZone
        w.constrained(zones.size(), 1, 16, "protectedCommunicationZonesRSU size");
        for (ProtectedCommunicationZone z : zones) {
            w.bit(false);
            w.bit(z.expiryTime() != null);
            w.bit(z.protectedZoneRadius() != null);
            w.bit(z.protectedZoneId() != null);
            // ProtectedZoneType ::= ENUMERATED {permanentCenDsrcTolling (0), ..., temporaryCenDsrcTolling (1)}
            if (z.protectedZoneType() == 0) {
                w.bit(false); // root has one value: no index bits
            } else {
                w.bit(true);
                w.normallySmall(0);
            }
            if (z.expiryTime() != null) {
                w.constrained(z.expiryTime(), 0, TIMESTAMP_ITS_MAX, "expiryTime");
            }
            w.constrained(z.protectedZoneLatitude(), -900000000, 900000001, "protectedZoneLatitude");
            w.constrained(z.protectedZoneLongitude(), -1800000000, 1800000001, "protectedZoneLongitude");
            if (z.protectedZoneRadius() != null) {
                // ProtectedZoneRadius ::= INTEGER (1..255, ...)
                int radius = z.protectedZoneRadius();
                if (radius >= 1 && radius <= 255) {
                    w.bit(false);
                    w.constrained(radius, 1, 255, "protectedZoneRadius");
                } else {
                    w.bit(true);
                    w.unconstrained(radius);
                }
            }
            if (z.protectedZoneId() != null) {
                w.constrained(z.protectedZoneId(), 0, 134217727, "protectedZoneID");
            }
        }
    }

    static Cam decode(BitReader r) {
        ItsPduHeader header = decodeHeader(r, HDR);
        if (header.messageId() != ItsPduHeader.MESSAGE_ID_CAM || header.protocolVersion() != 2) {
            throw r.fail(Kind.UNEXPECTED_MESSAGE, HDR, null, 0, "protocolVersion " + header.protocolVersion()
                    + ", messageID " + header.messageId() + ": not a CAM of protocol version 2");
        }
        int generationDeltaTime = r.constrainedInt(0, 65535, "cam.cam", "generationDeltaTime");
        boolean paramsExt = r.bit(PARAMS, "extension bit");
        boolean hasLf = r.bit(PARAMS, "lowFrequencyContainer present");
        boolean hasSpecial = r.bit(PARAMS, "specialVehicleContainer present");
        boolean basicExt = r.bit(BASIC, "extension bit");
        int stationType = r.constrainedInt(0, 255, BASIC, "stationType");
        BasicContainer basic = new BasicContainer(stationType, decodeReferencePosition(r, BASIC + ".referencePosition"));
        if (basicExt) {
            r.skipExtensionAdditions(BASIC);
        }
        HighFrequencyContainer hf = decodeHighFrequency(r);
        BasicVehicleContainerLowFrequency lf = null;
        if (hasLf) {
            long at = r.position();
            if (r.bit(LF, "extension bit")) {
                throw r.fail(Kind.UNSUPPORTED, LF, null, at, "unknown extension alternative");
            }
            VehicleRole role = decodeEnum(r, VEHICLE_ROLES, BVLF, "vehicleRole");
            ExteriorLights lights = new ExteriorLights(wireToNamedBits(r.bits(8, BVLF, "exteriorLights"), 8));
            lf = new BasicVehicleContainerLowFrequency(role, lights, decodePathHistory(r, BVLF + ".pathHistory"));
        }
        SpecialVehicleContainer special = hasSpecial ? SpecialVehicleUper.decode(r) : null;
        if (paramsExt) {
            r.skipExtensionAdditions(PARAMS);
        }
        return new Cam(header, generationDeltaTime, basic, hf, lf, special);
    }

    private static HighFrequencyContainer decodeHighFrequency(BitReader r) {
        long at = r.position();
        if (r.bit(HF, "extension bit")) {
            throw r.fail(Kind.UNSUPPORTED, HF, null, at, "unknown extension alternative");
        }
        if (r.bits(1, HF, "choice index") == 0) {
            return decodeBasicVehicleHf(r);
        }
        return decodeRsuHf(r);
    }

    private static BasicVehicleContainerHighFrequency decodeBasicVehicleHf(BitReader r) {
        boolean hasAccelerationControl = r.bit(BVHF, "accelerationControl present");
        boolean hasLanePosition = r.bit(BVHF, "lanePosition present");
        boolean hasSteering = r.bit(BVHF, "steeringWheelAngle present");
        boolean hasLateral = r.bit(BVHF, "lateralAcceleration present");
        boolean hasVertical = r.bit(BVHF, "verticalAcceleration present");
        boolean hasPerformance = r.bit(BVHF, "performanceClass present");
        boolean hasTolling = r.bit(BVHF, "cenDsrcTollingZone present");
        var heading = decodeHeading(r, BVHF + ".heading");
        var speed = decodeSpeed(r, BVHF + ".speed");
        var direction = decodeEnum(r, DRIVE_DIRECTIONS, BVHF, "driveDirection");
        var length = decodeVehicleLength(r, BVHF + ".vehicleLength");
        int width = r.constrainedInt(1, 62, BVHF, "vehicleWidth");
        var longitudinal = decodeAcceleration(r, BVHF + ".longitudinalAcceleration");
        var curvature = decodeCurvature(r, BVHF + ".curvature");
        var mode = decodeExtensibleEnum(r, CURVATURE_MODES, BVHF, "curvatureCalculationMode");
        var yawRate = decodeYawRate(r, BVHF + ".yawRate");
        AccelerationControl accelerationControl = hasAccelerationControl
                ? new AccelerationControl(wireToNamedBits(r.bits(7, BVHF, "accelerationControl"), 7))
                : null;
        Integer lanePosition = hasLanePosition ? r.constrainedInt(-1, 14, BVHF, "lanePosition") : null;
        var steering = hasSteering ? decodeSteeringWheelAngle(r, BVHF + ".steeringWheelAngle") : null;
        var lateral = hasLateral ? decodeAcceleration(r, BVHF + ".lateralAcceleration") : null;
        var vertical = hasVertical ? decodeAcceleration(r, BVHF + ".verticalAcceleration") : null;
        Integer performance = hasPerformance ? r.constrainedInt(0, 7, BVHF, "performanceClass") : null;
        CenDsrcTollingZone tolling = null;
        if (hasTolling) {
            String ctx = BVHF + ".cenDsrcTollingZone";
            boolean ext = r.bit(ctx, "extension bit");
            boolean hasId = r.bit(ctx, "cenDsrcTollingZoneID present");
            int lat = r.constrainedInt(-900000000, 900000001, ctx, "protectedZoneLatitude");
            int lon = r.constrainedInt(-1800000000, 1800000001, ctx, "protectedZoneLongitude");
            Integer id = hasId ? r.constrainedInt(0, 134217727, ctx, "cenDsrcTollingZoneID") : null;
            if (ext) {
                r.skipExtensionAdditions(ctx);
            }
            tolling = new CenDsrcTollingZone(lat, lon, id);
        }
        return new BasicVehicleContainerHighFrequency(heading, speed, direction, length, width, longitudinal,
                curvature, mode, yawRate, accelerationControl, lanePosition, steering, lateral, vertical, performance,
                tolling);
    }

    private static RsuContainerHighFrequency decodeRsuHf(BitReader r) {
        boolean ext = r.bit(RSUHF, "extension bit");
        boolean hasZones = r.bit(RSUHF, "protectedCommunicationZonesRSU present");
        List<ProtectedCommunicationZone> zones = new ArrayList<>();
        if (hasZones) {
            String ctx = RSUHF + ".protectedCommunicationZonesRSU";
            int n = r.constrainedInt(1, 16, ctx, "size");
            for (int i = 0; i < n; i++) {
                boolean zoneExt = r.bit(ctx, "extension bit");
                boolean hasExpiry = r.bit(ctx, "expiryTime present");
                boolean hasRadius = r.bit(ctx, "protectedZoneRadius present");
                boolean hasId = r.bit(ctx, "protectedZoneID present");
                int type;
                long typeAt = r.position();
                if (!r.bit(ctx, "protectedZoneType")) {
                    type = 0;
                } else {
                    long index = r.normallySmall(ctx, "protectedZoneType");
                    if (index != 0) {
                        throw r.fail(Kind.UNSUPPORTED, ctx, "protectedZoneType", typeAt,
                                "extension value #" + index + " is not defined");
                    }
                    type = 1;
                }
                Long expiry = hasExpiry ? r.constrained(0, TIMESTAMP_ITS_MAX, ctx, "expiryTime") : null;
                int lat = r.constrainedInt(-900000000, 900000001, ctx, "protectedZoneLatitude");
                int lon = r.constrainedInt(-1800000000, 1800000001, ctx, "protectedZoneLongitude");
                Integer radius = null;
                if (hasRadius) {
                    if (!r.bit(ctx, "protectedZoneRadius")) {
                        radius = r.constrainedInt(1, 255, ctx, "protectedZoneRadius");
                    } else {
                        long at = r.position();
                        long v = r.unconstrained(ctx, "protectedZoneRadius");
                        if (v < 0 || v > Integer.MAX_VALUE) {
                            throw r.fail(Kind.UNSUPPORTED, ctx, "protectedZoneRadius", at, "extension value " + v);
                        }
                        radius = (int) v;
                    }
                }
                Integer id = hasId ? r.constrainedInt(0, 134217727, ctx, "protectedZoneID") : null;
                if (zoneExt) {
                    r.skipExtensionAdditions(ctx);
                }
                zones.add(new ProtectedCommunicationZone(type, expiry, lat, lon, radius, id));
            }
        }
        if (ext) {
            r.skipExtensionAdditions(RSUHF);
        }
        return new RsuContainerHighFrequency(zones);
    }

    /** Named bit n is wire bit n from the left (X.691 §16: bit 0 first). */
    static long namedBitsToWire(int namedBits, int size) {
        long wire = 0;
        for (int n = 0; n < size; n++) {
            if ((namedBits >> n & 1) != 0) {
                wire |= 1L << (size - 1 - n);
            }
        }
        return wire;
    }

    static int wireToNamedBits(long wire, int size) {
        int named = 0;
        for (int n = 0; n < size; n++) {
            if ((wire >> (size - 1 - n) & 1) != 0) {
                named |= 1 << n;
            }
        }
        return named;
    }
}
