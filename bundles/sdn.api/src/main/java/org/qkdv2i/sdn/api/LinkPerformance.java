package org.qkdv2i.sdn.api;

import java.util.List;

/**
 * {@code qkdl_performance} of a link (state data). Rates in bit/s (uint32).
 *
 * <p>Two QKD-V2I augmentations (module {@code qkdv2i-sdn}) tell a controller what ETSI GS
 * QKD 015 V2.1.1 has no leaf for: the pool level ({@code qkdv2i-sdn:key_pool}) and the QKD
 * driver's own state ({@code qkdv2i-sdn:driver_state}: {@code STARTING, UP, DEGRADED, DOWN,
 * ABORTED_EAVESDROPPING}), which separates a link under attack from one that is merely down.
 *
 * @param expectedConsumption sum of the bandwidths of the applications on the link; null if absent
 * @param skr                 secret key rate; null if absent
 * @param eskr                effective secret key rate left after internal consumption; null if absent
 * @param physPerf            physical performance values (PHYS links only); never null
 * @param keyPool             QKD-V2I augmentation: the link's pool at this node; null if absent
 * @param driverState         QKD-V2I augmentation: the QKD driver's state; null if absent
 */
public record LinkPerformance(Long expectedConsumption, Long skr, Long eskr, List<PhysPerf> physPerf,
        KeyPool keyPool, String driverState) {

    /** The driver state of a link whose last round was aborted because of eavesdropping. */
    public static final String EAVESDROPPING = "ABORTED_EAVESDROPPING";

    public LinkPerformance {
        Checks.uint32(expectedConsumption, "expected_consumption");
        Checks.uint32(skr, "skr");
        Checks.uint32(eskr, "eskr");
        physPerf = Checks.list(physPerf, "phys_perf");
    }

    /** The standard leaves only. */
    public LinkPerformance(Long expectedConsumption, Long skr, Long eskr, List<PhysPerf> physPerf) {
        this(expectedConsumption, skr, eskr, physPerf, null, null);
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

    /** Whether the driver reports that its last round was aborted because of eavesdropping. */
    public boolean eavesdropping() {
        return EAVESDROPPING.equals(driverState);
    }
}
