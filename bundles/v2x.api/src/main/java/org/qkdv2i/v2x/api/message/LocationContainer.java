package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * DENM {@code LocationContainer}: optional event speed and heading ({@code null} when absent),
 * the traces (Traces, 1..7 path histories of 0..40 points each) and an optional road type.
 */
public record LocationContainer(Speed eventSpeed, Heading eventPositionHeading, List<List<PathPoint>> traces,
        RoadType roadType) {
    public LocationContainer {
        Check.notNull("traces", traces);
        traces = traces.stream().map(List::copyOf).toList();
        Check.range("traces size", traces.size(), 1, 7);
        for (List<PathPoint> trace : traces) {
            Check.range("pathHistory size", trace.size(), 0, 40);
        }
    }

    /** A location with a single empty trace, the minimum the ASN.1 allows. */
    public static LocationContainer minimal() {
        return new LocationContainer(null, null, List.of(List.of()), null);
    }
}
