package org.qkdv2i.scenario.internal.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated city scenario (see {@link ScenarioParser} and docs/scenarios.md). Positions are metres
 * east ({@code x}) and north ({@code y}) of the scenario's origin; times are simulated seconds from
 * the start.
 *
 * @param speed     simulated seconds per wall second the scenario suggests (the engine's own
 *                  {@code speed} wins when set)
 * @param durationS length of the story; the timelines end before it
 * @param optics    driver.sim.fso properties applied to every link (a link's own override them)
 */
public record Scenario(String name, String description, double speed, double durationS, Map<String, Object> optics,
        List<Node> nodes, List<Link> links, List<Sae> saes, List<App> apps, List<Rsu> rsus, List<Vehicle> vehicles,
        List<WeatherStep> weather, List<AttackStep> attacks) {

    public Scenario {
        optics = Map.copyOf(optics);
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        saes = List.copyOf(saes);
        apps = List.copyOf(apps);
        rsus = List.copyOf(rsus);
        vehicles = List.copyOf(vehicles);
        weather = List.copyOf(weather);
        attacks = List.copyOf(attacks);
    }

    public enum Kind { TRUSTED_NODE, BASE_STATION }

    public enum Radio { ITS_G5, CV2X }

    /** A rooftop with a KMM. */
    public record Node(String id, Kind kind, String label, double x, double y) {
    }

    /**
     * A physical FSO QKD link; {@code alice} holds the transmitter (where weather and Eve act).
     *
     * @param optics driver.sim.fso overrides for this link only
     */
    public record Link(String id, String alice, String bob, double lengthM, Map<String, Object> optics) {
        public Link {
            optics = Map.copyOf(optics);
        }

        public boolean joins(String a, String b) {
            return alice.equals(a) && bob.equals(b) || alice.equals(b) && bob.equals(a);
        }
    }

    /** A secure application entity on a node. */
    public record Sae(String id, String node) {
    }

    /**
     * An application: a master SAE draws keys it shares with a slave SAE.
     *
     * @param keysPerSecond keys the pair draws per simulated second (0 = none; only on demand)
     * @param handover      keys for session transfers between the two SAEs' base stations
     */
    public record App(String id, String master, String slave, int priority, double keysPerSecond, boolean handover) {
    }

    /** A road-side unit on a lamp-post, attached to a base station. */
    public record Rsu(String id, String baseStation, double x, double y, double rangeM, Radio radio) {
    }

    public record Point(double x, double y) {
        public double distanceTo(Point o) {
            return Math.hypot(o.x - x, o.y - y);
        }
    }

    /**
     * A vehicle driving its route (waypoints) at a constant speed, from {@code startS} on.
     *
     * @param loop back to the first waypoint at the end (else it stops at the last one)
     */
    public record Vehicle(String id, Radio radio, double speedMps, double startS, List<Point> route, boolean loop) {
        public Vehicle {
            route = List.copyOf(route);
        }
    }

    /**
     * From {@code atS} on the weather is this, over {@code links} (empty = every link: a fog bank
     * lies over some links only).
     */
    public record WeatherStep(double atS, String weather, boolean daylight, List<String> links) {
        public WeatherStep {
            links = List.copyOf(links);
        }
    }

    /**
     * Eve attacks {@code link} from {@code atS} for {@code durationS} (0 = until the end).
     *
     * @param strength intercept-resend: fraction of pulses; FLOOD: counts/s; BLOCK: fraction of
     *                 batches; PNS: unused
     */
    public record AttackStep(double atS, String link, String attack, double durationS, double strength) {
        public double endS(double scenarioEnd) {
            return durationS > 0 ? atS + durationS : scenarioEnd;
        }
    }

    public Optional<Node> node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst();
    }

    public Optional<Link> link(String id) {
        return links.stream().filter(l -> l.id.equals(id)).findFirst();
    }

    public Optional<Sae> sae(String id) {
        return saes.stream().filter(s -> s.id.equals(id)).findFirst();
    }

    public Optional<Rsu> rsu(String id) {
        return rsus.stream().filter(r -> r.id.equals(id)).findFirst();
    }
}
