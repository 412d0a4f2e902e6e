package org.qkdv2i.v2x.codec.internal;

import static org.qkdv2i.v2x.codec.internal.CamUper.namedBitsToWire;
import static org.qkdv2i.v2x.codec.internal.CamUper.wireToNamedBits;

import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ClosedLanes;
import org.qkdv2i.v2x.api.message.PtActivation;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.DangerousGoods;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.Emergency;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.PublicTransport;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.Rescue;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.RoadWorks;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.SafetyCar;
import org.qkdv2i.v2x.api.message.SpecialVehicleContainer.SpecialTransport;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/**
 * UPER of CAM {@code SpecialVehicleContainer ::= CHOICE {publicTransportContainer,
 * specialTransportContainer, dangerousGoodsContainer, roadWorksContainerBasic,
 * rescueContainer, emergencyContainer, safetyCarContainer, ...}} (EN 302 637-2 v1.4.1): an
 * extension bit and a 3-bit index, then the alternative. None of the alternatives is
 * extensible; ClosedLanes and CauseCode are.
 */
final class SpecialVehicleUper {
    private static final String CTX = "cam.cam.camParameters.specialVehicleContainer";

    private SpecialVehicleUper() {
    }

    static void encode(BitWriter w, SpecialVehicleContainer c) {
        w.bit(false);
        if (c instanceof PublicTransport p) {
            w.bits(0, 3);
            w.bit(p.ptActivation() != null);
            w.bit(p.embarkationStatus());
            if (p.ptActivation() != null) {
                PtActivation a = p.ptActivation();
                w.constrained(a.type(), 0, 255, "ptActivationType");
                byte[] data = a.data();
                w.constrained(data.length, 1, 20, "ptActivationData size");
                w.octets(data);
            }
        } else if (c instanceof SpecialTransport s) {
            w.bits(1, 3);
            w.bits(namedBitsToWire(s.specialTransportType(), 4), 4);
            w.bits(namedBitsToWire(s.lightBarSirenInUse(), 2), 2);
        } else if (c instanceof DangerousGoods d) {
            w.bits(2, 3);
            w.constrained(d.dangerousGoodsBasic(), 0, 19, "dangerousGoodsBasic");
        } else if (c instanceof RoadWorks r) {
            w.bits(3, 3);
            w.bit(r.roadworksSubCauseCode() != null);
            w.bit(r.closedLanes() != null);
            if (r.roadworksSubCauseCode() != null) {
                w.constrained(r.roadworksSubCauseCode(), 0, 255, "roadworksSubCauseCode");
            }
            w.bits(namedBitsToWire(r.lightBarSirenInUse(), 2), 2);
            if (r.closedLanes() != null) {
                encodeClosedLanes(w, r.closedLanes());
            }
        } else if (c instanceof Rescue r) {
            w.bits(4, 3);
            w.bits(namedBitsToWire(r.lightBarSirenInUse(), 2), 2);
        } else if (c instanceof Emergency e) {
            w.bits(5, 3);
            w.bit(e.incidentIndication() != null);
            w.bit(e.emergencyPriority() != null);
            w.bits(namedBitsToWire(e.lightBarSirenInUse(), 2), 2);
            if (e.incidentIndication() != null) {
                ItsContainerUper.encodeCauseCode(w, e.incidentIndication());
            }
            if (e.emergencyPriority() != null) {
                w.bits(namedBitsToWire(e.emergencyPriority(), 2), 2);
            }
        } else if (c instanceof SafetyCar s) {
            w.bits(6, 3);
            w.bit(s.incidentIndication() != null);
            w.bit(s.trafficRule() != null);
            w.bit(s.speedLimit() != null);
            w.bits(namedBitsToWire(s.lightBarSirenInUse(), 2), 2);
            if (s.incidentIndication() != null) {
                ItsContainerUper.encodeCauseCode(w, s.incidentIndication());
            }
            if (s.trafficRule() != null) {
                // TrafficRule ::= ENUMERATED {noPassing, noPassingForTrucks, passToRight, passToLeft, ...}
                w.bit(false);
                w.constrained(s.trafficRule(), 0, 3, "trafficRule");
            }
            if (s.speedLimit() != null) {
                w.constrained(s.speedLimit(), 1, 255, "speedLimit");
            }
        } else {
            throw new IllegalArgumentException("unknown special vehicle container " + c);
        }
    }

    // ClosedLanes ::= SEQUENCE {innerhardShoulderStatus OPTIONAL, outerhardShoulderStatus OPTIONAL,
    //                           drivingLaneStatus DrivingLaneStatus OPTIONAL, ...}
    static void encodeClosedLanes(BitWriter w, ClosedLanes l) {
        w.bit(false);
        w.bit(l.innerhardShoulderStatus() != null);
        w.bit(l.outerhardShoulderStatus() != null);
        w.bit(l.drivingLaneStatusSize() > 0);
        if (l.innerhardShoulderStatus() != null) {
            w.constrained(l.innerhardShoulderStatus(), 0, 2, "innerhardShoulderStatus");
        }
        if (l.outerhardShoulderStatus() != null) {
            w.constrained(l.outerhardShoulderStatus(), 0, 2, "outerhardShoulderStatus");
        }
        if (l.drivingLaneStatusSize() > 0) {
            // DrivingLaneStatus ::= BIT STRING (SIZE (1..13)): length, then the bits
            w.constrained(l.drivingLaneStatusSize(), 1, 13, "drivingLaneStatus size");
            w.bits(namedBitsToWire(l.drivingLaneStatus(), l.drivingLaneStatusSize()), l.drivingLaneStatusSize());
        }
    }

