package org.qkdv2i.scenario.internal.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.internal.model.Scenario.App;
import org.qkdv2i.scenario.internal.model.Scenario.AttackStep;
import org.qkdv2i.scenario.internal.model.Scenario.Kind;
import org.qkdv2i.scenario.internal.model.Scenario.Link;
import org.qkdv2i.scenario.internal.model.Scenario.Node;
import org.qkdv2i.scenario.internal.model.Scenario.Point;
import org.qkdv2i.scenario.internal.model.Scenario.Radio;
import org.qkdv2i.scenario.internal.model.Scenario.Rsu;
import org.qkdv2i.scenario.internal.model.Scenario.Sae;
import org.qkdv2i.scenario.internal.model.Scenario.Vehicle;
import org.qkdv2i.scenario.internal.model.Scenario.WeatherStep;

/**
 * Strict reader of scenario files (JSON): an unknown member, a missing required one, a wrong type,
 * a value out of range or a reference to something the file does not define is refused with a
 * {@link ScenarioFormatException} whose message names the JSON path ({@code $.links[2].b}).
 */
public final class ScenarioParser {

    /** The paper's FSO-QKD reach (§5: "in the order of 150–300 m"). */
    public static final double MIN_LINK_M = 150;
    public static final double MAX_LINK_M = 300;

    /** driver.sim.fso options a scenario may set (numbers), with their allowed range. */
    static final Map<String, double[]> OPTICS = new LinkedHashMap<>();
    static {
        double inf = Double.POSITIVE_INFINITY;
        for (String k : List.of("wavelengthNm", "txApertureM", "rxApertureM", "divergenceRad", "rxFieldOfViewRad",
                "filterBandwidthNm", "skyRadianceDay", "sourceRateHz", "mu", "nu", "coherenceTimeMs",
                "coincidenceWindowNs", "roundSeconds")) {
            OPTICS.put(k, new double[] { Double.MIN_VALUE, inf });
        }
        for (String k : List.of("pointingJitterRad", "darkCountRateHz", "deadTimeNs", "nightSkyFactor")) {
            OPTICS.put(k, new double[] { 0, inf });
        }
        for (String k : List.of("rxOpticsEfficiency", "detectorEfficiency", "misalignment", "pMu", "pNu", "aliceZ",
                "bobZ", "abortQber", "sampleFraction")) {
            OPTICS.put(k, new double[] { 0, 1 });
        }
    }

    /** driver.sim.fso options a scenario may set (booleans). */
    static final Set<String> OPTICS_FLAGS = Set.of("finiteKey");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ScenarioParser() {
    }

    /** The scenario of the paper (Figures 2, 3 and 6), a resource of this bundle. */
    public static Scenario defaultScenario() {
        try (InputStream in = ScenarioParser.class.getResourceAsStream("/org/qkdv2i/scenario/internal/paper-city.json")) {
            if (in == null) {
                throw new IllegalStateException("default scenario resource missing from the bundle");
            }
            return parse(in);
        } catch (IOException | ScenarioFormatException e) {
            throw new IllegalStateException("default scenario is invalid: " + e.getMessage(), e);
        }
    }

    public static Scenario parse(InputStream in) throws IOException, ScenarioFormatException {
        return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    public static Scenario parse(String json) throws ScenarioFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ScenarioFormatException("$: not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new ScenarioFormatException("$: empty file");
        }
        return new ScenarioParser.Reader().scenario(new Obj(root, "$"));
    }

    // ------------------------------------------------------------------ JSON object with a path

    /** One JSON object being read; members read are remembered, the rest refused by {@link #done()}. */
    static final class Obj {
        final JsonNode node;
        final String path;
        private final Set<String> seen = new HashSet<>();

        Obj(JsonNode node, String path) throws ScenarioFormatException {
            if (!node.isObject()) {
                throw new ScenarioFormatException(path + ": must be an object, not " + kind(node));
            }
            this.node = node;
            this.path = path;
        }

        String at(String member) {
            return path + "." + member;
        }

        private JsonNode get(String member, boolean required) throws ScenarioFormatException {
            seen.add(member);
            JsonNode v = node.get(member);
            if ((v == null || v.isNull()) && required) {
                throw new ScenarioFormatException(at(member) + ": required");
            }
            return v == null || v.isNull() ? null : v;
        }

        String string(String member, String def, boolean required) throws ScenarioFormatException {
            JsonNode v = get(member, required);
            if (v == null) {
                return def;
            }
            if (!v.isTextual()) {
                throw new ScenarioFormatException(at(member) + ": must be a string, not " + kind(v));
            }
            return v.asText();
        }

