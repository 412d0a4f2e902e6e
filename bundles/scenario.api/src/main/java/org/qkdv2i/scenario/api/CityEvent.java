package org.qkdv2i.scenario.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in the city.
 *
 * @param seq      increasing from 1, without gaps, for the life of the scenario
 * @param simTime  simulated time
 * @param kind     one of the constants below (viewers show unknown kinds as plain text)
 * @param subject  what it happened to: a link, node, RSU, vehicle or application ID
 * @param text     one human-readable line; never key material
 */
public record CityEvent(long seq, Instant simTime, String kind, String subject, String text) {

    public static final String WEATHER = "WEATHER";
    public static final String LINK_STATE = "LINK_STATE";
    public static final String ATTACK_STARTED = "ATTACK_STARTED";
    public static final String ATTACK_STOPPED = "ATTACK_STOPPED";
    public static final String EAVESDROPPING_DETECTED = "EAVESDROPPING_DETECTED";
    public static final String REROUTE = "REROUTE";
    public static final String POOL_EMPTY = "POOL_EMPTY";
    public static final String HANDOVER = "HANDOVER";
    public static final String DRIVER_UPDATED = "DRIVER_UPDATED";
    public static final String APP_PROVISIONED = "APP_PROVISIONED";
    public static final String ALARM = "ALARM";

    public CityEvent {
        Objects.requireNonNull(simTime, "simTime");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
    }
}
