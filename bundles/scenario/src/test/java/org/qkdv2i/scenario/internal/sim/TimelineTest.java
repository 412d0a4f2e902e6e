package org.qkdv2i.scenario.internal.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.qkdv2i.scenario.internal.model.Scenario.AttackStep;
import org.qkdv2i.scenario.internal.model.Scenario.WeatherStep;

public class TimelineTest {

    @Test
    public void stepsComeOnceInTimeOrderAndEqualTimesInFileOrder() {
        WeatherStep clear = new WeatherStep(0, "CLEAR", false, List.of());
        WeatherStep haze = new WeatherStep(110, "HAZE", true, List.of());
        WeatherStep fog = new WeatherStep(110, "DENSE_FOG", true, List.of("A-B"));
        WeatherStep day = new WeatherStep(60, "CLEAR", true, List.of());
        Timeline<WeatherStep> t = new Timeline<>(List.of(clear, haze, fog, day), WeatherStep::atS);
        assertEquals(List.of(clear), t.advance(0));
        assertEquals(List.of(), t.advance(59.9));
        assertEquals(60, t.nextAt(), 0);
        assertEquals(List.of(day, haze, fog), t.advance(200));
        assertEquals(List.of(), t.advance(300));
        assertEquals(Double.POSITIVE_INFINITY, t.nextAt(), 0);
        assertEquals(0, t.remaining());
    }

    @Test
    public void attacksStartAndStop() {
        AttackStep a = new AttackStep(10, "A-B", "INTERCEPT_RESEND", 20, 0.5);
        AttackStep b = new AttackStep(30, "A-B", "BLOCK", 0, 1);
        List<AttackEvent> ev = AttackEvent.of(List.of(b, a));
        assertEquals(3, ev.size());
        assertTrue(ev.get(0).start());
        assertEquals(a, ev.get(0).step());
        assertFalse("A's end (30 s) before B's start (30 s)", ev.get(1).start());
        assertEquals(a, ev.get(1).step());
        assertEquals(b, ev.get(2).step());
        assertTrue(ev.get(2).start());
        Timeline<AttackEvent> t = new Timeline<>(ev, AttackEvent::atS);
        assertEquals(1, t.advance(15).size());
        assertEquals(2, t.advance(30).size());
    }
}
