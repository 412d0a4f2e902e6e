package org.qkdv2i.sdn.controller.internal.graph;

/**
 * The cost of carrying one application's keys over one physical link: the edge weight of the
 * path search.
 *
 * <pre>
 *   cost = 1 + (1 + priority) · s
 *   s    = demand · H / (pool + H · max(0, skr − consumption) + 1)     (scarcity)
 *          · 1 / (1 − qber / 0.11)                                    (close to the abort threshold)
 *          · 2 if DEGRADED,  capped at 10^6
 * </pre>
 *
 * Why this shape:
 * <ul>
 * <li>The constant 1 per hop: a relayed key spends as much key of every link it crosses as it
 * has bits (one-time pad per hop, ETSI GS QKD 020 relay), so among equally healthy paths the one
 * with the fewest hops spends the least key in the network.</li>
 * <li>{@code s} is key availability: the key the application would draw over a horizon H (60 s)
 * relative to what the link can give over that horizon, i.e. what its pool holds now plus the
 * rate its generation (SKR) has left over after the consumption already expected on it
 * ({@code expected_consumption} reported by the agent, or what the controller's own applications
 * reserve, whichever is larger). The pool term is the quantum key pool of the paper (§5, ref.
 * [22]): a link whose generation stalls still serves from its pool, so a full pool keeps a link
 * attractive; an empty pool on a link that barely keeps up makes it expensive.</li>
 * <li>QBER: a link whose QBER approaches the ≈11 % break-even of one-way BB84 (Shor–Preskill) is
 * about to abort and its SKR shrinks fast; the factor grows without bound towards it (the
 * divisor is floored at 0.05, i.e. ×20).</li>
 * <li>Priority ({@code app_priority}, higher = more important) multiplies the scarcity term only:
 * a high-priority application detours around links that could run dry under it, a low-priority
 * one takes the fewest hops and accepts a leaner link, leaving rich detours to others.</li>
 * </ul>
 * Links DOWN or reporting eavesdropping never get a cost: the search does not cross them.
 */
public final class Weights {

    /** Horizon over which a link must be able to serve the new demand, seconds. */
    public static final double HORIZON_S = 60;
    /** QBER where one-way BB84 stops producing key (Shor–Preskill ≈ 11 %). */
    public static final double QBER_LIMIT = 0.11;
    /** Demand assumed for an application without a minimum bandwidth: one 256-bit key per second. */
    public static final double DEFAULT_DEMAND_BPS = 256;
    static final double MAX_SCARCITY = 1e6;
    static final int MAX_PRIORITY = 100;

    private Weights() {
    }

    /** Edge cost of {@code link} for an application with this demand (bit/s) and priority. */
    public static double cost(PhysLink link, double demandBps, int priority) {
        return cost(link.metrics, link.reservedBps, demandBps, priority);
    }

    static double cost(LinkMetrics m, double reservedBps, double demandBps, int priority) {
        double consumption = Math.max(m.expectedConsumption(), reservedBps);
        double surplus = Math.max(0, m.skrBps() - consumption);
        double capacity = Math.max(0, m.poolBits()) + HORIZON_S * surplus;
        double s = demandBps * HORIZON_S / (capacity + 1);
        double q = m.qber();
        if (q == q) { // not NaN
            s /= Math.max(0.05, 1 - q / QBER_LIMIT);
        }
        if (m.state() == LinkState.DEGRADED) {
            s *= 2;
        }
        s = Math.min(s, MAX_SCARCITY);
        return 1 + (1 + clampPriority(priority)) * s;
    }

    /** The demand used for weighting: the application's minimum bandwidth, or the default. */
    public static double demand(double minBandwidthBps) {
        return minBandwidthBps > 0 && !Double.isInfinite(minBandwidthBps) ? minBandwidthBps : DEFAULT_DEMAND_BPS;
    }

    static int clampPriority(int priority) {
        return Math.max(0, Math.min(MAX_PRIORITY, priority));
    }
}
