package org.qkdv2i.sdn.api;

import java.util.Objects;

/**
 * {@code qkdl_performance/phys_perf[perf_type]}: one physical performance value of a PHYS link.
 *
 * @param perfType the parameter (QBER as a fraction 0..1, SNR)
 * @param value    its value (decimal64 with 3 fraction digits on the wire)
 */
public record PhysPerf(PhysPerfType perfType, double value) {

    public PhysPerf {
        Objects.requireNonNull(perfType, "perf_type");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("phys_perf " + perfType.identity() + " must be a finite number");
        }
    }
}
