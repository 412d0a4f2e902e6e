package org.qkdv2i.v2x.api.message;

/**
 * DENM {@code AlacarteContainer} (EN 302 637-3 v1.3.1); every component is optional
 * ({@code null} when absent).
 *
 * @param lanePosition LanePosition (-1..14)
 * @param externalTemperature Temperature (-60..67 degrees Celsius)
 * @param positioningSolution PositioningSolutionType (0 noPositioningSolution, 1 sGNSS,
 *        2 dGNSS, 3 sGNSSplusDR, 4 dGNSSplusDR, 5 dR; extensible, no extension values defined)
 */
public record AlacarteContainer(Integer lanePosition, ImpactReductionContainer impactReduction,
        Integer externalTemperature, RoadWorksContainerExtended roadWorks, Integer positioningSolution,
        StationaryVehicleContainer stationaryVehicle) {
    public AlacarteContainer {
        Check.optional("lanePosition", lanePosition, -1, 14);
        Check.optional("externalTemperature", externalTemperature, -60, 67);
        Check.optional("positioningSolution", positioningSolution, 0, 5);
    }
}
