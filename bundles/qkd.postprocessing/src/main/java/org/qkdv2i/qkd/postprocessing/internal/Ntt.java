package org.qkdv2i.qkd.postprocessing.internal;

/**
 * Number-theoretic transform modulo P = 469762049 = 7·2^26 + 1 (primitive root 3), sizes 2^2 to
 * 2^26, for exact convolution of 0/1 sequences (every sum ≤ 2^27 &lt; P), written so that C2's
 * superword pass vectorises it (AVX2/AVX-512) without the Vector API.
 *
 * <p>Layout: a length L = R·C sequence is held as R row arrays of C ints (element r·C + c in
 * row r). The transform is Bailey's four-step algorithm: length-R transforms down the columns
 * (each butterfly pairs two row arrays, the loop runs along them), a twiddle ω^(c·k), a transpose
 * to C arrays of R, and length-C transforms down those. Every loop then reads and writes the same
 * index of separate arrays, which C2 vectorises; a loop over a[i] and a[i + h] of one array it
 * does not (measured: 0.2 vs 2.6 ns per butterfly). The sub-transforms are Cooley–Tukey with
 * natural-order input, bit-reversed output and one twiddle per block (as in the Kyber/Dilithium
 * reference NTTs); the inverse is Gentleman–Sande in mirror order, so a convolution needs no
 * reordering.
 *
 * <p>Arithmetic: 32-bit operations only (a 64-bit multiply stops vectorisation) and few per loop
 * (C2 stops unrolling, and so vectorising, a loop body of about 25 operations). Multiplication by
 * a known factor is Shoup's with the quotient assembled from 16-bit halves, at most 2 short and
 * corrected lazily; values stay in [0, 4P) &lt; 2^31 between butterflies (Harvey, "Faster
 * arithmetic for number-theoretic transforms", J. Symb. Comput. 60, 2014). Pointwise products
 * use the Shoup quotients of the seed's transform, computed by {@link #shoupQuotients}.
 */
public final class Ntt {
    public static final int P = 469762049;
    public static final int MAX_LOG = 26;
    private static final int G = 3;
    private static final int P2 = 2 * P;

    final int log;
    final int size;
    /** log2 and length of the row transform (R) and the column transform (C). */
    final int rl;
    final int cl;
    public final int rows;
    public final int cols;
    /** Per-block twiddles of the length-R and length-C transforms: w and ⌊w·2^32/P⌋, index 2^s + k. */
    private final int[] rw, rs, riw, ris, cw, cs, ciw, cis;
    /** Bailey twiddles ω_L^(c·brv(j)), rows j, columns c, with their Shoup quotients; and the inverses. */
    private final int[][] tw, tws, itw, itws;

    public Ntt(int log) {
        if (log < 2 || log > MAX_LOG) {
            throw new IllegalArgumentException("NTT size 2^" + log + " outside [2^2, 2^" + MAX_LOG + "]");
        }
        this.log = log;
        this.size = 1 << log;
        this.rl = log / 2;
        this.cl = log - rl;
        this.rows = 1 << rl;
        this.cols = 1 << cl;
        rw = new int[rows];
        rs = new int[rows];
        riw = new int[rows];
        ris = new int[rows];
        blockTwiddles(rl, rw, rs, riw, ris);
        cw = new int[cols];
        cs = new int[cols];
        ciw = new int[cols];
        cis = new int[cols];
        blockTwiddles(cl, cw, cs, ciw, cis);
        outScale = pow(size, P - 2L);
        outScaleShoup = shoup(outScale);
        tw = new int[rows][cols];
        tws = new int[rows][cols];
        itw = new int[rows][cols];
        itws = new int[rows][cols];
        long wL = pow(G, (P - 1L) >>> log);
        long wLi = pow(wL, P - 2L);
        for (int j = 0; j < rows; j++) {
            int k = rl == 0 ? 0 : Integer.reverse(j) >>> (32 - rl);
            powers(pow(wL, k), tw[j], tws[j]);
            powers(pow(wLi, k), itw[j], itws[j]);
        }
    }

    /** Heap held by the twiddle tables, bytes. */
    public long retainedBytes() {
        return 4L * 4L * size + 4L * 4L * (rows + cols);
    }

    /** Kyber-style table for a length-2^l transform: stage s, block k uses w_{2^(s+1)}^brv_s(k). */
    private static void blockTwiddles(int l, int[] w, int[] s, int[] iw, int[] is) {
        for (int st = 0; st < l; st++) {
            int blocks = 1 << st;
            long root = pow(G, (P - 1L) >>> (st + 1));
            long iroot = pow(root, P - 2L);
            long c = 1, ci = 1;
            for (int j = 0; j < blocks; j++) {
                int k = st == 0 ? 0 : Integer.reverse(j) >>> (32 - st);
                w[blocks + k] = (int) c;
                s[blocks + k] = (int) shoup(c);
                iw[blocks + k] = (int) ci;
                is[blocks + k] = (int) shoup(ci);
                c = c * root % P;
                ci = ci * iroot % P;
            }
        }
    }

