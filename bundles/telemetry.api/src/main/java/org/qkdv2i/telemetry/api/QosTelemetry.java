package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Allocation by agreed QoS of one key pool at a node (since 1.3): a compact summary of the KMM's
 * per-consumer {@code QosStatus} (shell {@code qkd:qos} has the details). Rates are bits of stored
 * key per second, the pool's currency.
 *
 * @param pool        the pool: the neighbour node whose links it draws on (a relay's first hop)
 * @param consumers   SAE pairs and key streams that asked this pool for key
 * @param reserved    consumers whose guaranteed minimum is reserved now
 * @param servedBps   served to all consumers over the last 10 s
 * @param served      requests served since the KMM started
 * @param refused     requests refused since the KMM started because the key left was reserved for
 *                    others (ETSI 014 503, ETSI 004 status 2/6); its growth means scarcity
 * @param refillBps   the pool's measured refill rate
 */
public record QosTelemetry(String node, String pool, int consumers, int reserved, double servedBps, long served,
        long refused, double refillBps, Instant time) {
    public QosTelemetry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(time, "time");
    }
}
