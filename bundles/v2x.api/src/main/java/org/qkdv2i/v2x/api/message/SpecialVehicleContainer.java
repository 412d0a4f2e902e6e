package org.qkdv2i.v2x.api.message;

/**
 * CAM {@code SpecialVehicleContainer ::= CHOICE} (EN 302 637-2 v1.4.1): what a vehicle with a
 * special role adds. BIT STRING components are {@code int}s whose bit {@code n} is the ASN.1
 * named bit {@code n}; LightBarSirenInUse: bit 0 lightBarActivated, bit 1 sirenActivated.
 */
public sealed interface SpecialVehicleContainer {

    /** {@code PublicTransportContainer}: embarkation status and an optional PtActivation ({@code null} when absent). */
    record PublicTransport(boolean embarkationStatus, PtActivation ptActivation) implements SpecialVehicleContainer {
    }

    /**
     * {@code SpecialTransportContainer}: SpecialTransportType (BIT STRING SIZE(4): heavyLoad,
     * excessWidth, excessLength, excessHeight) and LightBarSirenInUse (SIZE(2)).
     */
    record SpecialTransport(int specialTransportType, int lightBarSirenInUse) implements SpecialVehicleContainer {
        public SpecialTransport {
            Check.range("specialTransportType", specialTransportType, 0, 15);
            Check.range("lightBarSirenInUse", lightBarSirenInUse, 0, 3);
        }
    }

    /** {@code DangerousGoodsContainer}: DangerousGoodsBasic (ENUMERATED 0..19, explosives1 .. miscellaneousDangerousSubstances). */
    record DangerousGoods(int dangerousGoodsBasic) implements SpecialVehicleContainer {
        public DangerousGoods {
            Check.range("dangerousGoodsBasic", dangerousGoodsBasic, 0, 19);
        }
    }

    /** {@code RoadWorksContainerBasic}: optional RoadworksSubCauseCode (0..255), LightBarSirenInUse, optional ClosedLanes. */
    record RoadWorks(Integer roadworksSubCauseCode, int lightBarSirenInUse, ClosedLanes closedLanes)
            implements SpecialVehicleContainer {
        public RoadWorks {
            Check.optional("roadworksSubCauseCode", roadworksSubCauseCode, 0, 255);
            Check.range("lightBarSirenInUse", lightBarSirenInUse, 0, 3);
        }
    }

    /** {@code RescueContainer}: LightBarSirenInUse. */
    record Rescue(int lightBarSirenInUse) implements SpecialVehicleContainer {
        public Rescue {
            Check.range("lightBarSirenInUse", lightBarSirenInUse, 0, 3);
        }
    }

    /**
     * {@code EmergencyContainer}: LightBarSirenInUse, optional incident indication and optional
     * EmergencyPriority (BIT STRING SIZE(2): requestForRightOfWay, requestForFreeCrossingAtATrafficLight).
     */
    record Emergency(int lightBarSirenInUse, CauseCode incidentIndication, Integer emergencyPriority)
            implements SpecialVehicleContainer {
        public Emergency {
            Check.range("lightBarSirenInUse", lightBarSirenInUse, 0, 3);
            Check.optional("emergencyPriority", emergencyPriority, 0, 3);
        }
    }

    /**
     * {@code SafetyCarContainer}: LightBarSirenInUse, optional incident indication, optional
     * TrafficRule (0 noPassing, 1 noPassingForTrucks, 2 passToRight, 3 passToLeft) and
     * optional SpeedLimit (1..255 km/h).
     */
    record SafetyCar(int lightBarSirenInUse, CauseCode incidentIndication, Integer trafficRule, Integer speedLimit)
            implements SpecialVehicleContainer {
        public SafetyCar {
            Check.range("lightBarSirenInUse", lightBarSirenInUse, 0, 3);
            Check.optional("trafficRule", trafficRule, 0, 3);
            Check.optional("speedLimit", speedLimit, 1, 255);
        }
    }
}
