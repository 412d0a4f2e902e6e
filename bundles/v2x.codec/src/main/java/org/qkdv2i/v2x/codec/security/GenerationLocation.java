package org.qkdv2i.v2x.codec.security;

/**
 * IEEE 1609.2 §6.4.23 ThreeDLocation, the headerInfo's generationLocation (required for the DENM
 * by ETSI TS 103 097 §7.1.2).
 *
 * @param latitude  1/10 microdegree, -900000000..900000000, 900000001 = unavailable
 * @param longitude 1/10 microdegree, -1799999999..1800000000, 1800000001 = unavailable
 * @param elevation IEEE 1609.2 Elevation, Uint16 in decimetres (0..61439 = 0..6143.9 m,
 *                  61440..65535 = -409.6..-0.1 m)
 */
public record GenerationLocation(int latitude, int longitude, int elevation) {

    public GenerationLocation {
        if (latitude < -900_000_000 || latitude > 900_000_001) {
            throw new IllegalArgumentException("latitude " + latitude + " outside -900000000..900000001");
        }
        if (longitude < -1_799_999_999 || longitude > 1_800_000_001) {
            throw new IllegalArgumentException("longitude " + longitude + " outside -1799999999..1800000001");
        }
        if (elevation < 0 || elevation > 65535) {
            throw new IllegalArgumentException("elevation " + elevation + " outside 0..65535");
        }
    }
}
