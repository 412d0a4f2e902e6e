package org.qkdv2i.qkd.postprocessing.cascade;

/** Block-size schedules of Cascade. */
public enum CascadeVariant {
    /**
     * Brassard–Salvail, "Secret-key reconciliation by public discussion", EUROCRYPT '93: 4 passes,
     * k1 = ⌈0.73/Q⌉, k_i = 2·k_{i−1}; a corrected bit re-opens the top-level blocks containing it.
     */
    ORIGINAL,
    /**
     * Martinez-Mateo, Pacher, Peev, Ciurana, Martin, "Demystifying the information reconciliation
     * protocol Cascade", QIC 15 (2015), optimisation (8): 14 passes, α = log2(1/Q) − ½,
     * k1 = 2^⌈α⌉, k2 = 2^⌈(α + 12)/2⌉, k3 = 4096, k_i = ⌈n/2⌉ for i ≥ 4, with sub-block reuse
     * (a corrected bit re-opens the smallest block of known parity containing it).
     */
    OPTIMISED
}
