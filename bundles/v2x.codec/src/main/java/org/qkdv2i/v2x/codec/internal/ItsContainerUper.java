package org.qkdv2i.v2x.codec.internal;

import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.v2x.api.message.Acceleration;
import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.Altitude;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.Curvature;
import org.qkdv2i.v2x.api.message.DeltaReferencePosition;
import org.qkdv2i.v2x.api.message.Heading;
import org.qkdv2i.v2x.api.message.ItsPduHeader;
import org.qkdv2i.v2x.api.message.PathPoint;
import org.qkdv2i.v2x.api.message.PosConfidenceEllipse;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.Speed;
import org.qkdv2i.v2x.api.message.SteeringWheelAngle;
import org.qkdv2i.v2x.api.message.VehicleLength;
import org.qkdv2i.v2x.api.message.YawRate;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/**
 * UPER of the ITS-Container data elements and frames (ETSI TS 102 894-2 v1.3.1, module
 * version 2) that CAM v1.4.1 and DENM v1.3.1 import. Ranges are the module's; each comment
 * gives the ASN.1 type.
 */
final class ItsContainerUper {
    static final long STATION_ID_MAX = 4294967295L;
    static final long TIMESTAMP_ITS_MAX = 4398046511103L;

    private ItsContainerUper() {
    }

    // ItsPduHeader ::= SEQUENCE {protocolVersion INTEGER (0..255), messageID INTEGER (0..255), stationID StationID}
    static void encodeHeader(BitWriter w, ItsPduHeader h) {
        w.constrained(h.protocolVersion(), 0, 255, "protocolVersion");
        w.constrained(h.messageId(), 0, 255, "messageID");
        w.constrained(h.stationId(), 0, STATION_ID_MAX, "stationID");
    }

    static ItsPduHeader decodeHeader(BitReader r, String ctx) {
        int version = r.constrainedInt(0, 255, ctx, "protocolVersion");
        int messageId = r.constrainedInt(0, 255, ctx, "messageID");
        long stationId = r.constrained(0, STATION_ID_MAX, ctx, "stationID");
        return new ItsPduHeader(version, messageId, stationId);
    }

    // ReferencePosition ::= SEQUENCE {latitude, longitude, positionConfidenceEllipse, altitude}
    static void encodeReferencePosition(BitWriter w, ReferencePosition p) {
        w.constrained(p.latitude(), -900000000, 900000001, "latitude");
        w.constrained(p.longitude(), -1800000000, 1800000001, "longitude");
        PosConfidenceEllipse e = p.positionConfidenceEllipse();
        w.constrained(e.semiMajorConfidence(), 0, 4095, "semiMajorConfidence");
        w.constrained(e.semiMinorConfidence(), 0, 4095, "semiMinorConfidence");
        w.constrained(e.semiMajorOrientation(), 0, 3601, "semiMajorOrientation");
        Altitude a = p.altitude();
        w.constrained(a.value(), -100000, 800001, "altitudeValue");
        w.constrained(a.confidence(), 0, 15, "altitudeConfidence");
    }

    static ReferencePosition decodeReferencePosition(BitReader r, String ctx) {
        int lat = r.constrainedInt(-900000000, 900000001, ctx, "latitude");
        int lon = r.constrainedInt(-1800000000, 1800000001, ctx, "longitude");
        int major = r.constrainedInt(0, 4095, ctx, "positionConfidenceEllipse.semiMajorConfidence");
        int minor = r.constrainedInt(0, 4095, ctx, "positionConfidenceEllipse.semiMinorConfidence");
        int orientation = r.constrainedInt(0, 3601, ctx, "positionConfidenceEllipse.semiMajorOrientation");
        int altitude = r.constrainedInt(-100000, 800001, ctx, "altitude.altitudeValue");
        int altitudeConfidence = r.constrainedInt(0, 15, ctx, "altitude.altitudeConfidence");
        return new ReferencePosition(lat, lon, new PosConfidenceEllipse(major, minor, orientation),
                new Altitude(altitude, altitudeConfidence));
    }

    // DeltaReferencePosition ::= SEQUENCE {deltaLatitude, deltaLongitude, deltaAltitude}
    static void encodeDeltaReferencePosition(BitWriter w, DeltaReferencePosition d) {
        w.constrained(d.deltaLatitude(), -131071, 131072, "deltaLatitude");
        w.constrained(d.deltaLongitude(), -131071, 131072, "deltaLongitude");
        w.constrained(d.deltaAltitude(), -12700, 12800, "deltaAltitude");
    }

    static DeltaReferencePosition decodeDeltaReferencePosition(BitReader r, String ctx) {
        int dLat = r.constrainedInt(-131071, 131072, ctx, "deltaLatitude");
        int dLon = r.constrainedInt(-131071, 131072, ctx, "deltaLongitude");
        int dAlt = r.constrainedInt(-12700, 12800, ctx, "deltaAltitude");
        return new DeltaReferencePosition(dLat, dLon, dAlt);
    }

