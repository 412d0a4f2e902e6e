package org.qkdv2i.qkd.postprocessing.cascade;

import org.qkdv2i.qkd.postprocessing.Entropy;

/**
 * Outcome of Cascade at Bob.
 *
 * @param key               Bob's corrected key (bit-packed); verify it before use
 * @param length            key length n
 * @param disclosedParities every parity bit Alice revealed (top-level and BINARY steps): λ_EC
 * @param rounds            request/response round trips
 * @param corrected         bits Bob flipped
 */
public record CascadeResult(long[] key, int length, long disclosedParities, int rounds, int corrected) {
    /**
     * Reconciliation efficiency f = disclosed / (n·h(Q)) with Q = corrected/n, the error rate
     * Cascade actually found (equal to the true QBER when no error is left).
     */
    public double efficiency() {
        return efficiency((double) corrected / length);
    }

    /** f = disclosed / (n·h(qber)) for a given QBER. */
    public double efficiency(double qber) {
        return disclosedParities / (length * Entropy.h(qber));
    }
}
