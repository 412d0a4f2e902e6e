package org.qkdv2i.qkd.postprocessing.internal;

/**
 * Number-theoretic transform modulo P = 2013265921 = 15·2^27 + 1 (primitive root 31), sizes up
 * to 2^27. Forward is decimation in frequency (natural order in, bit-reversed out), inverse is
 * decimation in time (bit-reversed in, natural out), so no bit-reversal pass is needed for a
 * convolution. Twiddle multiplications use Shoup's precomputed quotients; the recursion works
 * depth-first so that sub-transforms run in cache once they fit.
 */
public final class Ntt {
    public static final int P = 2013265921;
    private static final int G = 31;
    private static final int LEAF = 1 << 11;

    private final int size;
    private final int[] roots;      // roots[len + j] = w_{2len}^j, 1 <= len < size
    private final int[] rootsShoup; // floor(roots * 2^32 / P), unsigned
    private final int[] iroots;
    private final int[] irootsShoup;
    /** Montgomery constants for R = 2^32. */
    private static final int PINV_NEG = computePinvNeg();
    private static final long R2 = (1L << 62) % P * 4 % P; // 2^64 mod P
    private final int scale; // Montgomery form of (R^2 / size): mont(x, scale) = x / size

    private static final java.util.concurrent.ConcurrentHashMap<Integer, java.lang.ref.SoftReference<Ntt>> TABLES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Shared immutable tables for a size (softly cached: twiddle tables cost tens of ms at 2^21
     * and are the same for every block of that size; the GC may drop them under memory pressure).
     */
    public static Ntt of(int size) {
        java.lang.ref.SoftReference<Ntt> ref = TABLES.get(size);
        Ntt t = ref == null ? null : ref.get();
        if (t == null) {
            t = new Ntt(size);
            TABLES.put(size, new java.lang.ref.SoftReference<>(t));
        }
        return t;
    }

    public Ntt(int size) {
        if (Integer.bitCount(size) != 1 || size < 2 || size > (1 << 27)) {
            throw new IllegalArgumentException("size must be a power of two in [2, 2^27]");
        }
        this.size = size;
        roots = new int[size];
        rootsShoup = new int[size];
        iroots = new int[size];
        irootsShoup = new int[size];
        for (int len = 1; len < size; len <<= 1) {
            long w = pow(G, (P - 1L) / (2L * len));
            long wi = pow(w, P - 2L);
            long c = 1, ci = 1;
            for (int j = 0; j < len; j++) {
                roots[len + j] = (int) c;
                rootsShoup[len + j] = (int) ((c << 32) / P);
                iroots[len + j] = (int) ci;
                irootsShoup[len + j] = (int) ((ci << 32) / P);
                c = c * w % P;
                ci = ci * wi % P;
            }
        }
        long invSize = pow(size, P - 2L);
        // mont(x, s) = x * s / R ; want x / size => s = R / size (mod P) in plain form
        scale = (int) (invSize * ((1L << 32) % P) % P);
    }

    public int size() {
        return size;
    }

    private static int computePinvNeg() {
        int inv = P; // Newton iteration for P^{-1} mod 2^32
        for (int i = 0; i < 5; i++) {
            inv *= 2 - P * inv;
        }
        return -inv;
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

    /** Montgomery product a·b·2^(−32) mod P, inputs in [0, P). */
    static int mont(int a, int b) {
        long t = (long) a * b;
        int m = (int) t * PINV_NEG;
        long u = ((t + (m & 0xffffffffL) * P) >>> 32) - P;
        return (int) (u + ((u >> 63) & P));
    }

    /** Shoup multiplication x·w mod P with ws = floor(w·2^32/P). */
    private static int mulShoup(int x, int w, int ws) {
        long q = ((x & 0xffffffffL) * (ws & 0xffffffffL)) >>> 32;
        long r = (long) x * w - q * P - P; // in [-P, P): branch-free correction (random data mispredicts)
        return (int) (r + ((r >> 63) & P));
    }

    /** In-place forward transform (natural order in, bit-reversed order out). */
    public void forward(int[] a) {
        dif(a, 0, size);
    }

    private void dif(int[] a, int off, int n) {
        if (n <= LEAF) {
            for (int len = n >> 1; len >= 1; len >>= 1) {
                for (int s = off; s < off + n; s += 2 * len) {
                    difStage(a, s, len);
                }
            }
            return;
        }
        int len = n >> 1;
        difStage(a, off, len);
        dif(a, off, len);
        dif(a, off + len, len);
    }

    private void difStage(int[] a, int s, int len) {
        final int[] r = roots, rs = rootsShoup;
        for (int j = 0; j < len; j++) {
            int u = a[s + j], v = a[s + j + len];
            int sum = (u - P) + v;
            a[s + j] = sum + ((sum >> 31) & P);
            int d = u - v;
            d += (d >> 31) & P;
            a[s + j + len] = mulShoup(d, r[len + j], rs[len + j]);
        }
    }

    /** In-place inverse transform (bit-reversed order in, natural order out), including 1/size. */
    public void inverse(int[] a) {
        dit(a, 0, size);
        final int sc = scale;
        for (int i = 0; i < size; i++) {
            a[i] = mont(a[i], sc);
        }
    }

    private void dit(int[] a, int off, int n) {
        if (n <= LEAF) {
            for (int len = 1; len < n; len <<= 1) {
                for (int s = off; s < off + n; s += 2 * len) {
                    ditStage(a, s, len);
                }
            }
            return;
        }
        int len = n >> 1;
        dit(a, off, len);
        dit(a, off + len, len);
        ditStage(a, off, len);
    }

    private void ditStage(int[] a, int s, int len) {
        final int[] r = iroots, rs = irootsShoup;
        for (int j = 0; j < len; j++) {
            int u = a[s + j];
            int v = mulShoup(a[s + j + len], r[len + j], rs[len + j]);
            int sum = (u - P) + v;
            a[s + j] = sum + ((sum >> 31) & P);
            int d = u - v;
            a[s + j + len] = d + ((d >> 31) & P);
        }
    }

    /**
     * a[i] = a[i]·b[i] (pointwise, both in transform domain) times 2^32 so that the Montgomery
     * factor cancels: result = plain product.
     */
    public void multiplyPointwise(int[] a, int[] b) {
        final int r2 = (int) R2; // 2^64 mod P: mont(mont(x,y), R2) = x*y
        for (int i = 0; i < size; i++) {
            a[i] = mont(mont(a[i], b[i]), r2);
        }
    }
}
