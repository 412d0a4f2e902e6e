package org.qkdv2i.qkd.postprocessing.internal;

/**
 * Number-theoretic transform modulo P = 469762049 = 7·2^26 + 1 (primitive root 3), sizes 2^2 to
 * 2^26, built for exact convolution of 0/1 sequences (every sum ≤ 2^27 &lt; P).
 *
 * <p>Layout (as in the Kyber/Dilithium reference NTTs): the forward transform is Cooley–Tukey with
 * natural-order input and bit-reversed output, the inverse Gentleman–Sande with bit-reversed input
 * and natural output, so a convolution needs no reordering. Stage s splits each of its 2^s blocks
 * with one twiddle, {@code tw[2^s + k]}, constant along the block: the twiddle tables are read once
 * per block, not once per butterfly, and the table for size L is a prefix of the one for 2L.
 *
 * <p>Arithmetic (Harvey, "Faster arithmetic for number-theoretic transforms", JSC 60, 2014): P &lt;
 * 2^29, so values live lazily in [0, 4P) &lt; 2^31 (forward) or [0, 2P) (inverse) and a butterfly
 * needs one conditional subtraction and one Shoup multiplication (one 64-bit and two 32-bit
 * multiplies, no division). Two stages are fused per pass over memory (radix 4).
 */
public final class Ntt {
    public static final int P = 469762049;
    public static final int MAX_LOG = 26;
    private static final int G = 3;
    private static final int P2 = 2 * P;
    /** −P^(−1) mod 2^32, for Montgomery reduction of the pointwise products. */
    private static final int PINV_NEG = computePinvNeg();

    final int log;
    final int size;
    /** (shoup &lt;&lt; 32) | w with shoup = ⌊w·2^31/P⌋; index 2^s + k for block k of stage s. */
    private final long[] fw;
    private final long[] iw;

    public Ntt(int log) {
        if (log < 2 || log > MAX_LOG) {
            throw new IllegalArgumentException("NTT size 2^" + log + " outside [2^2, 2^" + MAX_LOG + "]");
        }
        this.log = log;
        this.size = 1 << log;
        fw = new long[size];
        iw = new long[size];
        for (int s = 0; s < log; s++) {
            int blocks = 1 << s;
            long w = pow(G, (P - 1L) >>> (s + 1)); // primitive 2^(s+1)-th root of unity
            long wi = pow(w, P - 2L);
            long ws = shoup(w), wis = shoup(wi);
            long c = 1, ci = 1;
            for (int j = 0; j < blocks; j++) {
                int k = s == 0 ? 0 : Integer.reverse(j) >>> (32 - s);
                fw[blocks + k] = pack(c);
                iw[blocks + k] = pack(ci);
                c = reduce(mulLazy((int) c, (int) w, ws));
                ci = reduce(mulLazy((int) ci, (int) wi, wis));
            }
        }
    }

    public int size() {
        return size;
    }

    public int log() {
        return log;
    }

