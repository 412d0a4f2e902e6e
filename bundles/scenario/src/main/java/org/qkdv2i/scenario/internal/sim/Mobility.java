package org.qkdv2i.scenario.internal.sim;

import java.util.List;

import org.qkdv2i.scenario.internal.model.Scenario.Point;
import org.qkdv2i.scenario.internal.model.Scenario.Rsu;
import org.qkdv2i.scenario.internal.model.Scenario.Vehicle;

/** Where vehicles are at a simulated time, and which RSU serves them. Pure functions. */
public final class Mobility {

    private Mobility() {
    }

    /**
     * A vehicle's place.
     *
     * @param headingDeg compass heading, 0 = north, 90 = east
     * @param speedMps   0 before its start and after the end of a route that does not loop
     */
    public record Place(double x, double y, double headingDeg, double speedMps) {
        public Point point() {
            return new Point(x, y);
        }
    }

    /** The vehicle's place {@code t} simulated seconds after the scenario started. */
    public static Place place(Vehicle v, double t) {
        List<Point> route = v.route();
        int legs = v.loop() ? route.size() : route.size() - 1;
        double total = 0;
        for (int i = 0; i < legs; i++) {
            total += route.get(i).distanceTo(route.get((i + 1) % route.size()));
        }
        double driven = Math.max(0, t - v.startS()) * v.speedMps();
        boolean moving = t >= v.startS();
        if (v.loop()) {
            driven = driven % total;
        } else if (driven >= total) {
            Point a = route.get(route.size() - 2);
            Point b = route.get(route.size() - 1);
            return new Place(b.x(), b.y(), heading(a, b), 0);
        }
        for (int i = 0; i < legs; i++) {
            Point a = route.get(i);
            Point b = route.get((i + 1) % route.size());
            double len = a.distanceTo(b);
            if (driven <= len || i == legs - 1) {
                double f = Math.min(1, driven / len);
                return new Place(a.x() + f * (b.x() - a.x()), a.y() + f * (b.y() - a.y()), heading(a, b),
                        moving ? v.speedMps() : 0);
            }
            driven -= len;
        }
        throw new AssertionError("unreachable");
    }

    static double heading(Point a, Point b) {
        double deg = Math.toDegrees(Math.atan2(b.x() - a.x(), b.y() - a.y()));
        return deg < 0 ? deg + 360 : deg;
    }

    /**
     * The RSU serving a vehicle at {@code p}: the one serving it before while still in range
     * (no ping-pong where coverages overlap), else the nearest in range, else null.
     */
    public static Rsu serving(List<Rsu> rsus, Point p, Rsu before) {
        if (before != null && inRange(before, p)) {
            return before;
        }
        Rsu best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (Rsu r : rsus) {
            double d = Math.hypot(r.x() - p.x(), r.y() - p.y());
            if (d <= r.rangeM() && d < bestD) {
                best = r;
                bestD = d;
            }
        }
        return best;
    }

    static boolean inRange(Rsu r, Point p) {
        return Math.hypot(r.x() - p.x(), r.y() - p.y()) <= r.rangeM();
    }
}
