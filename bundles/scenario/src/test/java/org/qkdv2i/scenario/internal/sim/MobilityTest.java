package org.qkdv2i.scenario.internal.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import java.util.List;

import org.junit.Test;
import org.qkdv2i.scenario.internal.model.Scenario.Point;
import org.qkdv2i.scenario.internal.model.Scenario.Radio;
import org.qkdv2i.scenario.internal.model.Scenario.Rsu;
import org.qkdv2i.scenario.internal.model.Scenario.Vehicle;

public class MobilityTest {

    private static final Vehicle L = new Vehicle("v", Radio.CV2X, 10, 5,
            List.of(new Point(0, 0), new Point(100, 0), new Point(100, 50)), false);

    @Test
    public void vehiclesFollowTheirRouteAtTheirSpeed() {
        Mobility.Place before = Mobility.place(L, 2);
        assertEquals(0, before.x(), 0);
        assertEquals("waiting at the start", 0, before.speedMps(), 0);
        Mobility.Place p = Mobility.place(L, 10); // 5 s driving = 50 m east
        assertEquals(50, p.x(), 1e-9);
        assertEquals(0, p.y(), 1e-9);
        assertEquals(90, p.headingDeg(), 1e-9);
        assertEquals(10, p.speedMps(), 0);
        Mobility.Place turned = Mobility.place(L, 17); // 120 m: 20 m up the second leg, heading north
        assertEquals(100, turned.x(), 1e-9);
        assertEquals(20, turned.y(), 1e-9);
        assertEquals(0, turned.headingDeg(), 1e-9);
        Mobility.Place end = Mobility.place(L, 1000);
        assertEquals(100, end.x(), 1e-9);
        assertEquals(50, end.y(), 1e-9);
        assertEquals("parked at the end", 0, end.speedMps(), 0);
    }

    @Test
    public void loopsGoRound() {
        Vehicle loop = new Vehicle("l", Radio.ITS_G5, 10, 0,
                List.of(new Point(0, 0), new Point(30, 0), new Point(30, 40)), true); // 30 + 40 + 50 = 120 m
        Mobility.Place p = Mobility.place(loop, 12 + 1.5); // 135 m = 1 lap + 15 m
        assertEquals(15, p.x(), 1e-9);
        assertEquals(0, p.y(), 1e-9);
        Mobility.Place back = Mobility.place(loop, 9.5); // 95 m: 25 m down the closing leg (30,40)->(0,0)
        assertEquals(30 - 0.6 * 25, back.x(), 1e-9);
        assertEquals(40 - 0.8 * 25, back.y(), 1e-9);
        assertEquals(10, back.speedMps(), 0);
    }

    @Test
    public void theServingRsuIsKeptWhileInRangeThenTheNearest() {
        Rsu e = new Rsu("E1", "E", 0, 0, 100, Radio.ITS_G5);
        Rsu f = new Rsu("F1", "F", 150, 0, 100, Radio.CV2X);
        List<Rsu> rsus = List.of(e, f);
        assertSame(e, Mobility.serving(rsus, new Point(10, 0), null));
        assertSame("nearest of two in range", f, Mobility.serving(rsus, new Point(80, 0), null));
        assertSame("kept where coverages overlap: no ping-pong", e, Mobility.serving(rsus, new Point(80, 0), e));
        assertSame("handed on once out of range", f, Mobility.serving(rsus, new Point(120, 0), e));
        assertNull("nobody", Mobility.serving(rsus, new Point(400, 0), f));
    }
}
