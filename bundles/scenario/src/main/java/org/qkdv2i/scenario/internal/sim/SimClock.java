package org.qkdv2i.scenario.internal.sim;

/**
 * Simulated time of a scenario: seconds since it started, running {@code speed} times as fast as
 * the wall clock. The one clock of the engine (mobility, timelines, events); tests inject their own.
 */
public interface SimClock {

    /** Simulated seconds since the scenario started. */
    double now();

    /** Simulated seconds per wall second. */
    double speed();

    /** The wall clock scaled by {@code speed}, from the moment it is created. */
    static SimClock wall(double speed) {
        return from(0, speed);
    }

    /**
     * The wall clock scaled by {@code speed}, reading {@code startS} at the moment it is created
     * (a live speed change: the clock runs on from where the old one was).
     */
    static SimClock from(double startS, double speed) {
        long start = System.nanoTime();
        return new SimClock() {
            @Override
            public double now() {
                return startS + (System.nanoTime() - start) / 1e9 * speed;
            }

            @Override
            public double speed() {
                return speed;
            }
        };
    }
}
