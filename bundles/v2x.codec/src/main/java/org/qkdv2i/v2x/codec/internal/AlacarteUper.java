package org.qkdv2i.v2x.codec.internal;

import static org.qkdv2i.v2x.codec.internal.CamUper.namedBitsToWire;
import static org.qkdv2i.v2x.codec.internal.CamUper.wireToNamedBits;
import static org.qkdv2i.v2x.codec.internal.ItsContainerUper.*;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.AlacarteContainer;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ClosedLanes;
import org.qkdv2i.v2x.api.message.DangerousGoodsExtended;
import org.qkdv2i.v2x.api.message.DeltaReferencePosition;
import org.qkdv2i.v2x.api.message.ImpactReductionContainer;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.RoadWorksContainerExtended;
import org.qkdv2i.v2x.api.message.StationaryVehicleContainer;
import org.qkdv2i.v2x.api.message.VehicleIdentification;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/** UPER of the DENM {@code AlacarteContainer} (EN 302 637-3 v1.3.1) and the TS 102 894-2 types it uses. */
final class AlacarteUper {
    private static final String CTX = "denm.denm.alacarte";
    private static final String NUMERIC = " 0123456789"; // NumericString alphabet, in canonical order
    /** Items accepted in an extensible SIZE(lb..ub, ...) list beyond its root. */
    private static final int MAX_EXTENDED_ITEMS = 127;

    private AlacarteUper() {
    }

    static void encode(BitWriter w, AlacarteContainer a) {
        w.bit(false); // extension bit
        w.bit(a.lanePosition() != null);
        w.bit(a.impactReduction() != null);
        w.bit(a.externalTemperature() != null);
        w.bit(a.roadWorks() != null);
        w.bit(a.positioningSolution() != null);
        w.bit(a.stationaryVehicle() != null);
        if (a.lanePosition() != null) {
            w.constrained(a.lanePosition(), -1, 14, "lanePosition");
        }
        if (a.impactReduction() != null) {
            encodeImpactReduction(w, a.impactReduction());
        }
        if (a.externalTemperature() != null) {
            w.constrained(a.externalTemperature(), -60, 67, "externalTemperature");
        }
        if (a.roadWorks() != null) {
            encodeRoadWorks(w, a.roadWorks());
        }
        if (a.positioningSolution() != null) {
            // PositioningSolutionType ::= ENUMERATED {noPositioningSolution .. dR (5), ...}
            w.bit(false);
            w.constrained(a.positioningSolution(), 0, 5, "positioningSolution");
        }
        if (a.stationaryVehicle() != null) {
            encodeStationaryVehicle(w, a.stationaryVehicle());
        }
    }

    /** SEQUENCE (SIZE(lb..ub, ...)) OF: extension bit, then a constrained or a general length (X.691 §20.4-6). */
    private static void encodeExtensibleSize(BitWriter w, int n, int lb, int ub, String field) {
        if (n >= lb && n <= ub) {
            w.bit(false);
            w.constrained(n, lb, ub, field);
        } else {
            w.bit(true);
            w.lengthGeneral(n);
        }
    }

    private static int decodeExtensibleSize(BitReader r, int lb, int ub, String ctx, String leaf) {
        if (!r.bit(ctx, leaf)) {
            return r.constrainedInt(lb, ub, ctx, leaf);
        }
        long at = r.position();
        int n = r.lengthGeneral(ctx, leaf);
        if (n < lb) {
            throw r.fail(Kind.OUT_OF_RANGE, ctx, leaf, at, n + " items, at least " + lb + " required");
        }
        if (n > MAX_EXTENDED_ITEMS) {
            throw r.fail(Kind.UNSUPPORTED, ctx, leaf, at, n + " items (at most " + MAX_EXTENDED_ITEMS + " accepted)");
        }
        return n;
    }

