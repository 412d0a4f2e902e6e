package org.qkdv2i.v2x.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an ITS station is and how it moves, as the network layer needs it (the source position
 * vector of GeoNetworking, EN 302 636-4-1 §9.5.2; the CAM basic and high-frequency containers),
 * in the raw units of the ITS standards so no rounding happens on the way to the wire.
 *
 * @param stationId ITS station ID (TS 102 894-2 StationID, 0..4294967295)
 * @param stationType TS 102 894-2 StationType 0..255 (see {@code message.StationType})
 * @param latitude WGS84 latitude in 0.1 microdegree, -900000000..900000000
 * @param longitude WGS84 longitude in 0.1 microdegree, -1800000000..1800000000
 * @param positionAccurate true if the position is within the accuracy threshold the station
 *        is configured for (GeoNetworking PAI)
 * @param speed speed in 0.01 m/s, 0..16382 (16383 = unavailable, as the CAM SpeedValue)
 * @param heading heading in 0.1 degree from north clockwise, 0..3600 (3601 = unavailable)
 * @param time when this state was measured
 */
public record StationState(long stationId, int stationType, int latitude, int longitude, boolean positionAccurate,
        int speed, int heading, Instant time) {

    public StationState {
        if (stationId < 0 || stationId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("stationId " + stationId + " outside 0..4294967295");
        }
        if (stationType < 0 || stationType > 255) {
            throw new IllegalArgumentException("stationType " + stationType + " outside 0..255");
        }
        if (latitude < -900_000_000 || latitude > 900_000_000) {
            throw new IllegalArgumentException("latitude " + latitude + " outside +-90 degrees");
        }
        if (longitude < -1_800_000_000 || longitude > 1_800_000_000) {
            throw new IllegalArgumentException("longitude " + longitude + " outside +-180 degrees");
        }
        if (speed < 0 || speed > 16383) {
            throw new IllegalArgumentException("speed " + speed + " outside 0..16383");
        }
        if (heading < 0 || heading > 3601) {
            throw new IllegalArgumentException("heading " + heading + " outside 0..3601");
        }
        Objects.requireNonNull(time, "time");
    }

    public double latitudeDegrees() {
        return latitude / 1e7;
    }

    public double longitudeDegrees() {
        return longitude / 1e7;
    }
}