        String id(String member) throws ScenarioFormatException {
            String s = string(member, null, true);
            if (!s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new ScenarioFormatException(at(member) + ": \"" + shorten(s)
                        + "\" is not an ID (letters, digits, '.', '_', '-'; at most 64; starting with a letter or digit)");
            }
            return s;
        }

        double number(String member, double def, boolean required, double min, double max) throws ScenarioFormatException {
            JsonNode v = get(member, required);
            if (v == null) {
                return def;
            }
            if (!v.isNumber()) {
                throw new ScenarioFormatException(at(member) + ": must be a number, not " + kind(v));
            }
            double d = v.asDouble();
            if (!Double.isFinite(d) || d < min || d > max) {
                throw new ScenarioFormatException(at(member) + ": " + v.asText() + " is out of range " + range(min, max));
            }
            return d;
        }

        int integer(String member, int def, int min, int max) throws ScenarioFormatException {
            JsonNode v = get(member, false);
            if (v == null) {
                return def;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new ScenarioFormatException(at(member) + ": must be an integer, not " + v.asText());
            }
            int i = v.asInt();
            if (i < min || i > max) {
                throw new ScenarioFormatException(at(member) + ": " + i + " is out of range " + range(min, max));
            }
            return i;
        }

        boolean flag(String member, boolean def) throws ScenarioFormatException {
            JsonNode v = get(member, false);
            if (v == null) {
                return def;
            }
            if (!v.isBoolean()) {
                throw new ScenarioFormatException(at(member) + ": must be true or false, not " + kind(v));
            }
            return v.asBoolean();
        }

        <E extends Enum<E>> E choice(String member, Class<E> type, E def) throws ScenarioFormatException {
            String s = string(member, null, def == null);
            if (s == null) {
                return def;
            }
            try {
                return Enum.valueOf(type, s);
            } catch (IllegalArgumentException e) {
                throw new ScenarioFormatException(at(member) + ": \"" + shorten(s) + "\" is not one of "
                        + List.of(type.getEnumConstants()));
            }
        }

        String choice(String member, List<String> allowed, String def) throws ScenarioFormatException {
            String s = string(member, def, def == null);
            if (!allowed.contains(s)) {
                throw new ScenarioFormatException(at(member) + ": \"" + shorten(s) + "\" is not one of " + allowed);
            }
            return s;
        }

        /** Elements of an array member (absent = empty unless required). */
        List<JsonNode> array(String member, boolean required) throws ScenarioFormatException {
            JsonNode v = get(member, required);
            if (v == null) {
                return List.of();
            }
            if (!v.isArray()) {
                throw new ScenarioFormatException(at(member) + ": must be an array, not " + kind(v));
            }
            List<JsonNode> out = new ArrayList<>();
            v.forEach(out::add);
            return out;
        }

        Obj object(String member) throws ScenarioFormatException {
            JsonNode v = get(member, false);
            return v == null ? null : new Obj(v, at(member));
        }