    /** out[c] = base^c mod P, by doubling with Shoup multiplications, and quo[c] its Shoup quotient. */
    private static void powers(long base, int[] out, int[] quo) {
        out[0] = 1;
        long e = base;
        for (int span = 1; span < out.length; span <<= 1) {
            int w = (int) e;
            long ws = shoup(e);
            for (int i = 0; i < span; i++) {
                int x = out[i];
                long q = (x * ws) >>> 32;
                long r = (long) x * w - q * P;
                out[span + i] = (int) (r >= P ? r - P : r);
            }
            e = e * e % P;
        }
        shoupQuotients(out, quo, 0, out.length); // vectorised: the tables are rebuilt per static hash() call
    }

    public int size() {
        return size;
    }

    public int log() {
        return log;
    }

    static long pow(long b, long e) {
        long r = 1;
        b %= P;
        while (e > 0) {
            if ((e & 1) != 0) {
                r = r * b % P;
            }
            b = b * b % P;
            e >>= 1;
        }
        return r;
    }

    /** ⌊w·2^32/P⌋ (fits 32 bits unsigned). */
    static long shoup(long w) {
        return (w << 32) / P;
    }

    // ---- arithmetic in 32-bit operations (vectorisable) ----

    /**
     * x·w mod P in [0, 2P) for 0 ≤ x &lt; 2^31, given s1, s0 = the 16-bit halves of ⌊w·2^32/P⌋. The
     * quotient drops the low partial product and two carries, so it is up to 2 short: the
     * remainder is &lt; 3.5P and one conditional subtraction brings it below 2P.
     */
    static int mulShoup(int x, int w, int s1, int s0) {
        int x1 = x >>> 16, x0 = x & 0xffff;
        int q = x1 * s1 + ((x1 * s0) >>> 16) + ((x0 * s1) >>> 16);
        int r = x * w - q * P - P2;
        return r + ((r >> 31) & P2);
    }




    /** x/L mod P for x in [0, 2P): the result of an unscaled inverse transform. */
    public int finish(int x) {
        return reduce(mulShoupScalar(x, outScale, outScaleShoup));
    }

    /** 1/L mod P and its Shoup quotient. */
    private final long outScale;
    private final long outScaleShoup;

    private static int mulShoupScalar(int x, long w, long ws) {
        long q = ((x & 0xffffffffL) * ws) >>> 32;
        long r = (x & 0xffffffffL) * w - q * P;
        return (int) r; // < 2P
    }

    static int reduce(int x) {
        int y = x - P;
        return y + ((y >> 31) & P);
    }

    // ---- kernels: one loop along separate arrays ----

