package org.qkdv2i.scenario.internal.sim;

import java.util.Map;

/**
 * How far each link's simulated physics (its driver's QKD rounds) is behind the engine's clock:
 * the drivers pace their rounds to the requested speed on their own, and on a loaded host the
 * rounds (photons, sifting, Cascade, privacy amplification) cost more wall time than they may.
 */
@FunctionalInterface
public interface LinkLag {

    /**
     * Per link ID, the simulated seconds its slower end is behind a clock running at {@code speed}
     * now (0 when on time); links whose drivers report no schedule (not running paced rounds, or
     * not a simulated driver) are absent: their physics runs in real time.
     */
    Map<String, Double> lags(double speed);

    /**
     * The drivers were told to pace from {@code wallMillis} on (the story starts, or the speed
     * changed): schedules published before it are their old pacing's and no longer count.
     */
    default void repaced(long wallMillis) {
    }

    /** No driver reports a schedule. */
    LinkLag NONE = speed -> Map.of();
}
