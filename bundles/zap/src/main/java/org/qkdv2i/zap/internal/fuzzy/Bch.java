package org.qkdv2i.zap.internal.fuzzy;

import java.util.Arrays;

/**
 * Binary primitive narrow-sense BCH code of length n = 2^m − 1 correcting t errors (Bose,
 * Ray-Chaudhuri, Hocquenghem 1959/60; Lin &amp; Costello ch. 6). The generator is the least
 * common multiple of the minimal polynomials of α, α^2, …, α^2t; encoding is systematic
 * (parity in positions 0..n−k−1, message in n−k..n−1); decoding computes the 2t syndromes,
 * finds the error locator with Berlekamp–Massey and its roots with a Chien search.
 *
 * <p>Bits are bytes holding 0 or 1; bit i is the coefficient of x^i. This is an
 * error-correcting code, not a cipher: nothing here is secret-dependent in timing beyond
 * the number of errors, which the helper data already fixes.
 */
public final class Bch {

    private final Gf2m gf;
    private final int n;
    private final int t;
    private final int k;
    /** Generator polynomial coefficients, g[0..n-k], each 0 or 1. */
    private final byte[] g;
    /** powers[e] = α^e for 0 ≤ e &lt; n·2t: syndromes without a modulo per term. */
    private final int[] powers;

    public Bch(int m, int t) {
        this.gf = new Gf2m(m);
        this.n = gf.n;
        this.t = t;
        if (t < 1 || 2 * t >= n) {
            throw new IllegalArgumentException("BCH(m=" + m + ") cannot correct t=" + t);
        }
        boolean[] covered = new boolean[n];
        byte[] gen = {1};
        for (int i = 1; i <= 2 * t; i++) {
            if (covered[i % n]) {
                continue;
            }
            // minimal polynomial of α^i: product of (x − α^j) over the cyclotomic coset of i
            int[] poly = {1}; // coefficients in GF(2^m), lowest degree first
            int j = i % n;
            do {
                covered[j] = true;
                int root = gf.exp[j];
                int[] next = new int[poly.length + 1];
                for (int d = 0; d < poly.length; d++) {
                    next[d + 1] ^= poly[d];
                    next[d] ^= gf.mul(poly[d], root);
                }
                poly = next;
                j = (j * 2) % n;
            } while (j != i % n);
            byte[] bin = new byte[poly.length];
            for (int d = 0; d < poly.length; d++) {
                if (poly[d] > 1) {
                    throw new IllegalStateException("minimal polynomial not binary");
                }
                bin[d] = (byte) poly[d];
            }
            gen = multiply(gen, bin);
        }
        this.g = gen;
        this.powers = new int[n * 2 * t];
        for (int e = 0; e < powers.length; e++) {
            powers[e] = gf.exp[e % n];
        }
        this.k = n - (gen.length - 1);
        if (k <= 0) {
            throw new IllegalArgumentException("BCH(n=" + n + ", t=" + t + ") has no message bits");
        }
    }

    private static byte[] multiply(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length - 1];
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0) {
                for (int j = 0; j < b.length; j++) {
                    out[i + j] ^= b[j];
                }
            }
        }
        return out;
    }

    public int n() {
        return n;
    }

    public int k() {
        return k;
    }

    public int t() {
        return t;
    }

    /** Systematic codeword of a k-bit message. */
    public byte[] encode(byte[] message) {
        if (message.length != k) {
            throw new IllegalArgumentException("message must have " + k + " bits");
        }
        int r = n - k;
        byte[] cw = new byte[n];
        System.arraycopy(message, 0, cw, r, k);
        // remainder of x^r·m(x) divided by g(x), long division from the top
        byte[] rem = cw.clone();
        for (int i = n - 1; i >= r; i--) {
            if (rem[i] != 0) {
                for (int j = 0; j <= r; j++) {
                    rem[i - r + j] ^= g[j];
                }
            }
        }
        System.arraycopy(rem, 0, cw, 0, r);
        return cw;
    }

    /**
     * Corrects {@code word} (n bits) in place.
     *
     * @return the number of bits corrected, or −1 when more than t errors were detected
     *         (the word is then left unchanged)
     */
    public int decode(byte[] word) {
        if (word.length != n) {
            throw new IllegalArgumentException("word must have " + n + " bits");
        }
        int[] s = new int[2 * t + 1]; // s[1..2t]
        boolean zero = true;
        int[] ones = new int[n];
        int weight = 0;
        for (int i = 0; i < n; i++) {
            if (word[i] != 0) {
                ones[weight++] = i;
            }
        }
        for (int j = 1; j <= 2 * t; j += 2) {
            int acc = 0;
            for (int w = 0; w < weight; w++) {
                acc ^= powers[ones[w] * j];
            }
            s[j] = acc;
            zero &= acc == 0;
        }
        if (zero) {
            return 0;
        }
        for (int j = 2; j <= 2 * t; j += 2) {
            s[j] = gf.mul(s[j / 2], s[j / 2]); // binary code: S_2j = S_j^2
        }
        // Berlekamp–Massey (Massey 1969): shortest LFSR C(x) generating s[1..2t]
        int[] c = new int[2 * t + 2];
        int[] b = new int[2 * t + 2];
        c[0] = 1;
        b[0] = 1;
        int len = 0;
        int shift = 1;
        int bd = 1;
        for (int r = 0; r < 2 * t; r++) {
            int d = s[r + 1];
            for (int i = 1; i <= len; i++) {
                d ^= gf.mul(c[i], s[r + 1 - i]);
            }
            if (d == 0) {
                shift++;
                continue;
            }
            int coef = gf.div(d, bd);
            if (2 * len <= r) {
                int[] tmp = c.clone();
                for (int i = 0; i + shift < c.length; i++) {
                    c[i + shift] ^= gf.mul(coef, b[i]);
                }
                len = r + 1 - len;
                b = tmp;
                bd = d;
                shift = 1;
            } else {
                for (int i = 0; i + shift < c.length; i++) {
                    c[i + shift] ^= gf.mul(coef, b[i]);
                }
                shift++;
            }
        }
        if (len > t) {
            return -1;
        }
        // Chien search: position i is in error iff Λ(α^−i) = 0; term d has exponent log Λ_d − i·d
        int[] exps = new int[len + 1];
        int terms = 0;
        int[] degs = new int[len + 1];
        for (int d = 0; d <= len; d++) {
            if (c[d] != 0) {
                exps[terms] = gf.log[c[d]];
                degs[terms++] = d;
            }
        }
        int[] positions = new int[len];
        int found = 0;
        for (int i = 0; i < n; i++) {
            int sum = 0;
            for (int k = 0; k < terms; k++) {
                sum ^= gf.exp[exps[k]];
                int e = exps[k] - degs[k];
                exps[k] = e < 0 ? e + n : e;
            }
            if (sum == 0) {
                if (found == len) {
                    return -1;
                }
                positions[found++] = i;
            }
        }
        if (found != len) {
            return -1; // locator of degree len without len distinct roots: > t errors
        }
        for (int p : positions) {
            word[p] ^= 1;
        }
        return len;
    }

    @Override
    public String toString() {
        return "BCH(" + n + "," + k + "," + t + ")";
    }

    byte[] generator() {
        return Arrays.copyOf(g, g.length);
    }
}