    /** a[i] = a[i]·w[i] mod P: [0, 4P) in, [0, 2P) out; ws[i] the Shoup quotient of w[i]. */
    private static void twiddle(int[] a, int[] w, int[] ws, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int s = ws[i];
            a[i] = mulShoup(a[i], w[i], s >>> 16, s & 0xffff);
        }
    }

    /**
     * acc[i] = x[i]·y[i] mod P (first part) or acc[i] + that, in [0, 2P); y reduced below P with
     * Shoup quotients ys (see {@link #shoupQuotients}).
     */
    public static void pointwise(int[] acc, int[] x, int[] y, int[] ys, int lo, int hi, boolean first) {
        if (first) {
            for (int i = lo; i < hi; i++) {
                int s = ys[i];
                acc[i] = mulShoup(x[i], y[i], s >>> 16, s & 0xffff);
            }
        } else {
            for (int i = lo; i < hi; i++) {
                int s = ys[i];
                int u = acc[i] + mulShoup(x[i], y[i], s >>> 16, s & 0xffff) - P2;
                acc[i] = u + ((u >> 31) & P2);
            }
        }
    }

    /** 2^32 mod P and the 16-bit halves of its Shoup quotient. */
    private static final int R32 = (int) ((1L << 32) % P);
    private static final int R32S1 = (int) (shoup(R32) >>> 16);
    private static final int R32S0 = (int) (shoup(R32) & 0xffff);

    /**
     * Reduces y[lo..hi) from [0, 4P) to [0, P) and stores their Shoup quotients ⌊y·2^32/P⌋ in ys,
     * in 32-bit operations: ⌊y·2^32/P⌋ = 9y + ⌊y·(2^32 mod P)/P⌋ (2^32 = 9P + (2^32 mod P)), the
     * last quotient estimated as in {@link #mulShoup} (at most 3 short) and corrected from its
     * remainder. Two loops, each small enough for C2 to vectorise.
     */
    public static void shoupQuotients(int[] y, int[] ys, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int v = y[i] - P2;
            v += (v >> 31) & P2;
            v -= P;
            v += (v >> 31) & P;
            y[i] = v;
            int x1 = v >>> 16, x0 = v & 0xffff;
            ys[i] = x1 * R32S1 + ((x1 * R32S0) >>> 16) + ((x0 * R32S1) >>> 16);
        }
        for (int i = lo; i < hi; i++) {
            int v = y[i], q = ys[i];
            int rem = v * R32 - q * P; // in [0, 4P)
            ys[i] = 9 * v + q + ((P - 1 - rem) >>> 31) + ((P2 - 1 - rem) >>> 31) + ((3 * P - 1 - rem) >>> 31);
        }
    }

    private static void ct2(int[] a, int[] b, int lo, int hi, int w, int s1, int s0) {
        for (int i = lo; i < hi; i++) {
            int u = a[i], v = b[i];
            int t = mulShoup(v, w, s1, s0);
            u -= P2;
            u += (u >> 31) & P2;
            a[i] = u + t;
            b[i] = u - t + P2;
        }
    }

    private static void gs2(int[] a, int[] b, int lo, int hi, int w, int s1, int s0) {
        for (int i = lo; i < hi; i++) {
            int u = a[i], v = b[i];
            int c = u + v - P2;
            a[i] = c + ((c >> 31) & P2);
            b[i] = mulShoup(u - v + P2, w, s1, s0);
        }
    }

    /** Forward transform stages down the n = 2^l arrays a[0..n), along [lo, hi); inputs and outputs in [0, 4P). */
    private static void forwardDown(int[][] a, int l, int[] w, int[] s, int lo, int hi) {
        int n = 1 << l;
        for (int st = 0; st < l; st++) {
            int blk = n >>> st, h = blk >>> 1, b1 = 1 << st;
            for (int base = 0, k = 0; base < n; base += blk, k++) {
                int wk = w[b1 + k], x = s[b1 + k], x1 = x >>> 16, x0 = x & 0xffff;
                for (int r = base; r < base + h; r++) {
                    ct2(a[r], a[r + h], lo, hi, wk, x1, x0);
                }
            }
        }
    }

    /** Inverse of {@link #forwardDown} up to the factor 2^l; inputs and outputs in [0, 2P). */
    private static void inverseDown(int[][] a, int l, int[] w, int[] s, int lo, int hi) {
        int n = 1 << l;
        for (int st = l - 1; st >= 0; st--) {
            int blk = n >>> st, h = blk >>> 1, b1 = 1 << st;
            for (int base = 0, k = 0; base < n; base += blk, k++) {
                int wk = w[b1 + k], x = s[b1 + k], x1 = x >>> 16, x0 = x & 0xffff;
                for (int r = base; r < base + h; r++) {
                    gs2(a[r], a[r + h], lo, hi, wk, x1, x0);
                }
            }
        }
    }

    /**
     * Column chunk width for a pass down n arrays: long loops matter more than L2 here (at 2^20,
     * 64-wide chunks that fit L2 ran the stages at half the speed of full 1024-wide rows from L3),
     * so chunks are cut only to keep a pass within about 16 MiB.
     */
    private static int chunk(int n, int len) {
        return Math.max(256, Math.min(len, (1 << 22) / n));
    }

    public int rowChunk() {
        return chunk(rows, cols);
    }

    public int colChunk() {
        return chunk(cols, rows);
    }

    /**
     * Forward, first half, on columns [lo, hi) of m (rows × cols): length-R transforms, Bailey
     * twiddle, and transpose into n (cols × rows).
     */
    public void forwardRows(int[][] m, int[][] n, int lo, int hi) {
        forwardDown(m, rl, rw, rs, lo, hi);
        for (int j = 0; j < rows; j++) {
            twiddle(m[j], tw[j], tws[j], lo, hi);
        }
        transpose(m, n, rows, lo, hi);
    }

    /** Forward, second half, on columns [lo, hi) of n (cols × rows): length-C transforms. */
    public void forwardCols(int[][] n, int lo, int hi) {
        forwardDown(n, cl, cw, cs, lo, hi);
    }

    /** Inverse, first half, on columns [lo, hi) of n (cols × rows), transposed into m (rows × cols). */
    public void inverseCols(int[][] n, int[][] m, int lo, int hi) {
        inverseDown(n, cl, ciw, cis, lo, hi);
        transpose(n, m, cols, lo, hi);
    }

    /** Inverse, second half, on columns [lo, hi) of m: Bailey twiddle and length-R transforms; unscaled. */
    public void inverseRows(int[][] m, int lo, int hi) {
        for (int j = 0; j < rows; j++) {
            twiddle(m[j], itw[j], itws[j], lo, hi);
        }
        inverseDown(m, rl, riw, ris, lo, hi);
    }

    /** dst[c][r] = src[r][c] for r &lt; nr, c in [lo, hi), in 16×16 tiles. */
    private static void transpose(int[][] src, int[][] dst, int nr, int lo, int hi) {
        final int t = 16;
        for (int r0 = 0; r0 < nr; r0 += t) {
            int r1 = Math.min(nr, r0 + t);
            for (int c0 = lo; c0 < hi; c0 += t) {
                int c1 = Math.min(hi, c0 + t);
                for (int r = r0; r < r1; r++) {
                    int[] s = src[r];
                    for (int c = c0; c < c1; c++) {
                        dst[c][r] = s[c];
                    }
                }
            }
        }
    }
}
