package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * DENM {@code ImpactReductionContainer} (TS 102 894-2 data elements): heights (HeightLonCarr
 * 1..100 cm) and positions (PosLonCarr 1..127 cm) of the longitudinal carriers, the pillar
 * positions (PositionOfPillars: 1..3 PosPillar of 1..30 x 10 cm in the root, extensible),
 * PosCentMass (1..63 x 10 cm), WheelBaseVehicle (1..127 x 10 cm), TurningRadius (1..255 x
 * 0.4 m), PosFrontAx (1..20 x 10 cm), PositionOfOccupants (BIT STRING SIZE(20), bit n = named
 * bit n), VehicleMass (1..1024 x 100 kg) and RequestResponseIndication (0 request, 1 response).
 */
public record ImpactReductionContainer(int heightLonCarrLeft, int heightLonCarrRight, int posLonCarrLeft,
        int posLonCarrRight, List<Integer> positionOfPillars, int posCentMass, int wheelBaseVehicle,
        int turningRadius, int posFrontAx, int positionOfOccupants, int vehicleMass, int requestResponseIndication) {
    public ImpactReductionContainer {
        Check.range("heightLonCarrLeft", heightLonCarrLeft, 1, 100);
        Check.range("heightLonCarrRight", heightLonCarrRight, 1, 100);
        Check.range("posLonCarrLeft", posLonCarrLeft, 1, 127);
        Check.range("posLonCarrRight", posLonCarrRight, 1, 127);
        positionOfPillars = List.copyOf(Check.notNull("positionOfPillars", positionOfPillars));
        Check.range("positionOfPillars size", positionOfPillars.size(), 1, 127);
        for (int p : positionOfPillars) {
            Check.range("posPillar", p, 1, 30);
        }
        Check.range("posCentMass", posCentMass, 1, 63);
        Check.range("wheelBaseVehicle", wheelBaseVehicle, 1, 127);
        Check.range("turningRadius", turningRadius, 1, 255);
        Check.range("posFrontAx", posFrontAx, 1, 20);
        Check.range("positionOfOccupants", positionOfOccupants, 0, (1 << 20) - 1);
        Check.range("vehicleMass", vehicleMass, 1, 1024);
        Check.range("requestResponseIndication", requestResponseIndication, 0, 1);
    }
}
