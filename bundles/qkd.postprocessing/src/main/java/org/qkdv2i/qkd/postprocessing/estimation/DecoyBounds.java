package org.qkdv2i.qkd.postprocessing.estimation;

/**
 * Single-photon bounds of the vacuum + weak decoy method.
 *
 * @param y1Lower Y1_L, lower bound on the single-photon yield
 * @param e1Upper e1_U, upper bound on the single-photon error rate (clamped to [0, ½])
 * @param q1Lower Q1_L = Y1_L μ e^(−μ), lower bound on the single-photon gain of the signal
 */
public record DecoyBounds(double y1Lower, double e1Upper, double q1Lower) {
}
