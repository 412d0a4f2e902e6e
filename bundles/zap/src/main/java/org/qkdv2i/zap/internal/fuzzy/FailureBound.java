package org.qkdv2i.zap.internal.fuzzy;

/**
 * Exact binomial tails for the reconstruction failure bound of {@link FuzzyExtractor}
 * (summed term by term in log space, no Chernoff or normal approximation).
 */
public final class FailureBound {

    private FailureBound() {
    }

    /** P[Bin(n, p) ≥ from]. */
    public static double upperTail(int n, double p, int from) {
        double sum = 0;
        double lp = Math.log(p);
        double lq = Math.log1p(-p);
        for (int i = Math.max(0, from); i <= n; i++) {
            sum += Math.exp(logChoose(n, i) + i * lp + (n - i) * lq);
        }
        return sum;
    }

    /** Probability that a repetition group of length r decodes to the wrong bit. */
    public static double repetitionError(int r, double p) {
        return upperTail(r, p, (r + 1) / 2);
    }

    /** Probability that one BCH block sees more than t errors after the repetition decoder. */
    public static double blockError(CodeParams c, double p) {
        return upperTail(c.n(), repetitionError(c.repetition(), p), c.t() + 1);
    }

    /** Union bound on the failure probability of one reconstruction at mean bit error rate p. */
    public static double reconstructionFailure(CodeParams c, double p) {
        return c.blocks() * blockError(c, p);
    }

    static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }
}