    private static void encodeImpactReduction(BitWriter w, ImpactReductionContainer i) {
        w.constrained(i.heightLonCarrLeft(), 1, 100, "heightLonCarrLeft");
        w.constrained(i.heightLonCarrRight(), 1, 100, "heightLonCarrRight");
        w.constrained(i.posLonCarrLeft(), 1, 127, "posLonCarrLeft");
        w.constrained(i.posLonCarrRight(), 1, 127, "posLonCarrRight");
        // PositionOfPillars ::= SEQUENCE (SIZE(1..3, ...)) OF PosPillar (1..30)
        encodeExtensibleSize(w, i.positionOfPillars().size(), 1, 3, "positionOfPillars size");
        for (int p : i.positionOfPillars()) {
            w.constrained(p, 1, 30, "posPillar");
        }
        w.constrained(i.posCentMass(), 1, 63, "posCentMass");
        w.constrained(i.wheelBaseVehicle(), 1, 127, "wheelBaseVehicle");
        w.constrained(i.turningRadius(), 1, 255, "turningRadius");
        w.constrained(i.posFrontAx(), 1, 20, "posFrontAx");
        w.bits(namedBitsToWire(i.positionOfOccupants(), 20), 20);
        w.constrained(i.vehicleMass(), 1, 1024, "vehicleMass");
        w.constrained(i.requestResponseIndication(), 0, 1, "requestResponseIndication");
    }

