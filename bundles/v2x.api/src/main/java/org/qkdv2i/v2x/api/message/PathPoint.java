package org.qkdv2i.v2x.api.message;

/**
 * {@code PathPoint}: a position relative to the previous one and an optional PathDeltaTime
 * ({@code INTEGER (1..65535, ...)}, 10 ms into the past; {@code null} when absent; values
 * beyond the root range are carried as extension values).
 */
public record PathPoint(DeltaReferencePosition pathPosition, Integer pathDeltaTime) {
    public PathPoint {
        Check.notNull("pathPosition", pathPosition);
    }
}
