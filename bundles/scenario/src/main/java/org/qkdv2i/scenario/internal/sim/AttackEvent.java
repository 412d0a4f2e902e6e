package org.qkdv2i.scenario.internal.sim;

import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.scenario.internal.model.Scenario.AttackStep;

/** The start or the end of an attack of the scenario's timeline. */
public record AttackEvent(double atS, boolean start, AttackStep step) {

    /** Starts and ends of every attack (an attack lasting to the end has no end event). */
    public static List<AttackEvent> of(List<AttackStep> steps) {
        List<AttackEvent> out = new ArrayList<>();
        for (AttackStep s : steps) {
            out.add(new AttackEvent(s.atS(), true, s));
            if (s.durationS() > 0) {
                out.add(new AttackEvent(s.atS() + s.durationS(), false, s));
            }
        }
        // an end and a start at the same time on one link: the end first
        out.sort((a, b) -> a.atS != b.atS ? Double.compare(a.atS, b.atS) : Boolean.compare(a.start, b.start));
        return out;
    }
}