    private static int computePinvNeg() {
        int inv = P; // Newton iteration for P^(−1) mod 2^32
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

    static long shoup(long w) {
        return (w << 31) / P;
    }

    static long pack(long w) {
        return (shoup(w) << 32) | w;
    }

    /** x·w mod P in [0, 2P) for 0 ≤ x &lt; 2^31, ws = ⌊w·2^31/P⌋ (Shoup; the int products wrap exactly). */
    static int mulLazy(int x, int w, long ws) {
        int q = (int) ((x * ws) >>> 31);
        return x * w - q * P;
    }

    /** [0, 2P) to [0, P). */
    static int reduce(int x) {
        int y = x - P;
        return y + ((y >> 31) & P);
    }

    /** x·y·2^(−32) mod P in [0, 2P), for x, y in [0, 4P). */
    public static int mont(int x, int y) {
        long t = (long) x * y;
        int m = (int) t * PINV_NEG;
        int u = (int) ((t + (m & 0xffffffffL) * P) >>> 32); // < 2.75·P
        u -= P2;
        return u + ((u >> 31) & P2);
    }

    /** (x mod P) for x in [0, 2P), after multiplying by the constant c (packed by {@link #constant}). */
    public static int mulReduce(int x, long c) {
        return reduce(mulLazy(x, (int) c, c >>> 32));
    }

    /** 2^32 / L mod P, packed for {@link #mulReduce}: undoes the inverse's factor L and Montgomery's 2^(−32). */
    public long outputScale() {
        long invL = pow(size, P - 2L);
        return pack(invL * ((1L << 32) % P) % P);
    }

    /** Forward stages s and s+1 on the block of 4h elements at off (block index k at stage s), j in [jlo, jhi). */
    public void forward4(int[] a, int off, int h, int s, int jlo, int jhi) {
        int k = off >>> (log - s);
        long z1 = fw[(1 << s) + k], z2 = fw[(2 << s) + 2 * k], z3 = fw[(2 << s) + 2 * k + 1];
        ct4(a, off, h, z1, z2, z3, jlo, jhi);
    }

    /** Inverse stages s+1 and s on the block of 4h elements at off, j in [jlo, jhi). */
    public void inverse4(int[] a, int off, int h, int s, int jlo, int jhi) {
        int k = off >>> (log - s);
        long z1 = iw[(1 << s) + k], z2 = iw[(2 << s) + 2 * k], z3 = iw[(2 << s) + 2 * k + 1];
        gs4(a, off, h, z1, z2, z3, jlo, jhi);
    }

    private static void ct4(int[] a, int off, int h, long z1, long z2, long z3, int jlo, int jhi) {
        final int w1 = (int) z1, w2 = (int) z2, w3 = (int) z3;
        final long s1 = z1 >>> 32, s2 = z2 >>> 32, s3 = z3 >>> 32;
        final int h2 = 2 * h, h3 = 3 * h;
        for (int j = off + jlo, e = off + jhi; j < e; j++) {
            int a0 = a[j], a1 = a[j + h], a2 = a[j + h2], a3 = a[j + h3];
            // stage s: (a0, a2) and (a1, a3), twiddle z1
            int t = a2 * w1 - (int) ((a2 * s1) >>> 31) * P;
            a0 -= P2;
            a0 += (a0 >> 31) & P2;
            int b0 = a0 + t, b2 = a0 - t + P2;
            t = a3 * w1 - (int) ((a3 * s1) >>> 31) * P;
            a1 -= P2;
            a1 += (a1 >> 31) & P2;
            int b1 = a1 + t, b3 = a1 - t + P2;
            // stage s+1: (b0, b1) twiddle z2, (b2, b3) twiddle z3
            t = b1 * w2 - (int) ((b1 * s2) >>> 31) * P;
            b0 -= P2;
            b0 += (b0 >> 31) & P2;
            a[j] = b0 + t;
            a[j + h] = b0 - t + P2;
            t = b3 * w3 - (int) ((b3 * s3) >>> 31) * P;
            b2 -= P2;
            b2 += (b2 >> 31) & P2;
            a[j + h2] = b2 + t;
            a[j + h3] = b2 - t + P2;
        }
    }

    private static void gs4(int[] a, int off, int h, long z1, long z2, long z3, int jlo, int jhi) {
        final int w1 = (int) z1, w2 = (int) z2, w3 = (int) z3;
        final long s1 = z1 >>> 32, s2 = z2 >>> 32, s3 = z3 >>> 32;
        final int h2 = 2 * h, h3 = 3 * h;
        for (int j = off + jlo, e = off + jhi; j < e; j++) {
            int a0 = a[j], a1 = a[j + h], a2 = a[j + h2], a3 = a[j + h3];
            // stage s+1: (a0, a1) twiddle z2, (a2, a3) twiddle z3
            int b0 = a0 + a1 - P2;
            b0 += (b0 >> 31) & P2;
            int d = a0 - a1 + P2;
            int b1 = d * w2 - (int) ((d * s2) >>> 31) * P;
            int b2 = a2 + a3 - P2;
            b2 += (b2 >> 31) & P2;
            d = a2 - a3 + P2;
            int b3 = d * w3 - (int) ((d * s3) >>> 31) * P;
            // stage s: (b0, b2) and (b1, b3), twiddle z1
            int c = b0 + b2 - P2;
            a[j] = c + ((c >> 31) & P2);
            d = b0 - b2 + P2;
            a[j + h2] = d * w1 - (int) ((d * s1) >>> 31) * P;
            c = b1 + b3 - P2;
            a[j + h] = c + ((c >> 31) & P2);
            d = b1 - b3 + P2;
            a[j + h3] = d * w1 - (int) ((d * s1) >>> 31) * P;
        }
    }

    /**
     * Forward stages s .. log−1 on the block [off, off + (size &gt;&gt; s)): natural order in, values
     * in [0, 4P) out (bit-reversed within the block). Inputs in [0, 4P).
     */
    public void forwardBlock(int[] a, int off, int s) {
        int n = size >>> s;
        int t = s;
        for (; t + 1 < log; t += 2) {
            int blk = size >>> t, h = blk >>> 2;
            int k = off >>> (log - t);
            int base1 = 1 << t, base2 = 2 << t;
            for (int o = off, e = off + n; o < e; o += blk, k++) {
                ct4(a, o, h, fw[base1 + k], fw[base2 + 2 * k], fw[base2 + 2 * k + 1], 0, h);
            }
        }
        if (t < log) { // one radix-2 stage left: blocks of 2
            int base = 1 << t;
            for (int o = off, e = off + n, k = off >>> 1; o < e; o += 2, k++) {
                long z = fw[base + k];
                int u = a[o], v = a[o + 1];
                int tt = mulLazy(v, (int) z, z >>> 32);
                u -= P2;
                u += (u >> 31) & P2;
                a[o] = u + tt;
                a[o + 1] = u - tt + P2;
            }
        }
    }

    /** Inverse stages log−1 .. s on the block [off, off + (size &gt;&gt; s)); inputs in [0, 2P), outputs in [0, 2P), unscaled (times the block length). */
    public void inverseBlock(int[] a, int off, int s) {
        int n = size >>> s;
        int t = log;
        if (((log - s) & 1) != 0) {
            t = log - 1;
            int base = 1 << t;
            for (int o = off, e = off + n, k = off >>> 1; o < e; o += 2, k++) {
                long z = iw[base + k];
                int u = a[o], v = a[o + 1];
                int c = u + v - P2;
                a[o] = c + ((c >> 31) & P2);
                a[o + 1] = mulLazy(u - v + P2, (int) z, z >>> 32);
            }
        }
        for (t -= 2; t >= s; t -= 2) {
            int blk = size >>> t, h = blk >>> 2;
            int k = off >>> (log - t);
            int base1 = 1 << t, base2 = 2 << t;
            for (int o = off, e = off + n; o < e; o += blk, k++) {
                gs4(a, o, h, iw[base1 + k], iw[base2 + 2 * k], iw[base2 + 2 * k + 1], 0, h);
            }
        }
    }
}
