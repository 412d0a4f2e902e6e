package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * DENM {@code SituationContainer}: InformationQuality (0..7; 0 unavailable, 1 lowest,
 * 7 highest), the event type, an optional linked cause ({@code null} when absent) and the
 * event history (EventHistory, 1..23 points; an empty list means absent).
 */
public record SituationContainer(int informationQuality, CauseCode eventType, CauseCode linkedCause,
        List<EventPoint> eventHistory) {
    public SituationContainer {
        Check.range("informationQuality", informationQuality, 0, 7);
        Check.notNull("eventType", eventType);
        eventHistory = List.copyOf(Check.notNull("eventHistory", eventHistory));
        Check.range("eventHistory size", eventHistory.size(), 0, 23);
    }

    /** A situation with quality and event type only. */
    public static SituationContainer of(int informationQuality, CauseCode eventType) {
        return new SituationContainer(informationQuality, eventType, null, List.of());
    }
}
