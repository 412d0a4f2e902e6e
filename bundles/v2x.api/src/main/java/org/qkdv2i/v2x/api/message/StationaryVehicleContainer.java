package org.qkdv2i.v2x.api.message;

/**
 * DENM {@code StationaryVehicleContainer}: all optional ({@code null} when absent).
 *
 * @param stationarySince StationarySince (0 lessThan1Minute, 1 lessThan2Minutes,
 *        2 lessThan15Minutes, 3 equalOrGreater15Minutes)
 * @param numberOfOccupants NumberOfOccupants (0..127; 127 unavailable)
 * @param energyStorageType EnergyStorageType (BIT STRING SIZE(7), bit n = named bit n:
 *        hydrogen, electric, LPG, CNG, diesel, gasoline, ammonia)
 */
public record StationaryVehicleContainer(Integer stationarySince, CauseCode stationaryCause,
        DangerousGoodsExtended carryingDangerousGoods, Integer numberOfOccupants,
        VehicleIdentification vehicleIdentification, Integer energyStorageType) {
    public StationaryVehicleContainer {
        Check.optional("stationarySince", stationarySince, 0, 3);
        Check.optional("numberOfOccupants", numberOfOccupants, 0, 127);
        Check.optional("energyStorageType", energyStorageType, 0, 127);
    }
}
