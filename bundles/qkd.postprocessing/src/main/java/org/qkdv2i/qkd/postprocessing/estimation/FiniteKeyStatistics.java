package org.qkdv2i.qkd.postprocessing.estimation;

/**
 * Sifted counts of one block, per intensity k = μ1, μ2, μ3 (index 0, 1, 2). The key basis (Lim et
 * al.'s X) gives the raw key; the test basis (their Z) is disclosed to estimate the phase error.
 *
 * @param keyCounts   n_{X,k}: sifted detections in the key basis per intensity
 * @param testCounts  n_{Z,k}: sifted detections in the test basis per intensity
 * @param testErrors  m_{Z,k}: errors among those test-basis detections
 */
public record FiniteKeyStatistics(long[] keyCounts, long[] testCounts, long[] testErrors) {
    public FiniteKeyStatistics {
        if (keyCounts.length != 3 || testCounts.length != 3 || testErrors.length != 3) {
            throw new IllegalArgumentException("three intensities expected");
        }
        keyCounts = keyCounts.clone();
        testCounts = testCounts.clone();
        testErrors = testErrors.clone();
    }

    public long keyTotal() {
        return keyCounts[0] + keyCounts[1] + keyCounts[2];
    }

    public long testTotal() {
        return testCounts[0] + testCounts[1] + testCounts[2];
    }

    public long testErrorTotal() {
        return testErrors[0] + testErrors[1] + testErrors[2];
    }

    /**
     * Expected counts for {@code pulses} pulses through the channel model of {@link ChannelModel},
     * with key basis chosen with probability {@code qKey} by both parties (rounded to whole counts).
     */
    public static FiniteKeyStatistics expected(FiniteKeyParameters p, double pulses, double qKey,
                                               double eta, double y0, double eDet) {
        long[] nx = new long[3], nz = new long[3], mz = new long[3];
        for (int k = 0; k < 3; k++) {
            double mu = p.mu(k);
            double gain = ChannelModel.gain(eta, y0, mu);
            double e = ChannelModel.qber(eta, y0, eDet, mu);
            nx[k] = Math.round(pulses * p.p(k) * qKey * qKey * gain);
            double z = pulses * p.p(k) * (1 - qKey) * (1 - qKey) * gain;
            nz[k] = Math.round(z);
            mz[k] = Math.round(z * e);
        }
        return new FiniteKeyStatistics(nx, nz, mz);
    }
}
