package org.qkdv2i.v2x.codec.net;

/**
 * Short position vector (EN 302 636-4-1 §9.5.3), 20 octets: the destination of a GeoUnicast.
 *
 * @param address GN_ADDR
 * @param timestamp TST, milliseconds since 2004-01-01T00:00:00Z modulo 2^32
 * @param latitude 0.1 microdegree
 * @param longitude 0.1 microdegree
 */
public record ShortPositionVector(GnAddress address, long timestamp, int latitude, int longitude) {
    public ShortPositionVector {
        Checks.notNull("position vector address", address);
        Checks.range("TST", timestamp, 0, 0xFFFF_FFFFL);
        Checks.range("latitude", latitude, -900_000_000, 900_000_000);
        Checks.range("longitude", longitude, -1_800_000_000, 1_800_000_000);
    }
}
