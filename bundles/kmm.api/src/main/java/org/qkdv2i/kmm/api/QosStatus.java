package org.qkdv2i.kmm.api;

/**
 * One consumer of a key pool in the allocation by agreed QoS (1.5.0): an ETSI GS QKD 014 SAE pair
 * ({@code consumer} = {@code "pair <master> -> <slave>"}) or an ETSI GS QKD 004 key stream
 * ({@code "stream <key_stream_id>"}). When key is scarce the pool reserves the guaranteed minima of its
 * active consumers in priority order (higher wins) and refuses the rest (ETSI 014 503, ETSI 004 status 2/6).
 * Rates are in bits of stored key per second, the pool's currency (a relayed key costs its hop message).
 *
 * @param nodeId     this node
 * @param pool       the pool: this node's half of its links to that neighbour (a relay's first hop)
 * @param consumer   the SAE pair or stream
 * @param priority   higher wins
 * @param minBps     guaranteed minimum (0 = none)
 * @param maxBps     maximum (0 = none; enforced by the pair's or stream's rate limit)
 * @param reserved   whether its minimum is reserved now (the pool's supply covers it and all higher ones)
 * @param servedBps  served over the last 10 s
 * @param served     requests served since start
 * @param refused    requests refused since start because the key left was reserved for others
 * @param refillBps  the pool's measured refill rate
 */
public record QosStatus(String nodeId, String pool, String consumer, int priority, double minBps, double maxBps,
        boolean reserved, double servedBps, long served, long refused, double refillBps) {
}
