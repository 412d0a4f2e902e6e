package org.qkdv2i.sdn.api;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code app_statistics/statistics[end_time]}: key consumed by an application in one period.
 *
 * @param endTime      end of the period (list key)
 * @param startTime    start of the period; null if absent
 * @param consumedBits key bits consumed in the period (uint32); null if absent
 */
public record AppStatistic(Instant endTime, Instant startTime, Long consumedBits) {

    public AppStatistic {
        Objects.requireNonNull(endTime, "end_time");
        Checks.uint32(consumedBits, "consumed_bits");
    }
}
