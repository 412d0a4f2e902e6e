package org.qkdv2i.sdn.api;

import java.util.List;

/**
 * {@code qkdl_performance} of a link (state data). Rates in bit/s (uint32).
 *
 * @param expectedConsumption sum of the bandwidths of the applications on the link; null if absent
 * @param skr                 secret key rate; null if absent
 * @param eskr                effective secret key rate left after internal consumption; null if absent
 * @param physPerf            physical performance values (PHYS links only); never null
 */
public record LinkPerformance(Long expectedConsumption, Long skr, Long eskr, List<PhysPerf> physPerf) {

    public LinkPerformance {
        Checks.uint32(expectedConsumption, "expected_consumption");
        Checks.uint32(skr, "skr");
        Checks.uint32(eskr, "eskr");
        physPerf = Checks.list(physPerf, "phys_perf");
    }

    /** The QBER (0..1) if the link reports one, else null. */
    public Double qber() {
        for (PhysPerf p : physPerf) {
            if (p.perfType() == PhysPerfType.QBER) {
                return p.value();
            }
        }
        return null;
    }
}
