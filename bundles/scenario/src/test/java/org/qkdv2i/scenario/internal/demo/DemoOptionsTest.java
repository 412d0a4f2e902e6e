package org.qkdv2i.scenario.internal.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.scenario.api.CityView;

public class DemoOptionsTest {

    @Test
    public void optionsAreRead() throws Exception {
        DemoOptions o = DemoOptions.parse(new String[] { "--duration", "90", "--speed", "2.5", "--headless",
                "--scenario", "city.json", "--mqtt", "tcp://localhost:1883", "--report", "r.json" });
        assertEquals(90, o.durationS(), 0);
        assertEquals(2.5, o.speed(), 0);
        assertTrue(o.headless());
        assertEquals(Path.of("city.json"), o.scenario());
        assertEquals("tcp://localhost:1883", o.mqtt());
        assertEquals(Path.of("r.json"), o.report());
        assertEquals("OPC UA on by default", 4840, o.opcuaPort());
        assertEquals(0, DemoOptions.parse(new String[] { "--no-opcua" }).opcuaPort());
        assertEquals(14840, DemoOptions.parse(new String[] { "--opcua-port", "14840" }).opcuaPort());
        assertEquals("console on 8080 by default", 8080, o.consolePort());
        assertEquals(18080, DemoOptions.parse(new String[] { "--console-port", "18080" }).consolePort());
        DemoOptions none = DemoOptions.parse(new String[0]);
        assertEquals("0 = the scenario's", 0, none.durationS(), 0);
        assertNull(none.scenario());
    }

    @Test
    public void nonsenseIsRefusedWithTheOptionNamed() {
        for (String[] bad : List.of(new String[] { "--speed" }, new String[] { "--speed", "-1" },
                new String[] { "--duration", "soon" }, new String[] { "--mqtt", "http://x" },
                new String[] { "--colour" }, new String[] { "--scenario", "--headless" }, new String[] { "--opcua-port", "70000" },
                new String[] { "--opcua-port", "4840.5" }, new String[] { "--console-port", "65536" },
                new String[] { "--console-port" })) {
            try {
                DemoOptions.parse(bad);
                fail("accepted " + List.of(bad));
            } catch (DemoOptions.UsageException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith(bad[0]) || e.getMessage().contains(bad[0]));
            }
        }
    }

    @Test
    public void theSummaryLineSaysWhatIsDown() {
        CityView v = new CityView("c", Instant.EPOCH, 4, "DENSE_FOG", true,
                List.of(new CityView.NodeView("A", "TRUSTED_NODE", "A", 0, 0)),
                List.of(new CityView.LinkView("A-B", "A", "B", 263, "DOWN", 0, Double.NaN, Double.NaN, 10, 12, 100, null, 0),
                        new CityView.LinkView("B-C", "B", "C", 263, "UP", 30_000, 0.01, 18, 40, 50, 100, null, 1),
                        new CityView.LinkView("D-C", "D", "C", 291, "ABORTED_EAVESDROPPING", 0, 0.13, 18, 5, 7, 100,
                                "INTERCEPT_RESEND", 0)),
                List.of(), List.of(), List.of(), new CityView.Totals(12, 10, 1, 345, 3));
        String line = Summary.line(v, 42.4);
        assertTrue(line, line.startsWith("t=  42s x4 DENSE_FOG/day | links 1/3 up (A-B DOWN, D-C EVE)"));
        assertTrue(line, line.contains("key rate 30.0 kbit/s"));
        assertTrue(line, line.contains("pools min 5"));
        assertTrue(line, line.contains("keys 12 (relayed 10) | handovers 1 | V2X msgs 345 | alarms 3"));
    }
}
