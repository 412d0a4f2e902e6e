package org.qkdv2i.zap.internal.fuzzy;

/** The finite field GF(2^m), 3 ≤ m ≤ 12, by log/antilog tables over a primitive polynomial. */
final class Gf2m {

    /** Primitive polynomials (Lin &amp; Costello, Table 2.7), indexed by m. */
    private static final int[] PRIMITIVE = {0, 0, 0, 0xB, 0x13, 0x25, 0x43, 0x89, 0x11D, 0x211, 0x409, 0x805, 0x1053};

    final int m;
    final int n;
    /** exp[i] = α^i for 0 ≤ i < 2n (doubled so products need no reduction). */
    final int[] exp;
    /** log[a] for a ≠ 0. */
    final int[] log;

    Gf2m(int m) {
        if (m < 3 || m >= PRIMITIVE.length) {
            throw new IllegalArgumentException("GF(2^" + m + ") not supported (3 ≤ m ≤ 12)");
        }
        this.m = m;
        this.n = (1 << m) - 1;
        exp = new int[2 * n];
        log = new int[n + 1];
        int x = 1;
        for (int i = 0; i < n; i++) {
            exp[i] = x;
            exp[i + n] = x;
            log[x] = i;
            x <<= 1;
            if ((x & (1 << m)) != 0) {
                x ^= PRIMITIVE[m];
            }
        }
        if (x != 1) {
            throw new IllegalStateException("polynomial for m=" + m + " is not primitive");
        }
    }

    int mul(int a, int b) {
        return a == 0 || b == 0 ? 0 : exp[log[a] + log[b]];
    }

    int div(int a, int b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero in GF(2^" + m + ")");
        }
        return a == 0 ? 0 : exp[log[a] - log[b] + n];
    }

    /** α^e for any e ≥ 0. */
    int alphaPow(long e) {
        return exp[(int) (e % n)];
    }
}
