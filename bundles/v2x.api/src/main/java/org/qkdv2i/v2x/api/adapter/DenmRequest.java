package org.qkdv2i.v2x.api.adapter;

import java.time.Duration;
import java.util.Objects;

import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.RelevanceDistance;

/**
 * An application's request to the DEN basic service (EN 302 637-3 §8.1: AppDENM_trigger and
 * AppDENM_update parameters).
 *
 * @param eventType cause and sub-cause
 * @param informationQuality 0..7
 * @param eventPosition where the event is; {@code null} = the station's current position
 * @param validity how long the event is valid (validityDuration, 0..86400 s)
 * @param repetitionInterval interval between repetitions, or {@code null} for no repetition
 * @param repetitionDuration how long repetitions go on (at most the validity), or {@code null} for no repetition
 * @param relevanceDistance or {@code null}
 * @param destinationRadiusMetres radius of the GeoBroadcast circle around the event position (1..65535)
 */
public record DenmRequest(CauseCode eventType, int informationQuality, ReferencePosition eventPosition,
        Duration validity, Duration repetitionInterval, Duration repetitionDuration,
        RelevanceDistance relevanceDistance, int destinationRadiusMetres) {
    public DenmRequest {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(validity, "validity");
        if (informationQuality < 0 || informationQuality > 7) {
            throw new IllegalArgumentException("informationQuality " + informationQuality + " outside 0..7");
        }
        if (validity.isNegative() || validity.toSeconds() > 86400) {
            throw new IllegalArgumentException("validity " + validity + " outside 0..86400 s");
        }
        if ((repetitionInterval == null) != (repetitionDuration == null)) {
            throw new IllegalArgumentException("repetition needs both an interval and a duration");
        }
        if (repetitionInterval != null && (repetitionInterval.toMillis() < 1 || repetitionInterval.toMillis() > 10000)) {
            throw new IllegalArgumentException("repetitionInterval " + repetitionInterval + " outside 1..10000 ms");
        }
        if (repetitionDuration != null && (repetitionDuration.isNegative() || repetitionDuration.compareTo(validity) > 0)) {
            throw new IllegalArgumentException("repetitionDuration must be within 0..validity");
        }
        if (destinationRadiusMetres < 1 || destinationRadiusMetres > 65535) {
            throw new IllegalArgumentException("destinationRadiusMetres " + destinationRadiusMetres + " outside 1..65535");
        }
    }

    /** A one-shot event at the station's position, valid {@code validity}, without repetition, 500 m around. */
    public static DenmRequest of(CauseCode eventType, Duration validity) {
        return new DenmRequest(eventType, 1, null, validity, null, null, null, 500);
    }

    public DenmRequest withRepetition(Duration interval, Duration duration) {
        return new DenmRequest(eventType, informationQuality, eventPosition, validity, interval, duration,
                relevanceDistance, destinationRadiusMetres);
    }

    public DenmRequest withEventPosition(ReferencePosition position) {
        return new DenmRequest(eventType, informationQuality, position, validity, repetitionInterval,
                repetitionDuration, relevanceDistance, destinationRadiusMetres);
    }
}
