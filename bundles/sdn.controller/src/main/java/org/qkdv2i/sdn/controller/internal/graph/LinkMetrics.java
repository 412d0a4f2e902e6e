package org.qkdv2i.sdn.controller.internal.graph;

/**
 * One report of a physical link (ETSI GS QKD 015 {@code qkd_link} of type PHYS and its
 * {@code qkdl_performance}), as an agent gives it.
 *
 * @param state               health
 * @param poolBits            key bits the pool holds for relaying/serving now; -1 unknown
 * @param skrBps              secret key rate, bit/s ({@code skr})
 * @param qber                quantum bit error rate 0..1 ({@code phys_perf} QBER); NaN unknown
 * @param expectedConsumption key consumption expected on the link, bit/s ({@code expected_consumption})
 */
public record LinkMetrics(LinkState state, long poolBits, double skrBps, double qber, double expectedConsumption) {

    public LinkMetrics {
        if (state == null) {
            state = LinkState.UNKNOWN;
        }
        if (!(skrBps >= 0) || Double.isInfinite(skrBps)) {
            skrBps = 0;
        }
        if (!(expectedConsumption >= 0) || Double.isInfinite(expectedConsumption)) {
            expectedConsumption = 0;
        }
        if (!(qber >= 0 && qber <= 1)) {
            qber = Double.NaN;
        }
    }

    public static LinkMetrics of(LinkState state, long poolBits, double skrBps, double qber) {
        return new LinkMetrics(state, poolBits, skrBps, qber, 0);
    }

    /**
     * Two ends' reports of one link merged pessimistically: worse state, smaller pool, lower rate,
     * higher QBER and consumption.
     */
    public LinkMetrics merge(LinkMetrics other) {
        if (other == null) {
            return this;
        }
        long pool = poolBits < 0 ? other.poolBits : other.poolBits < 0 ? poolBits : Math.min(poolBits, other.poolBits);
        double q = Double.isNaN(qber) ? other.qber : Double.isNaN(other.qber) ? qber : Math.max(qber, other.qber);
        return new LinkMetrics(state.worst(other.state), pool, Math.min(skrBps, other.skrBps), q,
                Math.max(expectedConsumption, other.expectedConsumption));
    }
}