        void done() throws ScenarioFormatException {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!seen.contains(n)) {
                    throw new ScenarioFormatException(at(n) + ": unknown member (known here: " + seen + ")");
                }
            }
        }
    }

    static String kind(JsonNode v) {
        return v.isObject() ? "an object" : v.isArray() ? "an array" : v.isTextual() ? "a string"
                : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean" : "null";
    }

    private static String range(double min, double max) {
        return "[" + fmt(min) + ", " + (max == Double.POSITIVE_INFINITY ? "∞" : fmt(max)) + "]";
    }

    private static String fmt(double d) {
        return d == Double.MIN_VALUE ? "0 (exclusive)" : d == Math.rint(d) && Math.abs(d) < 1e15
                ? Long.toString((long) d) : Double.toString(d);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    // ------------------------------------------------------------------ the scenario

    private static final class Reader {
        private final Map<String, String> ids = new HashMap<>(); // every ID of the city -> its JSON path

        private void unique(String id, String path) throws ScenarioFormatException {
            String before = ids.putIfAbsent(id, path);
            if (before != null) {
                throw new ScenarioFormatException(path + ": ID \"" + id + "\" is already used at " + before);
            }
        }

        Scenario scenario(Obj o) throws ScenarioFormatException {
            String name = o.string("name", null, true);
            if (name.isBlank()) {
                throw new ScenarioFormatException(o.at("name") + ": must not be blank");
            }
            String description = o.string("description", "", false);
            double speed = o.number("speed", 1, false, 0.01, 1000);
            double duration = o.number("durationSeconds", 0, true, 1, 7 * 86400);
            Obj opt = o.object("optics");
            Map<String, Object> optics = opt == null ? Map.of() : optics(opt);

            List<Node> nodes = new ArrayList<>();
            List<JsonNode> ns = o.array("nodes", true);
            for (int i = 0; i < ns.size(); i++) {
                nodes.add(node(new Obj(ns.get(i), o.at("nodes") + "[" + i + "]")));
            }
            if (nodes.size() < 2) {
                throw new ScenarioFormatException(o.at("nodes") + ": a QKD network needs at least two nodes");
            }
            Map<String, Node> byId = new HashMap<>();
            nodes.forEach(n -> byId.put(n.id(), n));

            List<Link> links = new ArrayList<>();
            List<JsonNode> ls = o.array("links", true);
            for (int i = 0; i < ls.size(); i++) {
                String p = o.at("links") + "[" + i + "]";
                Link l = link(new Obj(ls.get(i), p), byId);
                for (Link other : links) {
                    if (other.joins(l.alice(), l.bob())) {
                        throw new ScenarioFormatException(p + ": nodes " + l.alice() + " and " + l.bob()
                                + " are already joined by link " + other.id());
                    }
                }
                links.add(l);
            }
            List<Sae> saes = new ArrayList<>();
            List<JsonNode> ss = o.array("saes", false);
            for (int i = 0; i < ss.size(); i++) {
                Obj s = new Obj(ss.get(i), o.at("saes") + "[" + i + "]");
                String id = s.id("id");
                unique(id, s.at("id"));
                String node = s.string("node", null, true);
                if (!byId.containsKey(node)) {
                    throw new ScenarioFormatException(s.at("node") + ": no node \"" + node + "\"");
                }
                s.done();
                saes.add(new Sae(id, node));
            }
            Map<String, Sae> saeById = new HashMap<>();
            saes.forEach(s -> saeById.put(s.id(), s));

            List<App> apps = new ArrayList<>();
            List<JsonNode> as = o.array("applications", false);
            for (int i = 0; i < as.size(); i++) {
                apps.add(app(new Obj(as.get(i), o.at("applications") + "[" + i + "]"), saeById, byId));
            }
            List<Rsu> rsus = new ArrayList<>();
            List<JsonNode> rs = o.array("rsus", false);
            for (int i = 0; i < rs.size(); i++) {
                rsus.add(rsu(new Obj(rs.get(i), o.at("rsus") + "[" + i + "]"), byId));
            }
            List<Vehicle> vehicles = new ArrayList<>();
            List<JsonNode> vs = o.array("vehicles", false);
            for (int i = 0; i < vs.size(); i++) {
                vehicles.add(vehicle(new Obj(vs.get(i), o.at("vehicles") + "[" + i + "]"), duration));
            }
            Set<String> linkIds = new LinkedHashSet<>();
            links.forEach(l -> linkIds.add(l.id()));
            List<WeatherStep> weather = new ArrayList<>();
            List<JsonNode> ws = o.array("weather", false);
            double last = -1;
            for (int i = 0; i < ws.size(); i++) {
                String p = o.at("weather") + "[" + i + "]";
                WeatherStep w = weatherStep(new Obj(ws.get(i), p), duration, linkIds);
                if (w.atS() < last) {
                    throw new ScenarioFormatException(p + ".at: " + w.atS() + " s is before the step above it ("
                            + last + " s): list steps in time order");
                }
                last = w.atS();
                weather.add(w);
            }
            List<AttackStep> attacks = new ArrayList<>();
            List<JsonNode> ats = o.array("attacks", false);
            for (int i = 0; i < ats.size(); i++) {
                String p = o.at("attacks") + "[" + i + "]";
                AttackStep a = attack(new Obj(ats.get(i), p), duration, linkIds);
                for (AttackStep b : attacks) {
                    if (b.link().equals(a.link()) && a.atS() < b.endS(duration) && b.atS() < a.endS(duration)) {
                        throw new ScenarioFormatException(p + ": overlaps the attack on " + a.link() + " at "
                                + b.atS() + " s (one attack per link at a time)");
                    }
                }
                attacks.add(a);
            }
            o.done();
            return new Scenario(name, description, speed, duration, optics, nodes, links, saes, apps, rsus, vehicles,
                    weather, attacks);
        }

        private Map<String, Object> optics(Obj o) throws ScenarioFormatException {
            Map<String, Object> out = new LinkedHashMap<>();
            Iterator<String> names = o.node.fieldNames();
            List<String> list = new ArrayList<>();
            names.forEachRemaining(list::add);
            for (String k : list) {
                if (OPTICS.containsKey(k)) {
                    double[] r = OPTICS.get(k);
                    out.put(k, o.number(k, 0, true, r[0], r[1]));
                } else if (OPTICS_FLAGS.contains(k)) {
                    out.put(k, o.flag(k, false));
                } else {
                    String why = switch (k) {
                        case "distanceM" -> "the length comes from the two nodes' positions";
                        case "weather", "daylight" -> "weather is set by the \"weather\" timeline";
                        case "linkId", "localNode", "peerNode", "role", "quantumHost", "quantumPort", "classicalHost",
                                "classicalPort", "authKeyHex", "stateDir", "speed", "seed" -> "the engine sets it";
                        default -> k.startsWith("eve") ? "Eve is set by the \"attacks\" timeline"
                                : "not a driver.sim.fso optics option; known: " + OPTICS.keySet() + " and " + OPTICS_FLAGS;
                    };
                    throw new ScenarioFormatException(o.at(k) + ": not allowed here: " + why);
                }
            }
            o.done();
            return out;
        }

        private Node node(Obj o) throws ScenarioFormatException {
            String id = o.id("id");
            unique(id, o.at("id"));
            Kind kind = o.choice("kind", Kind.class, null);
            String label = o.string("label", id, false);
            double x = o.number("x", 0, true, -1e6, 1e6);
            double y = o.number("y", 0, true, -1e6, 1e6);
            o.done();
            return new Node(id, kind, label, x, y);
        }

        private Link link(Obj o, Map<String, Node> nodes) throws ScenarioFormatException {
            String a = o.string("a", null, true);
            String b = o.string("b", null, true);
            Node na = nodes.get(a);
            Node nb = nodes.get(b);
            if (na == null) {
                throw new ScenarioFormatException(o.at("a") + ": no node \"" + shorten(a) + "\"");
            }
            if (nb == null) {
                throw new ScenarioFormatException(o.at("b") + ": no node \"" + shorten(b) + "\"");
            }
            if (a.equals(b)) {
                throw new ScenarioFormatException(o.at("b") + ": a link joins two different nodes");
            }
            String id = o.string("id", a + "-" + b, false);
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new ScenarioFormatException(o.at("id") + ": \"" + shorten(id) + "\" is not an ID");
            }
            unique(id, o.at("id"));
            double length = Math.hypot(na.x() - nb.x(), na.y() - nb.y());
            if (length < MIN_LINK_M - 0.5 || length > MAX_LINK_M + 0.5) {
                throw new ScenarioFormatException(o.path + ": " + a + "–" + b + " is " + Math.round(length)
                        + " m long (from the nodes' positions); FSO-QKD links span " + (int) MIN_LINK_M + "–"
                        + (int) MAX_LINK_M + " m (paper §5): move the nodes or relay through a trusted node between");
            }
            Obj opt = o.object("optics");
            Map<String, Object> optics = opt == null ? Map.of() : optics(opt);
            o.done();
            return new Link(id, a, b, length, optics);
        }

        private App app(Obj o, Map<String, Sae> saes, Map<String, Node> nodes) throws ScenarioFormatException {
            String id = o.id("id");
            unique(id, o.at("id"));
            String master = o.string("master", null, true);
            String slave = o.string("slave", null, true);
            Sae m = saes.get(master);
            Sae s = saes.get(slave);
            if (m == null) {
                throw new ScenarioFormatException(o.at("master") + ": no SAE \"" + shorten(master) + "\" in $.saes");
            }
            if (s == null) {
                throw new ScenarioFormatException(o.at("slave") + ": no SAE \"" + shorten(slave) + "\" in $.saes");
            }
            if (m.node().equals(s.node())) {
                throw new ScenarioFormatException(o.at("slave") + ": " + slave + " is on node " + s.node()
                        + " like the master: an application joins SAEs of two nodes");
            }
            int priority = o.integer("priority", 1, 0, 10);
            double rate = o.number("keysPerSecond", 0, false, 0, 1000);
            boolean handover = o.flag("handover", false);
            if (handover && (nodes.get(m.node()).kind() != Kind.BASE_STATION
                    || nodes.get(s.node()).kind() != Kind.BASE_STATION)) {
                throw new ScenarioFormatException(o.at("handover") + ": handover keys join SAEs of two base stations; "
                        + master + " is on " + m.node() + ", " + slave + " on " + s.node());
            }
            o.done();
            return new App(id, master, slave, priority, rate, handover);
        }

        private Rsu rsu(Obj o, Map<String, Node> nodes) throws ScenarioFormatException {
            String id = o.id("id");
            unique(id, o.at("id"));
            String bs = o.string("baseStation", null, true);
            Node n = nodes.get(bs);
            if (n == null || n.kind() != Kind.BASE_STATION) {
                throw new ScenarioFormatException(o.at("baseStation") + ": \"" + shorten(bs)
                        + "\" is not a BASE_STATION node");
            }
            double x = o.number("x", 0, true, -1e6, 1e6);
            double y = o.number("y", 0, true, -1e6, 1e6);
            double range = o.number("rangeM", 0, true, 1, 2000);
            Radio radio = o.choice("radio", Radio.class, Radio.ITS_G5);
            o.done();
            return new Rsu(id, bs, x, y, range, radio);
        }

        private Vehicle vehicle(Obj o, double duration) throws ScenarioFormatException {
            String id = o.id("id");
            unique(id, o.at("id"));
            Radio radio = o.choice("radio", Radio.class, Radio.ITS_G5);
            double speed = o.number("speedMps", 0, true, 0.1, 70);
            double start = o.number("startSeconds", 0, false, 0, duration);
            boolean loop = o.flag("loop", false);
            List<JsonNode> pts = o.array("route", true);
            if (pts.size() < 2) {
                throw new ScenarioFormatException(o.at("route") + ": a route needs at least two waypoints");
            }
            List<Point> route = new ArrayList<>();
            for (int i = 0; i < pts.size(); i++) {
                Obj p = new Obj(pts.get(i), o.at("route") + "[" + i + "]");
                Point pt = new Point(p.number("x", 0, true, -1e6, 1e6), p.number("y", 0, true, -1e6, 1e6));
                p.done();
                if (!route.isEmpty() && route.get(route.size() - 1).distanceTo(pt) < 1e-6) {
                    throw new ScenarioFormatException(p.path + ": same place as the waypoint before it");
                }
                route.add(pt);
            }
            o.done();
            return new Vehicle(id, radio, speed, start, route, loop);
        }

        private WeatherStep weatherStep(Obj o, double duration, Set<String> linkIds) throws ScenarioFormatException {
            double at = o.number("at", 0, true, 0, duration);
            String weather = o.choice("weather", CityView.WEATHERS, null);
            boolean daylight = o.flag("daylight", false);
            List<String> links = new ArrayList<>();
            List<JsonNode> ls = o.array("links", false);
            for (int i = 0; i < ls.size(); i++) {
                JsonNode l = ls.get(i);
                String p = o.at("links") + "[" + i + "]";
                if (!l.isTextual() || !linkIds.contains(l.asText())) {
                    throw new ScenarioFormatException(p + ": " + (l.isTextual() ? "no link \"" + shorten(l.asText()) + "\""
                            : "must be a link ID, not " + kind(l)) + "; links: " + linkIds);
                }
                links.add(l.asText());
            }
            o.done();
            return new WeatherStep(at, weather, daylight, links);
        }

        private AttackStep attack(Obj o, double duration, Set<String> linkIds) throws ScenarioFormatException {
            double at = o.number("at", 0, true, 0, duration);
            String link = o.string("link", null, true);
            if (!linkIds.contains(link)) {
                throw new ScenarioFormatException(o.at("link") + ": no link \"" + shorten(link) + "\"; links: " + linkIds);
            }
            String attack = o.choice("attack", CityView.LinkView.ATTACKS, null);
            double length = o.number("durationSeconds", 0, false, 0, duration);
            double strength = switch (attack) {
                case "INTERCEPT_RESEND" -> o.number("strength", 0.5, false, 0.01, 1);
                case "FLOOD" -> o.number("strength", 1e6, false, 1, 1e10);
                case "BLOCK" -> o.number("strength", 1, false, 0.01, 1);
                default -> {
                    if (o.node.has("strength")) {
                        throw new ScenarioFormatException(o.at("strength") + ": " + attack.toLowerCase(Locale.ROOT)
                                + " has no strength");
                    }
                    yield 0;
                }
            };
            o.done();
            return new AttackStep(at, link, attack, length, strength);
        }
    }
}
