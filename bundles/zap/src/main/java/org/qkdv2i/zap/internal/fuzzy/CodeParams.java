package org.qkdv2i.zap.internal.fuzzy;

/**
 * Parameters of the concatenated code of the fuzzy extractor: every bit of {@code blocks}
 * BCH(2^m − 1, k, t) codewords is repeated {@code repetition} times (inner code).
 */
public record CodeParams(int repetition, int m, int t, int blocks) {

    /** Inner repetition length (odd: majority decoding has no ties). */
    public static final int REPETITION = 7;
    /** Outer BCH(255, 131, 18) over GF(2^8). */
    public static final int M = 8;
    public static final int T = 18;
    /** Secret bits the extractor must deliver. */
    public static final int SECRET_BITS = 256;

    public CodeParams {
        if (repetition < 1 || repetition % 2 == 0 || repetition > 31) {
            throw new IllegalArgumentException("repetition length must be odd, 1..31: " + repetition);
        }
        if (m < 3 || m > 12 || t < 1 || blocks < 1 || blocks > 64) {
            throw new IllegalArgumentException("bad BCH parameters m=" + m + " t=" + t + " blocks=" + blocks);
        }
    }

    /**
     * The default design for a PUF of {@code cells} cells: repetition 7 × BCH(255,131,18), as
     * many blocks as fit (2 for 4096 cells: 3,570 cells used, 262 message bits).
     *
     * <p>Entropy left after the helper data (code-offset, Dodis et al. 2004 §5 / Lemma 3.1):
     * H̃∞(W | helper) ≥ H∞(W) − (N − K), N = cells used, K = message bits. The emulated PUF
     * draws cell skews independently and symmetrically around 0, so its enrolled bits are
     * independent and unbiased (H∞ = 1 per cell): 3,570 − (3,570 − 262) = 262 bits remain
     * (conservatively — a repetition group leaks its internal parities and nothing more), of
     * which the device secret keeps 256. A hardware PUF with min-entropy h per cell keeps
     * K − (1 − h)·N bits: it needs h ≥ 0.9983 at 2 blocks, or more cells (blocks grow with
     * {@code cells}; each block adds 131 bits for 1,785 cells).
     *
     * @throws IllegalArgumentException when the PUF is too small for a 256-bit secret
     */
    public static CodeParams forCells(int cells) {
        Bch probe = new Bch(M, T);
        int perBlock = probe.n() * REPETITION;
        int blocks = Math.min(64, cells / perBlock);
        if (blocks * probe.k() < SECRET_BITS) {
            int need = (SECRET_BITS + probe.k() - 1) / probe.k() * perBlock;
            throw new IllegalArgumentException("a PUF of " + cells + " cells is too small for a "
                    + SECRET_BITS + "-bit secret at 15 % bit errors: it needs at least " + need + " cells");
        }
        return new CodeParams(REPETITION, M, T, blocks);
    }

    public int n() {
        return (1 << m) - 1;
    }

    /** Cells the code covers (the rest of the PUF is unused). */
    public int cellsUsed() {
        return blocks * n() * repetition;
    }
}
