package org.qkdv2i.v2x.api.message;

/**
 * A Decentralized Environmental Notification Message (EN 302 637-3 v1.3.1):
 * the header and DecentralizedEnvironmentalNotificationMessage's management container,
 * optional situation, location and à-la-carte containers ({@code null} when absent).
 */
public record Denm(ItsPduHeader header, ManagementContainer management, SituationContainer situation,
        LocationContainer location, AlacarteContainer alacarte) {
    public Denm {
        Check.notNull("header", header);
        Check.notNull("management", management);
    }

    /** A DENM without an à-la-carte container. */
    public Denm(ItsPduHeader header, ManagementContainer management, SituationContainer situation,
            LocationContainer location) {
        this(header, management, situation, location, null);
    }
}
