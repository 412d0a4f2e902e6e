package org.qkdv2i.v2x.itsg5.internal.stack;

import org.qkdv2i.v2x.codec.net.GeoArea;

/**
 * ETSI EN 302 931 §5 geometric function: F(x, y) ≥ 0 inside the area, with (x, y) the point in
 * Cartesian metres relative to the centre, x along the long side (azimuth {@code angle} from north).
 * Local flat-earth projection, ample for areas of a few kilometres.
 */
final class GeoAreas {
    private static final double EARTH_RADIUS_M = 6_371_008.8;

    private GeoAreas() {
    }

    /** Latitude/longitude in 0.1 microdegree. */
    static boolean contains(GeoArea area, int latitude, int longitude) {
        double phi = Math.toRadians(area.latitude() / 1e7);
        double north = Math.toRadians((latitude - (double) area.latitude()) / 1e7) * EARTH_RADIUS_M;
        double east = Math.toRadians((longitude - (double) area.longitude()) / 1e7) * EARTH_RADIUS_M * Math.cos(phi);
        double theta = Math.toRadians(area.angle());
        double x = east * Math.sin(theta) + north * Math.cos(theta);
        double y = east * Math.cos(theta) - north * Math.sin(theta);
        double a = area.distanceA();
        double b = area.distanceB();
        double f = switch (area.shape()) {
            case CIRCLE -> 1 - (x / a) * (x / a) - (y / a) * (y / a);
            case RECTANGLE -> Math.min(1 - (x / a) * (x / a), 1 - (y / b) * (y / b));
            case ELLIPSE -> 1 - (x / a) * (x / a) - (y / b) * (y / b);
        };
        return f >= 0;
    }
}
