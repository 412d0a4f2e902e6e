package org.qkdv2i.qkd.postprocessing;

import java.util.Arrays;

/**
 * BB84 sifting with decoy intensities. All arrays are indexed by <em>detection</em>: Bob announces
 * which pulses he detected and in which basis, Alice announces her basis and intensity class for
 * those pulses; both then call {@link #sift} on the same public data and get the same index sets.
 * Bases are {@link #BASIS_Z} / {@link #BASIS_X}; intensity classes are small integers
 * {@code 0 .. classes-1} (e.g. 0 = signal μ, 1 = weak decoy ν, 2 = vacuum).
 */
public final class Sifting {
    public static final byte BASIS_Z = 0;
    public static final byte BASIS_X = 1;

    private Sifting() {
    }

    /**
     * Keeps the detections where Alice's and Bob's bases agree and groups them by intensity class
     * and basis.
     *
     * @param aliceBasis     Alice's basis per detection
     * @param aliceIntensity Alice's intensity class per detection ({@code 0 .. classes-1})
     * @param bobBasis       Bob's basis per detection
     * @param classes        number of intensity classes
     */
    public static Result sift(byte[] aliceBasis, byte[] aliceIntensity, byte[] bobBasis, int classes) {
        int n = aliceBasis.length;
        if (aliceIntensity.length != n || bobBasis.length != n) {
            throw new IllegalArgumentException("basis/intensity arrays differ in length");
        }
        int[][] counts = new int[classes][2];
        for (int i = 0; i < n; i++) {
            if (aliceBasis[i] == bobBasis[i]) {
                counts[check(aliceIntensity[i], classes)][check(aliceBasis[i], 2)]++;
            }
        }
        int[][][] idx = new int[classes][2][];
        for (int c = 0; c < classes; c++) {
            for (int b = 0; b < 2; b++) {
                idx[c][b] = new int[counts[c][b]];
                counts[c][b] = 0;
            }
        }
        for (int i = 0; i < n; i++) {
            if (aliceBasis[i] == bobBasis[i]) {
                int c = aliceIntensity[i], b = aliceBasis[i];
                idx[c][b][counts[c][b]++] = i;
            }
        }
        return new Result(idx, n);
    }

    private static int check(int v, int bound) {
        if (v < 0 || v >= bound) {
            throw new IllegalArgumentException("class/basis " + v + " outside [0," + bound + ")");
        }
        return v;
    }

    /** Sifted detection indices per intensity class and basis. */
    public static final class Result {
        private final int[][][] idx;
        private final int detections;

        Result(int[][][] idx, int detections) {
            this.idx = idx;
            this.detections = detections;
        }

        /** Detection indices (ascending) with matching bases, for one intensity class and basis. */
        public int[] indices(int intensityClass, int basis) {
            return idx[intensityClass][basis].clone();
        }

        public int count(int intensityClass, int basis) {
            return idx[intensityClass][basis].length;
        }

        /** Sifted count in one basis over all intensity classes. */
        public int count(int basis) {
            int s = 0;
            for (int[][] c : idx) {
                s += c[basis].length;
            }
            return s;
        }

        public int classes() {
            return idx.length;
        }

        /** Number of detections the sifting was run on. */
        public int detections() {
            return detections;
        }

        /** The bits ({@code bits[detection]}, 0/1) of one class and basis, packed in index order. */
        public long[] select(byte[] bits, int intensityClass, int basis) {
            return Bits.select(bits, idx[intensityClass][basis]);
        }

        /** Indices of one basis over the given classes, merged in ascending detection order. */
        public int[] indices(int basis, int... classes) {
            int total = 0;
            for (int c : classes) {
                total += idx[c][basis].length;
            }
            int[] out = new int[total];
            int p = 0;
            for (int c : classes) {
                System.arraycopy(idx[c][basis], 0, out, p, idx[c][basis].length);
                p += idx[c][basis].length;
            }
            Arrays.sort(out);
            return out;
        }

        /** Number of positions in one class and basis where Alice's and Bob's bits differ. */
        public int errors(byte[] aliceBits, byte[] bobBits, int intensityClass, int basis) {
            int e = 0;
            for (int i : idx[intensityClass][basis]) {
                e += (aliceBits[i] ^ bobBits[i]) & 1;
            }
            return e;
        }
    }
}
