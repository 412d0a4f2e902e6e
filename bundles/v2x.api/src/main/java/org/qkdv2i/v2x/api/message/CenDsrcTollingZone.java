package org.qkdv2i.v2x.api.message;

/**
 * {@code CenDsrcTollingZone}: the zone's latitude and longitude (0.1 microdegree, as in
 * {@link ReferencePosition}) and an optional CenDsrcTollingZoneID (0..134217727).
 */
public record CenDsrcTollingZone(int protectedZoneLatitude, int protectedZoneLongitude, Integer cenDsrcTollingZoneId) {
    public CenDsrcTollingZone {
        Check.range("protectedZoneLatitude", protectedZoneLatitude, -900000000, 900000001);
        Check.range("protectedZoneLongitude", protectedZoneLongitude, -1800000000, 1800000001);
        Check.optional("cenDsrcTollingZoneID", cenDsrcTollingZoneId, 0, 134217727);
    }
}