    // PathDeltaTime ::= INTEGER (1..65535, ...): extension bit, then root value or unconstrained (X.691 §12.1)
    static void encodePathDeltaTime(BitWriter w, int v) {
        if (v >= 1 && v <= 65535) {
            w.bit(false);
            w.constrained(v, 1, 65535, "pathDeltaTime");
        } else {
            w.bit(true);
            w.unconstrained(v);
        }
    }

    static int decodePathDeltaTime(BitReader r, String ctx, String leaf) {
        if (!r.bit(ctx, leaf)) {
            return r.constrainedInt(1, 65535, ctx, leaf);
        }
        long at = r.position();
        long v = r.unconstrained(ctx, leaf);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw r.fail(Kind.UNSUPPORTED, ctx, leaf, at, "extension value " + v + " beyond 32 bits");
        }
        return (int) v;
    }

    // PathPoint ::= SEQUENCE {pathPosition DeltaReferencePosition, pathDeltaTime PathDeltaTime OPTIONAL}
    static void encodePathPoint(BitWriter w, PathPoint p) {
        w.bit(p.pathDeltaTime() != null);
        encodeDeltaReferencePosition(w, p.pathPosition());
        if (p.pathDeltaTime() != null) {
            encodePathDeltaTime(w, p.pathDeltaTime());
        }
    }

    static PathPoint decodePathPoint(BitReader r, String ctx) {
        boolean hasTime = r.bit(ctx, "pathDeltaTime present");
        DeltaReferencePosition pos = decodeDeltaReferencePosition(r, ctx);
        Integer time = hasTime ? decodePathDeltaTime(r, ctx, "pathDeltaTime") : null;
        return new PathPoint(pos, time);
    }

    // PathHistory ::= SEQUENCE (SIZE(0..40)) OF PathPoint
    static void encodePathHistory(BitWriter w, List<PathPoint> points) {
        w.constrained(points.size(), 0, 40, "pathHistory size");
        for (PathPoint p : points) {
            encodePathPoint(w, p);
        }
    }

    static List<PathPoint> decodePathHistory(BitReader r, String ctx) {
        int n = r.constrainedInt(0, 40, ctx, "size");
        List<PathPoint> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            points.add(decodePathPoint(r, ctx));
        }
        return points;
    }

    // Heading ::= SEQUENCE {headingValue (0..3601), headingConfidence (1..127)}
    static void encodeHeading(BitWriter w, Heading h) {
        w.constrained(h.value(), 0, 3601, "headingValue");
        w.constrained(h.confidence(), 1, 127, "headingConfidence");
    }

    static Heading decodeHeading(BitReader r, String ctx) {
        int v = r.constrainedInt(0, 3601, ctx, "headingValue");
        return new Heading(v, r.constrainedInt(1, 127, ctx, "headingConfidence"));
    }

    // Speed ::= SEQUENCE {speedValue (0..16383), speedConfidence (1..127)}
    static void encodeSpeed(BitWriter w, Speed s) {
        w.constrained(s.value(), 0, 16383, "speedValue");
        w.constrained(s.confidence(), 1, 127, "speedConfidence");
    }

    static Speed decodeSpeed(BitReader r, String ctx) {
        int v = r.constrainedInt(0, 16383, ctx, "speedValue");
        return new Speed(v, r.constrainedInt(1, 127, ctx, "speedConfidence"));
    }

    // Longitudinal-/Lateral-/VerticalAcceleration ::= SEQUENCE {value (-160..161), AccelerationConfidence (0..102)}
    static void encodeAcceleration(BitWriter w, Acceleration a) {
        w.constrained(a.value(), -160, 161, "accelerationValue");
        w.constrained(a.confidence(), 0, 102, "accelerationConfidence");
    }

    static Acceleration decodeAcceleration(BitReader r, String ctx) {
        int v = r.constrainedInt(-160, 161, ctx, "value");
        return new Acceleration(v, r.constrainedInt(0, 102, ctx, "confidence"));
    }

    // VehicleLength ::= SEQUENCE {vehicleLengthValue (1..1023), vehicleLengthConfidenceIndication ENUMERATED (5)}
    static void encodeVehicleLength(BitWriter w, VehicleLength l) {
        w.constrained(l.value(), 1, 1023, "vehicleLengthValue");
        w.constrained(l.confidenceIndication(), 0, 4, "vehicleLengthConfidenceIndication");
    }

    static VehicleLength decodeVehicleLength(BitReader r, String ctx) {
        int v = r.constrainedInt(1, 1023, ctx, "vehicleLengthValue");
        return new VehicleLength(v, r.constrainedInt(0, 4, ctx, "vehicleLengthConfidenceIndication"));
    }

    // Curvature ::= SEQUENCE {curvatureValue (-1023..1023), curvatureConfidence ENUMERATED (8)}
    static void encodeCurvature(BitWriter w, Curvature c) {
        w.constrained(c.value(), -1023, 1023, "curvatureValue");
        w.constrained(c.confidence(), 0, 7, "curvatureConfidence");
    }

    static Curvature decodeCurvature(BitReader r, String ctx) {
        int v = r.constrainedInt(-1023, 1023, ctx, "curvatureValue");
        return new Curvature(v, r.constrainedInt(0, 7, ctx, "curvatureConfidence"));
    }

    // YawRate ::= SEQUENCE {yawRateValue (-32766..32767), yawRateConfidence ENUMERATED (9)}
    static void encodeYawRate(BitWriter w, YawRate y) {
        w.constrained(y.value(), -32766, 32767, "yawRateValue");
        w.constrained(y.confidence(), 0, 8, "yawRateConfidence");
    }

    static YawRate decodeYawRate(BitReader r, String ctx) {
        int v = r.constrainedInt(-32766, 32767, ctx, "yawRateValue");
        return new YawRate(v, r.constrainedInt(0, 8, ctx, "yawRateConfidence"));
    }

    // SteeringWheelAngle ::= SEQUENCE {steeringWheelAngleValue (-511..512), steeringWheelAngleConfidence (1..127)}
    static void encodeSteeringWheelAngle(BitWriter w, SteeringWheelAngle s) {
        w.constrained(s.value(), -511, 512, "steeringWheelAngleValue");
        w.constrained(s.confidence(), 1, 127, "steeringWheelAngleConfidence");
    }

    static SteeringWheelAngle decodeSteeringWheelAngle(BitReader r, String ctx) {
        int v = r.constrainedInt(-511, 512, ctx, "steeringWheelAngleValue");
        return new SteeringWheelAngle(v, r.constrainedInt(1, 127, ctx, "steeringWheelAngleConfidence"));
    }

    // CauseCode ::= SEQUENCE {causeCode CauseCodeType (0..255), subCauseCode SubCauseCodeType (0..255), ...}
    static void encodeCauseCode(BitWriter w, CauseCode c) {
        w.bit(false);
        w.constrained(c.causeCode(), 0, 255, "causeCode");
        w.constrained(c.subCauseCode(), 0, 255, "subCauseCode");
    }

    static CauseCode decodeCauseCode(BitReader r, String ctx) {
        boolean ext = r.bit(ctx, "extension bit");
        int cause = r.constrainedInt(0, 255, ctx, "causeCode");
        int sub = r.constrainedInt(0, 255, ctx, "subCauseCode");
        if (ext) {
            r.skipExtensionAdditions(ctx);
        }
        return new CauseCode(cause, sub);
    }

    // ActionID ::= SEQUENCE {originatingStationID StationID, sequenceNumber (0..65535)}
    static void encodeActionId(BitWriter w, ActionId a) {
        w.constrained(a.originatingStationId(), 0, STATION_ID_MAX, "originatingStationID");
        w.constrained(a.sequenceNumber(), 0, 65535, "sequenceNumber");
    }

    static ActionId decodeActionId(BitReader r, String ctx) {
        long station = r.constrained(0, STATION_ID_MAX, ctx, "originatingStationID");
        return new ActionId(station, r.constrainedInt(0, 65535, ctx, "sequenceNumber"));
    }

    /** A non-extensible ENUMERATED with {@code values.length} root values (X.691 §14.2). */
    static <E extends Enum<E>> void encodeEnum(BitWriter w, E value, int count, String field) {
        w.constrained(value.ordinal(), 0, count - 1, field);
    }

    static <E extends Enum<E>> E decodeEnum(BitReader r, E[] values, String ctx, String leaf) {
        return values[r.constrainedInt(0, values.length - 1, ctx, leaf)];
    }

    /** An extensible ENUMERATED whose root holds all of {@code values} (X.691 §14.3): extension bit 0, then the index. */
    static <E extends Enum<E>> void encodeExtensibleEnum(BitWriter w, E value, int count, String field) {
        w.bit(false);
        w.constrained(value.ordinal(), 0, count - 1, field);
    }

    static <E extends Enum<E>> E decodeExtensibleEnum(BitReader r, E[] values, String ctx, String leaf) {
        long at = r.position();
        if (r.bit(ctx, leaf)) {
            long index = r.normallySmall(ctx, leaf);
            throw r.fail(Kind.UNSUPPORTED, ctx, leaf, at, "extension value #" + index + " is not defined");
        }
        return values[r.constrainedInt(0, values.length - 1, ctx, leaf)];
    }
}
