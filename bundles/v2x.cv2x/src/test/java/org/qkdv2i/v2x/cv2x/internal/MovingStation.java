package org.qkdv2i.v2x.cv2x.internal;

import java.time.Clock;
import java.time.Duration;

import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;

/**
 * A station moving north at a given speed with a given heading rate, computed from the clock
 * (so the state at every tick is exact). Units as StationState.
 */
public final class MovingStation implements StationStateProvider {
    private final Clock clock;
    private volatile java.time.Instant t0;
    private volatile int lat0;
    private final int lon0;
    private volatile int speed; // 0.01 m/s
    private volatile double headingRate; // 0.1 degree per second
    private volatile int heading0;

    public MovingStation(Clock clock, int lat, int lon) {
        this.clock = clock;
        this.t0 = clock.instant();
        this.lat0 = lat;
        this.lon0 = lon;
    }

    /** Sets speed (m/s) and heading rate (degree/s) from now on, continuing from the current state. */
    public void move(double metresPerSecond, double degreesPerSecond) {
        StationState s = stationState();
        lat0 = s.latitude();
        heading0 = s.heading();
        t0 = clock.instant();
        speed = (int) Math.round(metresPerSecond * 100);
        headingRate = degreesPerSecond * 10;
    }

    @Override
    public StationState stationState() {
        double secs = Duration.between(t0, clock.instant()).toNanos() / 1e9;
        // north: 1 m = 1/111195 degree = 89.93 units of 0.1 microdegree
        int lat = lat0 + (int) Math.round(speed / 100.0 * secs * 1e7 / 111_195.0);
        int h = (int) Math.floorMod(Math.round(heading0 + headingRate * secs), 3600);
        return new StationState(1, 5, lat, lon0, true, speed, h, clock.instant());
    }
}
