package org.qkdv2i.v2x.codec.internal;

import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.v2x.api.message.AccelerationSet4Way;
import org.qkdv2i.v2x.api.message.AuxiliaryBrakeStatus;
import org.qkdv2i.v2x.api.message.BrakeBoostApplied;
import org.qkdv2i.v2x.api.message.BrakeSystemStatus;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.BsmCoreData;
import org.qkdv2i.v2x.api.message.ControlStatus;
import org.qkdv2i.v2x.api.message.OpenTypeValue;
import org.qkdv2i.v2x.api.message.PositionalAccuracy;
import org.qkdv2i.v2x.api.message.TransmissionState;
import org.qkdv2i.v2x.api.message.VehicleSize;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/**
 * UPER of the SAE J2735 (2016) MessageFrame carrying a BasicSafetyMessage:
 * {@code MessageFrame ::= SEQUENCE {messageId (0..32767), value open type, ...}},
 * {@code BasicSafetyMessage ::= SEQUENCE {coreData BSMcoreData, partII SEQUENCE (SIZE(1..8)) OF
 * PartIIcontent OPTIONAL, regional SEQUENCE (SIZE(1..4)) OF RegionalExtension OPTIONAL, ...}}.
 * BSMcoreData has no extension marker and no optional components: always 290 bits.
 */
final class BsmUper {
    private static final TransmissionState[] TRANSMISSION = TransmissionState.values();
    private static final ControlStatus[] CONTROL = ControlStatus.values();
    private static final BrakeBoostApplied[] BOOST = BrakeBoostApplied.values();
    private static final AuxiliaryBrakeStatus[] AUX = AuxiliaryBrakeStatus.values();

    private static final String MF = "messageFrame";
    private static final String BSM = "messageFrame.value.basicSafetyMessage";
    private static final String CORE = BSM + ".coreData";

    private BsmUper() {
    }

    static void encodeFrame(BitWriter w, Bsm bsm) {
        BitWriter inner = new BitWriter();
        encodeBsm(inner, bsm);
        w.bit(false); // MessageFrame extension bit
        w.constrained(Bsm.MESSAGE_ID, 0, 32767, "messageId");
        w.openType(inner.toByteArray());
    }

    static void encodeBsm(BitWriter w, Bsm bsm) {
        w.bit(false);
        w.bit(!bsm.partII().isEmpty());
        w.bit(!bsm.regional().isEmpty());
        encodeCore(w, bsm.coreData());
        if (!bsm.partII().isEmpty()) {
            w.constrained(bsm.partII().size(), 1, 8, "partII size");
            for (OpenTypeValue v : bsm.partII()) {
                // PartIIcontent ::= SEQUENCE {partII-Id PartII-Id (0..63), partII-Value open type}
                w.constrained(v.id(), 0, 63, "partII-Id");
                w.openType(v.encoding());
            }
        }
        if (!bsm.regional().isEmpty()) {
            w.constrained(bsm.regional().size(), 1, 4, "regional size");
            for (OpenTypeValue v : bsm.regional()) {
                // RegionalExtension ::= SEQUENCE {regionId RegionId (0..255), regExtValue open type}
                w.constrained(v.id(), 0, 255, "regionId");
                w.openType(v.encoding());
            }
        }
    }

    private static void encodeCore(BitWriter w, BsmCoreData c) {
        w.constrained(c.msgCnt(), 0, 127, "msgCnt");
        w.octets(c.id()); // TemporaryID ::= OCTET STRING (SIZE(4)): fixed size, no length
        w.constrained(c.secMark(), 0, 65535, "secMark");
        w.constrained(c.lat(), -900000000, 900000001, "lat");
        w.constrained(c.lon(), -1799999999, 1800000001, "long");
        w.constrained(c.elev(), -4096, 61439, "elev");
        PositionalAccuracy a = c.accuracy();
        w.constrained(a.semiMajor(), 0, 255, "semiMajor");
        w.constrained(a.semiMinor(), 0, 255, "semiMinor");
        w.constrained(a.orientation(), 0, 65535, "orientation");
        w.constrained(c.transmission().ordinal(), 0, TRANSMISSION.length - 1, "transmission");
        w.constrained(c.speed(), 0, 8191, "speed");
        w.constrained(c.heading(), 0, 28800, "heading");
        w.constrained(c.angle(), -126, 127, "angle");
        AccelerationSet4Way s = c.accelSet();
        w.constrained(s.lon(), -2000, 2001, "accelSet.long");
        w.constrained(s.lat(), -2000, 2001, "accelSet.lat");
        w.constrained(s.vert(), -127, 127, "accelSet.vert");
        w.constrained(s.yaw(), -32767, 32767, "accelSet.yaw");
        BrakeSystemStatus b = c.brakes();
        w.bits(CamUper.namedBitsToWire(b.wheelBrakes(), 5), 5);
        w.constrained(b.traction().ordinal(), 0, 3, "traction");
        w.constrained(b.abs().ordinal(), 0, 3, "abs");
        w.constrained(b.scs().ordinal(), 0, 3, "scs");
        w.constrained(b.brakeBoost().ordinal(), 0, 2, "brakeBoost");
        w.constrained(b.auxBrakes().ordinal(), 0, 3, "auxBrakes");
        w.constrained(c.size().width(), 0, 1023, "size.width");
        w.constrained(c.size().length(), 0, 4095, "size.length");
    }

