package org.qkdv2i.v2x.api.message;

/**
 * A Decentralized Environmental Notification Message (EN 302 637-3 v1.3.1):
 * the header and DecentralizedEnvironmentalNotificationMessage's management container,
 * optional situation and location containers ({@code null} when absent). The optional
 * à-la-carte container is not modelled in this version.
 */
public record Denm(ItsPduHeader header, ManagementContainer management, SituationContainer situation,
        LocationContainer location) {
    public Denm {
        Check.notNull("header", header);
        Check.notNull("management", management);
    }
}
