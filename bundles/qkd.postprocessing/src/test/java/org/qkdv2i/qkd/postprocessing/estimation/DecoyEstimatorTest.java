package org.qkdv2i.qkd.postprocessing.estimation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/**
 * The vacuum + weak decoy bounds of Ma, Qi, Zhao, Lo (PRA 72, 012326, 2005) on their GYS fibre
 * example: α = 0.21 dB/km, η_Bob = 0.045, Y0 = 1.7e-6, e_det = 3.3 %, f = 1.22, μ = 0.48.
 */
public class DecoyEstimatorTest {
    private static final double Y0 = 1.7e-6, EDET = 0.033, MU = 0.48, F = 1.22;

    private static double eta(double km) {
        return 0.045 * Math.pow(10, -0.21 * km / 10);
    }

    @Test
    public void handComputedClosedFormAt50km() {
        // computed independently from the closed forms (see STANDARDS.md) for L = 50 km, nu = 0.05:
        // eta = 4.01063e-3, Q_mu = 1.92495e-3, E_mu = 3.34124e-2
        DecoyStatistics s = DecoyStatistics.model(eta(50), Y0, EDET, MU, 0.05);
        assertEquals(1.92495e-3, s.gainMu(), 1e-8);
        assertEquals(3.34124e-2, s.qberMu(), 1e-7);
        DecoyBounds b = DecoyEstimator.bounds(s);
        assertEquals(3.954807e-3, b.y1Lower(), 1e-9);
        assertEquals(3.539849e-2, b.e1Upper(), 1e-7);
        assertEquals(1.174641e-3, b.q1Lower(), 1e-9);
        assertEquals(2.096250e-4, DecoyEstimator.keyRate(s, 0.5, F), 1e-9);
    }

    @Test
    public void boundsAreOnTheSafeSideAndTightForSmallNu() {
        for (double km : new double[] {0, 25, 50, 100, 130}) {
            double eta = eta(km);
            double y1 = ChannelModel.y1(eta, Y0), e1 = ChannelModel.e1(eta, Y0, EDET);
            double prevGap = 0;
            for (double nu : new double[] {0.01, 0.05, 0.1, 0.2}) {
                DecoyBounds b = DecoyEstimator.bounds(DecoyStatistics.model(eta, Y0, EDET, MU, nu));
                assertTrue("Y1_L <= Y1 at " + km + " km", b.y1Lower() <= y1);
                assertTrue("e1_U >= e1 at " + km + " km", b.e1Upper() >= e1);
                double gap = (y1 - b.y1Lower()) / y1;
                assertTrue("the bound loosens as nu grows", gap >= prevGap);
                prevGap = gap;
                if (nu == 0.01) {
                    assertTrue("nu -> 0 approaches the true Y1: gap " + gap, gap < 0.005);
                    assertEquals(e1, b.e1Upper(), 0.001);
                }
            }
        }
    }

    @Test
    public void rateStaysBelowTheExactRateAndVanishesNearThePublishedMaximumDistance() {
        for (double km = 0; km < 140; km += 10) {
            DecoyStatistics s = DecoyStatistics.model(eta(km), Y0, EDET, MU, 0.05);
            double r = DecoyEstimator.keyRate(s, 0.5, F);
            assertTrue(r > 0);
            assertTrue(r <= DecoyEstimator.keyRateExact(eta(km), Y0, EDET, MU, 0.5, F));
        }
        // Ma et al. find ~140 km for vacuum + weak decoy with GYS parameters (asymptotic limit ~142 km)
        assertTrue(DecoyEstimator.keyRate(DecoyStatistics.model(eta(135), Y0, EDET, MU, 0.05), 0.5, F) > 0);
        assertEquals(0, DecoyEstimator.keyRate(DecoyStatistics.model(eta(145), Y0, EDET, MU, 0.05), 0.5, F), 0);
        assertTrue(DecoyEstimator.keyRateExact(eta(141), Y0, EDET, MU, 0.5, F) > 0);
        assertEquals(0, DecoyEstimator.keyRateExact(eta(145), Y0, EDET, MU, 0.5, F), 0);
    }

    @Test(expected = IllegalArgumentException.class)
    public void decoyMustBeWeakerThanSignal() {
        new DecoyStatistics(0.1, 0.2, 1e-3, 0.01, 1e-3, 0.01, 1e-6);
    }
}
