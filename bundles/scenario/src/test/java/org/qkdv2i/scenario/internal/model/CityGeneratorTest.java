package org.qkdv2i.scenario.internal.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;
import org.qkdv2i.scenario.internal.sim.Mobility;

/** The generated scale city parses strictly, has what was asked and covers its road for both radios. */
public class CityGeneratorTest {

    @Test
    public void aThousandVehiclesAndFiftyRsusParseAndTheRoadIsCoveredForBothRadios() throws Exception {
        Scenario s = ScenarioParser.parse(CityGenerator.generate("rsus=50,vehicles=1000,seed=7"));
        assertEquals(50, s.rsus().size());
        assertEquals(1000, s.vehicles().size());
        assertEquals(25, s.rsus().stream().filter(r -> r.baseStation().equals("E")).count());
        assertEquals(500, s.vehicles().stream().filter(v -> v.radio() == Scenario.Radio.CV2X).count());
        assertEquals("deterministic for a seed", CityGenerator.generate("rsus=50,vehicles=1000,seed=7"),
                CityGenerator.generate("rsus=50,vehicles=1000,seed=7"));
        double road = 49 * CityGenerator.RSU_SPACING_M;
        for (Scenario.Radio radio : Scenario.Radio.values()) {
            var rsus = s.rsus().stream().filter(r -> r.radio() == radio).toList();
            for (double x = 60; x <= road - 60; x += 10) {
                assertTrue(radio + " coverage at x=" + x,
                        Mobility.serving(rsus, new Scenario.Point(x, CityGenerator.ROAD_Y + 3), null) != null);
            }
        }
    }

    @Test
    public void badSpecificationsAreRefused() {
        for (String bad : new String[] { "rsus=1", "trucks=3", "rsus", "vehicles=x" }) {
            try {
                CityGenerator.generate(bad);
                fail("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                // refused with a message
            }
        }
    }
}