    private static ImpactReductionContainer decodeImpactReduction(BitReader r) {
        String ctx = CTX + ".impactReduction";
        int hl = r.constrainedInt(1, 100, ctx, "heightLonCarrLeft");
        int hr = r.constrainedInt(1, 100, ctx, "heightLonCarrRight");
        int pl = r.constrainedInt(1, 127, ctx, "posLonCarrLeft");
        int pr = r.constrainedInt(1, 127, ctx, "posLonCarrRight");
        int n = decodeExtensibleSize(r, 1, 3, ctx, "positionOfPillars size");
        List<Integer> pillars = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            pillars.add(r.constrainedInt(1, 30, ctx, "positionOfPillars.posPillar"));
        }
        int centMass = r.constrainedInt(1, 63, ctx, "posCentMass");
        int wheelBase = r.constrainedInt(1, 127, ctx, "wheelBaseVehicle");
        int turning = r.constrainedInt(1, 255, ctx, "turningRadius");
        int frontAx = r.constrainedInt(1, 20, ctx, "posFrontAx");
        int occupants = wireToNamedBits(r.bits(20, ctx, "positionOfOccupants"), 20);
        int mass = r.constrainedInt(1, 1024, ctx, "vehicleMass");
        int rri = r.constrainedInt(0, 1, ctx, "requestResponseIndication");
        return new ImpactReductionContainer(hl, hr, pl, pr, pillars, centMass, wheelBase, turning, frontAx, occupants,
                mass, rri);
    }

    private static void encodeRoadWorks(BitWriter w, RoadWorksContainerExtended x) {
        // not extensible; nine OPTIONAL components
        w.bit(x.lightBarSirenInUse() != null);
        w.bit(x.closedLanes() != null);
        w.bit(!x.restriction().isEmpty());
        w.bit(x.speedLimit() != null);
        w.bit(x.incidentIndication() != null);
        w.bit(!x.recommendedPath().isEmpty());
        w.bit(x.startingPointSpeedLimit() != null);
        w.bit(x.trafficFlowRule() != null);
        w.bit(!x.referenceDenms().isEmpty());
        if (x.lightBarSirenInUse() != null) {
            w.bits(namedBitsToWire(x.lightBarSirenInUse(), 2), 2);
        }
        if (x.closedLanes() != null) {
            SpecialVehicleUper.encodeClosedLanes(w, x.closedLanes());
        }
        if (!x.restriction().isEmpty()) {
            // RestrictedTypes ::= SEQUENCE (SIZE(1..3, ...)) OF StationType
            encodeExtensibleSize(w, x.restriction().size(), 1, 3, "restriction size");
            for (int t : x.restriction()) {
                w.constrained(t, 0, 255, "stationType");
            }
        }
        if (x.speedLimit() != null) {
            w.constrained(x.speedLimit(), 1, 255, "speedLimit");
        }
        if (x.incidentIndication() != null) {
            encodeCauseCode(w, x.incidentIndication());
        }
        if (!x.recommendedPath().isEmpty()) {
            // ItineraryPath ::= SEQUENCE SIZE(1..40) OF ReferencePosition
            w.constrained(x.recommendedPath().size(), 1, 40, "recommendedPath size");
            for (ReferencePosition p : x.recommendedPath()) {
                encodeReferencePosition(w, p);
            }
        }
        if (x.startingPointSpeedLimit() != null) {
            encodeDeltaReferencePosition(w, x.startingPointSpeedLimit());
        }
        if (x.trafficFlowRule() != null) {
            w.bit(false);
            w.constrained(x.trafficFlowRule(), 0, 3, "trafficFlowRule");
        }
        if (!x.referenceDenms().isEmpty()) {
            // ReferenceDenms ::= SEQUENCE (SIZE(1..8, ...)) OF ActionID
            encodeExtensibleSize(w, x.referenceDenms().size(), 1, 8, "referenceDenms size");
            for (ActionId a : x.referenceDenms()) {
                encodeActionId(w, a);
            }
        }
    }

    private static RoadWorksContainerExtended decodeRoadWorks(BitReader r) {
        String ctx = CTX + ".roadWorks";
        boolean hasLights = r.bit(ctx, "lightBarSirenInUse present");
        boolean hasLanes = r.bit(ctx, "closedLanes present");
        boolean hasRestriction = r.bit(ctx, "restriction present");
        boolean hasLimit = r.bit(ctx, "speedLimit present");
        boolean hasIncident = r.bit(ctx, "incidentIndication present");
        boolean hasPath = r.bit(ctx, "recommendedPath present");
        boolean hasStart = r.bit(ctx, "startingPointSpeedLimit present");
        boolean hasRule = r.bit(ctx, "trafficFlowRule present");
        boolean hasRefs = r.bit(ctx, "referenceDenms present");
        Integer lights = hasLights ? wireToNamedBits(r.bits(2, ctx, "lightBarSirenInUse"), 2) : null;
        ClosedLanes lanes = hasLanes ? SpecialVehicleUper.decodeClosedLanes(r, ctx + ".closedLanes") : null;
        List<Integer> restriction = new ArrayList<>();
        if (hasRestriction) {
            int n = decodeExtensibleSize(r, 1, 3, ctx, "restriction size");
            for (int k = 0; k < n; k++) {
                restriction.add(r.constrainedInt(0, 255, ctx, "restriction.stationType"));
            }
        }
        Integer limit = hasLimit ? r.constrainedInt(1, 255, ctx, "speedLimit") : null;
        CauseCode incident = hasIncident ? decodeCauseCode(r, ctx + ".incidentIndication") : null;
        List<ReferencePosition> path = new ArrayList<>();
        if (hasPath) {
            int n = r.constrainedInt(1, 40, ctx, "recommendedPath size");
            for (int k = 0; k < n; k++) {
                path.add(decodeReferencePosition(r, ctx + ".recommendedPath"));
            }
        }
        DeltaReferencePosition start = hasStart ? decodeDeltaReferencePosition(r, ctx + ".startingPointSpeedLimit")
                : null;
        Integer rule = null;
        if (hasRule) {
            long at = r.position();
            if (r.bit(ctx, "trafficFlowRule")) {
                long index = r.normallySmall(ctx, "trafficFlowRule");
                throw r.fail(Kind.UNSUPPORTED, ctx, "trafficFlowRule", at, "extension value #" + index + " is not defined");
            }
            rule = r.constrainedInt(0, 3, ctx, "trafficFlowRule");
        }
        List<ActionId> refs = new ArrayList<>();
        if (hasRefs) {
            int n = decodeExtensibleSize(r, 1, 8, ctx, "referenceDenms size");
            for (int k = 0; k < n; k++) {
                refs.add(decodeActionId(r, ctx + ".referenceDenms"));
            }
        }
        return new RoadWorksContainerExtended(lights, lanes, restriction, limit, incident, path, start, rule, refs);
    }

    private static void encodeStationaryVehicle(BitWriter w, StationaryVehicleContainer s) {
        // not extensible; six OPTIONAL components
        w.bit(s.stationarySince() != null);
        w.bit(s.stationaryCause() != null);
        w.bit(s.carryingDangerousGoods() != null);
        w.bit(s.numberOfOccupants() != null);
        w.bit(s.vehicleIdentification() != null);
        w.bit(s.energyStorageType() != null);
        if (s.stationarySince() != null) {
            w.constrained(s.stationarySince(), 0, 3, "stationarySince");
        }
        if (s.stationaryCause() != null) {
            encodeCauseCode(w, s.stationaryCause());
        }
        if (s.carryingDangerousGoods() != null) {
            encodeDangerousGoods(w, s.carryingDangerousGoods());
        }
        if (s.numberOfOccupants() != null) {
            w.constrained(s.numberOfOccupants(), 0, 127, "numberOfOccupants");
        }
        if (s.vehicleIdentification() != null) {
            // VehicleIdentification ::= SEQUENCE {wMInumber IA5String (SIZE(1..3)) OPTIONAL, vDS IA5String (SIZE(6)) OPTIONAL, ...}
            VehicleIdentification v = s.vehicleIdentification();
            w.bit(false);
            w.bit(v.wmiNumber() != null);
            w.bit(v.vds() != null);
            if (v.wmiNumber() != null) {
                encodeIa5(w, v.wmiNumber(), 1, 3);
            }
            if (v.vds() != null) {
                encodeIa5(w, v.vds(), 6, 6);
            }
        }
        if (s.energyStorageType() != null) {
            w.bits(namedBitsToWire(s.energyStorageType(), 7), 7);
        }
    }

    private static StationaryVehicleContainer decodeStationaryVehicle(BitReader r) {
        String ctx = CTX + ".stationaryVehicle";
        boolean hasSince = r.bit(ctx, "stationarySince present");
        boolean hasCause = r.bit(ctx, "stationaryCause present");
        boolean hasGoods = r.bit(ctx, "carryingDangerousGoods present");
        boolean hasOccupants = r.bit(ctx, "numberOfOccupants present");
        boolean hasId = r.bit(ctx, "vehicleIdentification present");
        boolean hasEnergy = r.bit(ctx, "energyStorageType present");
        Integer since = hasSince ? r.constrainedInt(0, 3, ctx, "stationarySince") : null;
        CauseCode cause = hasCause ? decodeCauseCode(r, ctx + ".stationaryCause") : null;
        DangerousGoodsExtended goods = hasGoods ? decodeDangerousGoods(r, ctx + ".carryingDangerousGoods") : null;
        Integer occupants = hasOccupants ? r.constrainedInt(0, 127, ctx, "numberOfOccupants") : null;
        VehicleIdentification id = null;
        if (hasId) {
            String idCtx = ctx + ".vehicleIdentification";
            boolean ext = r.bit(idCtx, "extension bit");
            boolean hasWmi = r.bit(idCtx, "wMInumber present");
            boolean hasVds = r.bit(idCtx, "vDS present");
            String wmi = hasWmi ? decodeIa5(r, 1, 3, idCtx, "wMInumber") : null;
            String vds = hasVds ? decodeIa5(r, 6, 6, idCtx, "vDS") : null;
            if (ext) {
                r.skipExtensionAdditions(idCtx);
            }
            id = new VehicleIdentification(wmi, vds);
        }
        Integer energy = hasEnergy ? wireToNamedBits(r.bits(7, ctx, "energyStorageType"), 7) : null;
        return new StationaryVehicleContainer(since, cause, goods, occupants, id, energy);
    }

    // DangerousGoodsExtended ::= SEQUENCE {dangerousGoodsType, unNumber (0..9999), elevatedTemperature BOOLEAN,
    //   tunnelsRestricted BOOLEAN, limitedQuantity BOOLEAN, emergencyActionCode IA5String (SIZE (1..24)) OPTIONAL,
    //   phoneNumber PhoneNumber OPTIONAL, companyName UTF8String (SIZE (1..24)) OPTIONAL, ...}
    private static void encodeDangerousGoods(BitWriter w, DangerousGoodsExtended g) {
        w.bit(false);
        w.bit(g.emergencyActionCode() != null);
        w.bit(g.phoneNumber() != null);
        w.bit(g.companyName() != null);
        w.constrained(g.dangerousGoodsType(), 0, 19, "dangerousGoodsType");
        w.constrained(g.unNumber(), 0, 9999, "unNumber");
        w.bit(g.elevatedTemperature());
        w.bit(g.tunnelsRestricted());
        w.bit(g.limitedQuantity());
        if (g.emergencyActionCode() != null) {
            encodeIa5(w, g.emergencyActionCode(), 1, 24);
        }
        if (g.phoneNumber() != null) {
            // PhoneNumber ::= NumericString (SIZE(1..16)): 4 bits per character, its index in " 0123456789" (X.691 §30.5.4)
            String p = g.phoneNumber();
            w.constrained(p.length(), 1, 16, "phoneNumber size");
            for (int k = 0; k < p.length(); k++) {
                w.bits(NUMERIC.indexOf(p.charAt(k)), 4);
            }
        }
        if (g.companyName() != null) {
            // UTF8String is not known-multiplier: its SIZE is not PER-visible, a general length in octets follows
            w.openType(g.companyName().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static DangerousGoodsExtended decodeDangerousGoods(BitReader r, String ctx) {
        boolean ext = r.bit(ctx, "extension bit");
        boolean hasCode = r.bit(ctx, "emergencyActionCode present");
        boolean hasPhone = r.bit(ctx, "phoneNumber present");
        boolean hasCompany = r.bit(ctx, "companyName present");
        int type = r.constrainedInt(0, 19, ctx, "dangerousGoodsType");
        int un = r.constrainedInt(0, 9999, ctx, "unNumber");
        boolean elevated = r.bit(ctx, "elevatedTemperature");
        boolean tunnels = r.bit(ctx, "tunnelsRestricted");
        boolean limited = r.bit(ctx, "limitedQuantity");
        String code = hasCode ? decodeIa5(r, 1, 24, ctx, "emergencyActionCode") : null;
        String phone = null;
        if (hasPhone) {
            int n = r.constrainedInt(1, 16, ctx, "phoneNumber size");
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
                long at = r.position();
                int index = (int) r.bits(4, ctx, "phoneNumber");
                if (index >= NUMERIC.length()) {
                    throw r.fail(Kind.OUT_OF_RANGE, ctx, "phoneNumber", at, "character index " + index + " of 11");
                }
                sb.append(NUMERIC.charAt(index));
            }
            phone = sb.toString();
        }
        String company = null;
        if (hasCompany) {
            long at = r.position();
            int n = r.lengthGeneral(ctx, "companyName");
            byte[] utf8 = r.octets(n, ctx, "companyName");
            try {
                company = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
            } catch (CharacterCodingException e) {
                throw r.fail(Kind.MALFORMED, ctx, "companyName", at, "not UTF-8");
            }
            int chars = company.codePointCount(0, company.length());
            if (chars < 1 || chars > 24) {
                throw r.fail(Kind.OUT_OF_RANGE, ctx, "companyName", at, chars + " characters outside 1..24");
            }
        }
        if (ext) {
            r.skipExtensionAdditions(ctx);
        }
        return new DangerousGoodsExtended(type, un, elevated, tunnels, limited, code, phone, company);
    }

    /** IA5String (SIZE(lb..ub)): a length unless fixed, then 7 bits per character (X.691 §30.5.3, no alphabet constraint). */
    private static void encodeIa5(BitWriter w, String s, int lb, int ub) {
        if (lb != ub) {
            w.constrained(s.length(), lb, ub, "IA5String size");
        }
        for (int k = 0; k < s.length(); k++) {
            w.bits(s.charAt(k), 7);
        }
    }

    private static String decodeIa5(BitReader r, int lb, int ub, String ctx, String leaf) {
        int n = lb == ub ? lb : r.constrainedInt(lb, ub, ctx, leaf + " size");
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append((char) r.bits(7, ctx, leaf));
        }
        return sb.toString();
    }

    static AlacarteContainer decode(BitReader r) {
        boolean ext = r.bit(CTX, "extension bit");
        boolean hasLane = r.bit(CTX, "lanePosition present");
        boolean hasImpact = r.bit(CTX, "impactReduction present");
        boolean hasTemperature = r.bit(CTX, "externalTemperature present");
        boolean hasRoadWorks = r.bit(CTX, "roadWorks present");
        boolean hasPositioning = r.bit(CTX, "positioningSolution present");
        boolean hasStationary = r.bit(CTX, "stationaryVehicle present");
        Integer lane = hasLane ? r.constrainedInt(-1, 14, CTX, "lanePosition") : null;
        ImpactReductionContainer impact = hasImpact ? decodeImpactReduction(r) : null;
        Integer temperature = hasTemperature ? r.constrainedInt(-60, 67, CTX, "externalTemperature") : null;
        RoadWorksContainerExtended roadWorks = hasRoadWorks ? decodeRoadWorks(r) : null;
        Integer positioning = null;
        if (hasPositioning) {
            long at = r.position();
            if (r.bit(CTX, "positioningSolution")) {
                long index = r.normallySmall(CTX, "positioningSolution");
                throw r.fail(Kind.UNSUPPORTED, CTX, "positioningSolution", at,
                        "extension value #" + index + " is not defined");
            }
            positioning = r.constrainedInt(0, 5, CTX, "positioningSolution");
        }
        StationaryVehicleContainer stationary = hasStationary ? decodeStationaryVehicle(r) : null;
        if (ext) {
            r.skipExtensionAdditions(CTX);
        }
        return new AlacarteContainer(lane, impact, temperature, roadWorks, positioning, stationary);
    }
}