    static SpecialVehicleContainer decode(BitReader r) {
        long at = r.position();
        if (r.bit(CTX, "extension bit")) {
            throw r.fail(Kind.UNSUPPORTED, CTX, null, at, "unknown extension alternative");
        }
        int index = (int) r.bits(3, CTX, "choice index");
        switch (index) {
            case 0: {
                String ctx = CTX + ".publicTransportContainer";
                boolean hasActivation = r.bit(ctx, "ptActivation present");
                boolean embarkation = r.bit(ctx, "embarkationStatus");
                PtActivation activation = null;
                if (hasActivation) {
                    int type = r.constrainedInt(0, 255, ctx, "ptActivation.ptActivationType");
                    int n = r.constrainedInt(1, 20, ctx, "ptActivation.ptActivationData size");
                    activation = new PtActivation(type, r.octets(n, ctx, "ptActivation.ptActivationData"));
                }
                return new PublicTransport(embarkation, activation);
            }
            case 1: {
                String ctx = CTX + ".specialTransportContainer";
                int type = wireToNamedBits(r.bits(4, ctx, "specialTransportType"), 4);
                return new SpecialTransport(type, wireToNamedBits(r.bits(2, ctx, "lightBarSirenInUse"), 2));
            }
            case 2:
                return new DangerousGoods(r.constrainedInt(0, 19, CTX + ".dangerousGoodsContainer",
                        "dangerousGoodsBasic"));
            case 3: {
                String ctx = CTX + ".roadWorksContainerBasic";
                boolean hasSub = r.bit(ctx, "roadworksSubCauseCode present");
                boolean hasLanes = r.bit(ctx, "closedLanes present");
                Integer sub = hasSub ? r.constrainedInt(0, 255, ctx, "roadworksSubCauseCode") : null;
                int lights = wireToNamedBits(r.bits(2, ctx, "lightBarSirenInUse"), 2);
                ClosedLanes lanes = hasLanes ? decodeClosedLanes(r, ctx + ".closedLanes") : null;
                return new RoadWorks(sub, lights, lanes);
            }
            case 4:
                return new Rescue(wireToNamedBits(r.bits(2, CTX + ".rescueContainer", "lightBarSirenInUse"), 2));
            case 5: {
                String ctx = CTX + ".emergencyContainer";
                boolean hasIncident = r.bit(ctx, "incidentIndication present");
                boolean hasPriority = r.bit(ctx, "emergencyPriority present");
                int lights = wireToNamedBits(r.bits(2, ctx, "lightBarSirenInUse"), 2);
                CauseCode incident = hasIncident ? ItsContainerUper.decodeCauseCode(r, ctx + ".incidentIndication") : null;
                Integer priority = hasPriority ? wireToNamedBits(r.bits(2, ctx, "emergencyPriority"), 2) : null;
                return new Emergency(lights, incident, priority);
            }
            case 6: {
                String ctx = CTX + ".safetyCarContainer";
                boolean hasIncident = r.bit(ctx, "incidentIndication present");
                boolean hasRule = r.bit(ctx, "trafficRule present");
                boolean hasLimit = r.bit(ctx, "speedLimit present");
                int lights = wireToNamedBits(r.bits(2, ctx, "lightBarSirenInUse"), 2);
                CauseCode incident = hasIncident ? ItsContainerUper.decodeCauseCode(r, ctx + ".incidentIndication") : null;
                Integer rule = null;
                if (hasRule) {
                    long ruleAt = r.position();
                    if (r.bit(ctx, "trafficRule")) {
                        long ext = r.normallySmall(ctx, "trafficRule");
                        throw r.fail(Kind.UNSUPPORTED, ctx, "trafficRule", ruleAt,
                                "extension value #" + ext + " is not defined");
                    }
                    rule = r.constrainedInt(0, 3, ctx, "trafficRule");
                }
                Integer limit = hasLimit ? r.constrainedInt(1, 255, ctx, "speedLimit") : null;
                return new SafetyCar(lights, incident, rule, limit);
            }
            default:
                throw r.fail(Kind.OUT_OF_RANGE, CTX, "choice index", at + 1, "alternative " + index + " of 7");
        }
    }

    static ClosedLanes decodeClosedLanes(BitReader r, String ctx) {
        boolean ext = r.bit(ctx, "extension bit");
        boolean hasInner = r.bit(ctx, "innerhardShoulderStatus present");
        boolean hasOuter = r.bit(ctx, "outerhardShoulderStatus present");
        boolean hasDriving = r.bit(ctx, "drivingLaneStatus present");
        Integer inner = hasInner ? r.constrainedInt(0, 2, ctx, "innerhardShoulderStatus") : null;
        Integer outer = hasOuter ? r.constrainedInt(0, 2, ctx, "outerhardShoulderStatus") : null;
        int size = 0;
        int bits = 0;
        if (hasDriving) {
            size = r.constrainedInt(1, 13, ctx, "drivingLaneStatus size");
            bits = wireToNamedBits(r.bits(size, ctx, "drivingLaneStatus"), size);
        }
        if (ext) {
            r.skipExtensionAdditions(ctx);
        }
        return new ClosedLanes(inner, outer, size, bits);
    }
}
