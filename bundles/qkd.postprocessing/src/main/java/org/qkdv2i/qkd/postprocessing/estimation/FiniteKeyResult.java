package org.qkdv2i.qkd.postprocessing.estimation;

/**
 * Outcome of the finite-key bound of Lim et al. 2014.
 *
 * @param s0Key         s_{X,0}, lower bound on vacuum events in the key basis (Eq. (2))
 * @param s1Key         s_{X,1}, lower bound on single-photon events in the key basis (Eq. (3))
 * @param s1Test        s_{Z,1}, the same in the test basis
 * @param v1Test        v_{Z,1}, upper bound on single-photon errors in the test basis (Eq. (4))
 * @param phaseError    φ_X, upper bound on the single-photon phase error rate (Eq. (5)), ≤ ½
 * @param leakEc        λ_EC used
 * @param secretLength  ℓ (Eq. (1)), floored, ≥ 0
 */
public record FiniteKeyResult(double s0Key, double s1Key, double s1Test, double v1Test,
                              double phaseError, double leakEc, long secretLength) {
}
