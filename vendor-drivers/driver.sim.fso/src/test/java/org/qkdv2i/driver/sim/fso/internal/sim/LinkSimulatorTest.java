package org.qkdv2i.driver.sim.fso.internal.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.DecoyTheory;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;

public class LinkSimulatorTest {

    /** Default link without dead time, so the closed forms (which have none) apply. */
    private static final LinkParameters NO_DEAD = LinkParameters.defaults().withDetector(0.25, 500, 0, 0.01);

    private static RoundTally run(ChannelModel m, EveSettings eve, long pulses, long seed) {
        return new LinkSimulator(m, eve, seed).run(pulses);
    }

    @Test
    public void simulatedGainsAndQberMatchTheClosedForms() {
        ChannelModel m = new ChannelModel(NO_DEAD, Weather.CLEAR, true); // daylight: enough noise clicks to see Y0
        RoundTally t = run(m, EveSettings.NONE, 2_000_000_000L, 1);
        for (int c = 0; c < 3; c++) {
            double expected = 1 - (1 - m.y0()) * Math.exp(-m.eta() * NO_DEAD.intensity(c));
            double sigma = Math.sqrt(expected / t.sent(c));
            assertEquals("gain of class " + c, expected, t.gain(c), 5 * sigma + 0.01 * expected);
        }
        assertEquals(m.qber(0), t.qber(0), 0.002);
        assertEquals(m.qber(1), t.qber(1), 0.004);
        assertEquals(0.5, t.qber(2), 0.05);
        // closed form of STANDARDS.md: Q = Y0 + 1 - e^(-eta mu) to first order in Y0
        assertEquals(DecoyTheory.gain(m.y0(), m.eta(), 0.5), t.gain(0), 0.02 * t.gain(0));
        assertEquals((double) t.sent(0) / t.pulses(), NO_DEAD.pMu(), 1e-3);
    }

    @Test
    public void interceptResendOnFractionPRaisesQberByAQuarterOfP() {
        ChannelModel m = new ChannelModel(NO_DEAD, Weather.CLEAR, false);
        double base = run(m, EveSettings.NONE, 1_000_000_000L, 2).qber(0);
        for (double p : new double[] { 0.1, 0.2, 0.5, 1.0 }) {
            RoundTally t = run(m, new EveSettings(p, false, 0, 0), 1_000_000_000L, 3);
            // expected: base + p/4 (1 - 2 e_det) since Eve's error and misalignment may cancel
            double expected = base + p / 4 * (1 - 2 * NO_DEAD.misalignment());
            assertEquals("p = " + p, expected, t.qber(0), 0.006);
        }
    }

    @Test
    public void photonNumberSplittingKeepsTheSignalGainButTheDecoysRevealIt() {
        ChannelModel m = new ChannelModel(NO_DEAD, Weather.CLEAR, false);
        RoundTally honest = run(m, EveSettings.NONE, 2_000_000_000L, 4);
        RoundTally pns = run(m, new EveSettings(0, true, 0, 0), 2_000_000_000L, 5);
        assertEquals(honest.gain(0), pns.gain(0), 0.03 * honest.gain(0));
        assertTrue("decoy gain falls: " + pns.gain(1) + " vs " + honest.gain(1), pns.gain(1) < 0.6 * honest.gain(1));
        // no single photon reached Bob, yet QBER looks perfect: only the decoy bound sees it
        assertTrue(pns.qber(0) < 0.02);
        assertTrue(honest.decoyRatePerPulse(NO_DEAD, 1.16) > 0);
        assertEquals(0, pns.decoyRatePerPulse(NO_DEAD, 1.16), 0);
    }

    @Test
    public void floodingRaisesQberAndBlockingStopsTheSignal() {
        ChannelModel m = new ChannelModel(NO_DEAD, Weather.CLEAR, false);
        RoundTally flooded = run(m, new EveSettings(0, false, 2e6, 0), 500_000_000L, 6);
        assertTrue("flooded QBER " + flooded.qber(0), flooded.qber(0) > 0.15);
        assertEquals(0, flooded.decoyRatePerPulse(NO_DEAD, 1.16), 0);
        RoundTally blocked = run(m, new EveSettings(0, false, 0, 1), 500_000_000L, 7);
        assertTrue(blocked.gain(0) < 1e-5);
        assertEquals(0, blocked.decoyRatePerPulse(NO_DEAD, 1.16), 0);
    }

    @Test
    public void weatherSwitchedAtRuntimeTakesEffectFromTheNextBatch() {
        LinkSimulator sim = new LinkSimulator(new ChannelModel(NO_DEAD, Weather.CLEAR, false), EveSettings.NONE, 12);
        RoundTally clear = sim.run(200_000_000L);
        sim.alice().setModel(new ChannelModel(NO_DEAD, Weather.DENSE_FOG, false));
        RoundTally fog = sim.run(200_000_000L);
        assertTrue(clear.gain(0) > 1e-3);
        assertTrue("fog gain " + fog.gain(0), fog.gain(0) < 1e-5);
        sim.alice().setModel(new ChannelModel(NO_DEAD, Weather.CLEAR, true));
        RoundTally day = sim.run(200_000_000L);
        assertTrue(day.gain(2) > 10 * Math.max(clear.gain(2), 1e-8)); // daylight background raises Y0
    }

    @Test
    public void deadTimeLimitsTheCountRateAsANonParalysableDetector() {
        LinkParameters p = LinkParameters.defaults().withDistance(100).withDetector(0.25, 500, 10_000, 0.01);
        ChannelModel m = new ChannelModel(p, Weather.CLEAR, false);
        RoundTally t = run(m, EveSettings.NONE, 500_000_000L, 8);
        double measured = t.detectedTotal() / (t.pulses() / p.sourceRateHz());
        double expected = 2 * m.clickRatePerDetector() * m.deadTimeLiveFraction();
        assertEquals(expected, measured, 0.05 * expected);
        assertTrue(measured < 2 / (p.deadTimeNs() * 1e-9));
    }

    @Test
    public void largeBlockRateIsWithinFivePercentOfTheAsymptoticDecoyFormulaAndBelowPlob() {
        for (double d : new double[] { 150, 300, 600 }) {
            ChannelModel m = new ChannelModel(NO_DEAD.withDistance(d), Weather.CLEAR, false);
            RoundTally t = run(m, EveSettings.NONE, 4_000_000_000L, 9);
            double simulated = t.decoyRatePerPulse(NO_DEAD, 1.16);
            double formula = m.decoyRatePerPulse(1.16);
            assertEquals(d + " m", formula, simulated, 0.05 * formula);
            assertTrue(simulated < DecoyTheory.plob(m.eta()));
        }
    }
}
