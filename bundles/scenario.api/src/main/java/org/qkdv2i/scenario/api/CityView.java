package org.qkdv2i.scenario.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the city. Positions are metres east ({@code x}) and north ({@code y}) of the
 * scenario's origin.
 *
 * @param scenario  scenario name
 * @param simTime   simulated time of the snapshot
 * @param speed     simulated seconds per wall second
 * @param weather   one of {@link #WEATHERS}
 * @param daylight  day sky background (rates fall)
 * @param clock     the clock against the links' simulated physics (since 1.1)
 */
public record CityView(String scenario, Instant simTime, double speed, String weather, boolean daylight,
        List<NodeView> nodes, List<LinkView> links, List<RsuView> rsus, List<VehicleView> vehicles,
        List<AppView> apps, Totals totals, Clock clock) {

    /** The weathers of the FSO link model (driver.sim.fso {@code weather}). */
    public static final List<String> WEATHERS = List.of("CLEAR", "HAZE", "LIGHT_FOG", "DENSE_FOG", "RAIN");

    public CityView {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        rsus = List.copyOf(rsus);
        vehicles = List.copyOf(vehicles);
        apps = List.copyOf(apps);
        clock = clock == null ? Clock.NONE : clock;
    }

    /** A snapshot without clock figures (the 1.0 shape): {@link Clock#NONE}. */
    public CityView(String scenario, Instant simTime, double speed, String weather, boolean daylight,
            List<NodeView> nodes, List<LinkView> links, List<RsuView> rsus, List<VehicleView> vehicles,
            List<AppView> apps, Totals totals) {
        this(scenario, simTime, speed, weather, daylight, nodes, links, rsus, vehicles, apps, totals, Clock.NONE);
    }

    /**
     * The simulated clock against the links' physics. Each simulated FSO link's driver paces its QKD
     * rounds to {@code speed}; on a loaded host the rounds cost more wall time than they may and
     * the link's simulated time falls behind. The engine then holds its clock back so that it is
     * never more than about two rounds ahead of the slowest link: {@code simTime} runs slower than
     * {@code speed} asks, and the pools and rates shown are the links' of {@code simTime}.
     *
     * @param heldS         simulated seconds the clock is behind the requested speed because of the
     *                      slowest link now (0: it runs at {@code speed})
     * @param lagS          simulated seconds the slowest link's physics is behind the requested speed
     * @param slowestLink   that link, or null
     * @param peakLagS      the largest such lag seen since the start
     * @param clockSpeed    simulated seconds per wall second the clock made lately (NaN before it
     *                      is known); below {@code speed} while held back
     * @param behind        the clock is held back: the run is behind the requested speed
     * @param eventsWaiting timeline weather/attack changes waiting for their link's physics to reach
     *                      their simulated time (they apply at their time as the link sees it)
     * @param linkLagS      per link with a simulated driver, its lag behind the requested speed now
     * @param aheadS        simulated seconds the fastest link's physics is ahead of a held clock (the
     *                      drivers pace to the requested speed, not to the held clock: a link whose
     *                      rounds are cheaper, e.g. in fog, runs on); 0 when the clock is not held
     */
    public record Clock(double heldS, double lagS, String slowestLink, double peakLagS, double clockSpeed,
            boolean behind, int eventsWaiting, Map<String, Double> linkLagS, double aheadS) {

        /** No figures: nothing measured (no simulated drivers, or before the start). */
        public static final Clock NONE = new Clock(0, 0, null, 0, Double.NaN, false, 0, Map.of(), 0);

        public Clock {
            linkLagS = Map.copyOf(linkLagS);
        }
    }

    /**
     * A node of the QKD network.
     *
     * @param kind {@code TRUSTED_NODE}, {@code BASE_STATION} or {@code CONTROLLER}
     */
    public record NodeView(String id, String kind, String label, double x, double y) {
    }

    /**
     * A physical FSO QKD link.
     *
     * @param state     the driver's {@code LinkState} name ({@code UP}, {@code DEGRADED}, {@code DOWN},
     *                  {@code ABORTED_EAVESDROPPING}, {@code STARTING})
     * @param skrBps    secret key rate, bit/s (simulated time)
     * @param qber      last QBER, fraction; NaN when unknown
     * @param lossDb    channel loss, dB; NaN when unknown
     * @param keysA     keys in node {@code a}'s pool of this link (own + peer halves)
     * @param keysB     keys in node {@code b}'s pool
     * @param capacity  most keys one pool holds
     * @param attack    the attack Eve runs on it, or null
     * @param relayPaths relay paths (controller) now crossing this link
     */
    public record LinkView(String id, String a, String b, double lengthM, String state, double skrBps, double qber,
            double lossDb, long keysA, long keysB, long capacity, String attack, int relayPaths) {

        /** Attacks Eve can run (driver.sim.fso {@code eve*}). */
        public static final List<String> ATTACKS = List.of("INTERCEPT_RESEND", "PHOTON_NUMBER_SPLITTING",
                "FLOOD", "BLOCK");
    }

    /**
     * A road-side unit on a lamp-post, attached to a base station.
     *
     * @param radio {@code ITS_G5} (802.11p) or {@code CV2X} (PC5)
     */
    public record RsuView(String id, String baseStation, double x, double y, double rangeM, String radio) {
    }

    /**
     * A vehicle on its route.
     *
     * @param rsu          the RSU serving it now, or null
     * @param baseStation  the base station holding its session now, or null
     */
    public record VehicleView(String id, String radio, double x, double y, double headingDeg, double speedMps,
            String rsu, String baseStation) {
    }

    /** An application (SAE pair) and the nodes its keys travel through. */
    public record AppView(String id, String masterSaeId, String slaveSaeId, List<String> path, String status) {
        public AppView {
            path = List.copyOf(path);
        }
    }

    /** Running totals since the scenario started. */
    public record Totals(long keysDelivered, long keysRelayed, long handovers, long v2xMessages, long alarms) {
    }
}
