package org.qkdv2i.v2x.codec.net;

/**
 * Destination area of a GeoBroadcast/GeoAnycast (EN 302 636-4-1 §9.8.5, EN 302 931): its
 * shape travels as the header subtype, the rest in the extended header.
 *
 * @param shape circle, rectangle or ellipse
 * @param latitude centre, 0.1 microdegree
 * @param longitude centre, 0.1 microdegree
 * @param distanceA radius (circle) or half-length of the long side/axis, metres 0..65535
 * @param distanceB half-length of the short side/axis, metres 0..65535 (0 for a circle)
 * @param angle azimuth of the long side from north, degrees 0..65535 (0..359 in practice; 0 for a circle)
 */
public record GeoArea(Shape shape, int latitude, int longitude, int distanceA, int distanceB, int angle) {
    /** Area shapes; the ordinal is the header subtype (HST). */
    public enum Shape {
        CIRCLE, RECTANGLE, ELLIPSE
    }

    public GeoArea {
        Checks.notNull("area shape", shape);
        Checks.range("area latitude", latitude, -900_000_000, 900_000_000);
        Checks.range("area longitude", longitude, -1_800_000_000, 1_800_000_000);
        Checks.range("distance a", distanceA, 0, 65535);
        Checks.range("distance b", distanceB, 0, 65535);
        Checks.range("angle", angle, 0, 65535);
    }

    public static GeoArea circle(int latitude, int longitude, int radiusMetres) {
        return new GeoArea(Shape.CIRCLE, latitude, longitude, radiusMetres, 0, 0);
    }
}
