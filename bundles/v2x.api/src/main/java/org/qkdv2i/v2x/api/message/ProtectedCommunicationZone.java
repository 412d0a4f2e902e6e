package org.qkdv2i.v2x.api.message;

/**
 * {@code ProtectedCommunicationZone} (TS 102 894-2): ProtectedZoneType (0 permanent CEN DSRC
 * tolling, 1 temporary, an extension value), optional expiryTime (TimestampIts), the zone's
 * latitude and longitude, optional ProtectedZoneRadius (1..255 m in the root, extensible) and
 * optional ProtectedZoneID (0..134217727).
 */
public record ProtectedCommunicationZone(int protectedZoneType, Long expiryTime, int protectedZoneLatitude,
        int protectedZoneLongitude, Integer protectedZoneRadius, Integer protectedZoneId) {
    public ProtectedCommunicationZone {
        Check.range("protectedZoneType", protectedZoneType, 0, 1);
        if (expiryTime != null) {
            Check.range("expiryTime", expiryTime.longValue(), 0, 4398046511103L);
        }
        Check.range("protectedZoneLatitude", protectedZoneLatitude, -900000000, 900000001);
        Check.range("protectedZoneLongitude", protectedZoneLongitude, -1800000000, 1800000001);
        Check.optional("protectedZoneID", protectedZoneId, 0, 134217727);
        Check.optional("protectedZoneRadius", protectedZoneRadius, 0, Integer.MAX_VALUE);
    }
}