    static Bsm decodeFrame(BitReader r) {
        boolean ext = r.bit(MF, "extension bit");
        int messageId = r.constrainedInt(0, 32767, MF, "messageId");
        if (messageId != Bsm.MESSAGE_ID) {
            throw r.fail(Kind.UNEXPECTED_MESSAGE, MF, "messageId", 1,
                    "messageId " + messageId + " is not a BasicSafetyMessage (20)");
        }
        BitReader value = r.openType(MF, "value");
        Bsm bsm = decodeBsm(value);
        value.expectEnd(BSM);
        if (ext) {
            r.skipExtensionAdditions(MF);
        }
        return bsm;
    }

    static Bsm decodeBsm(BitReader r) {
        boolean ext = r.bit(BSM, "extension bit");
        boolean hasPartII = r.bit(BSM, "partII present");
        boolean hasRegional = r.bit(BSM, "regional present");
        BsmCoreData core = decodeCore(r);
        List<OpenTypeValue> partII = new ArrayList<>();
        if (hasPartII) {
            int n = r.constrainedInt(1, 8, BSM + ".partII", "size");
            for (int i = 0; i < n; i++) {
                int id = r.constrainedInt(0, 63, BSM + ".partII", "partII-Id");
                partII.add(new OpenTypeValue(id, openTypeOctets(r, BSM + ".partII", "partII-Value")));
            }
        }
        List<OpenTypeValue> regional = new ArrayList<>();
        if (hasRegional) {
            int n = r.constrainedInt(1, 4, BSM + ".regional", "size");
            for (int i = 0; i < n; i++) {
                int id = r.constrainedInt(0, 255, BSM + ".regional", "regionId");
                regional.add(new OpenTypeValue(id, openTypeOctets(r, BSM + ".regional", "regExtValue")));
            }
        }
        if (ext) {
            r.skipExtensionAdditions(BSM);
        }
        return new Bsm(core, partII, regional);
    }

    private static byte[] openTypeOctets(BitReader r, String ctx, String leaf) {
        int len = r.lengthGeneral(ctx, leaf);
        return r.octets(len, ctx, leaf);
    }

    private static BsmCoreData decodeCore(BitReader r) {
        int msgCnt = r.constrainedInt(0, 127, CORE, "msgCnt");
        byte[] id = r.octets(4, CORE, "id");
        int secMark = r.constrainedInt(0, 65535, CORE, "secMark");
        int lat = r.constrainedInt(-900000000, 900000001, CORE, "lat");
        int lon = r.constrainedInt(-1799999999, 1800000001, CORE, "long");
        int elev = r.constrainedInt(-4096, 61439, CORE, "elev");
        int semiMajor = r.constrainedInt(0, 255, CORE, "accuracy.semiMajor");
        int semiMinor = r.constrainedInt(0, 255, CORE, "accuracy.semiMinor");
        int orientation = r.constrainedInt(0, 65535, CORE, "accuracy.orientation");
        TransmissionState transmission = TRANSMISSION[r.constrainedInt(0, 7, CORE, "transmission")];
        int speed = r.constrainedInt(0, 8191, CORE, "speed");
        int heading = r.constrainedInt(0, 28800, CORE, "heading");
        int angle = r.constrainedInt(-126, 127, CORE, "angle");
        int aLong = r.constrainedInt(-2000, 2001, CORE, "accelSet.long");
        int aLat = r.constrainedInt(-2000, 2001, CORE, "accelSet.lat");
        int aVert = r.constrainedInt(-127, 127, CORE, "accelSet.vert");
        int aYaw = r.constrainedInt(-32767, 32767, CORE, "accelSet.yaw");
        int wheelBrakes = CamUper.wireToNamedBits(r.bits(5, CORE, "brakes.wheelBrakes"), 5);
        ControlStatus traction = CONTROL[r.constrainedInt(0, 3, CORE, "brakes.traction")];
        ControlStatus abs = CONTROL[r.constrainedInt(0, 3, CORE, "brakes.abs")];
        ControlStatus scs = CONTROL[r.constrainedInt(0, 3, CORE, "brakes.scs")];
        BrakeBoostApplied boost = BOOST[r.constrainedInt(0, 2, CORE, "brakes.brakeBoost")];
        AuxiliaryBrakeStatus aux = AUX[r.constrainedInt(0, 3, CORE, "brakes.auxBrakes")];
        int width = r.constrainedInt(0, 1023, CORE, "size.width");
        int length = r.constrainedInt(0, 4095, CORE, "size.length");
        return new BsmCoreData(msgCnt, id, secMark, lat, lon, elev, new PositionalAccuracy(semiMajor, semiMinor,
                orientation), transmission, speed, heading, angle, new AccelerationSet4Way(aLong, aLat, aVert, aYaw),
                new BrakeSystemStatus(wheelBrakes, traction, abs, scs, boost, aux), new VehicleSize(width, length));
    }
}
