package org.qkdv2i.v2x.api.message;

/**
 * {@code EventPoint}: a position relative to the previous event point, an optional
 * PathDeltaTime ({@code null} when absent) and the InformationQuality (0..7).
 */
public record EventPoint(DeltaReferencePosition eventPosition, Integer eventDeltaTime, int informationQuality) {
    public EventPoint {
        Check.notNull("eventPosition", eventPosition);
        Check.range("informationQuality", informationQuality, 0, 7);
    }
}
