package org.qkdv2i.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.api.Provisioned;
import org.qkdv2i.scenario.api.ScenarioException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The console's HTTP surface on the Jetty core handler API.
 *
 * <pre>
 * GET                 /                                   the page (and its assets)
 * GET                 /api/status                         {running, scenario, clients}
 * GET                 /api/city                           CityView snapshot
 * GET                 /api/events                         Server-Sent Events (Last-Event-ID honoured)
 * GET                 /api/history                        chart series (simulated time)
 * POST                /api/weather                        {"weather": "...", "daylight": bool}
 * POST, DELETE        /api/links/{id}/attack              POST {"attack": "..."}
 * POST                /api/links/{id}/driver/update
 * POST                /api/apps                           {"masterSaeId": "...", "slaveSaeId": "..."}
 * GET                 /api/saes                           SAE IDs the KMMs know
 * GET                 /api/nodes                          KMM nodes with link/pool summary
 * GET                 /api/nodes/{node}/pools|links|saes|telemetry
 * POST                /api/nodes/{node}/links/{link}/disable   {"reason": "..."} (optional body)
 * POST                /api/nodes/{node}/links/{link}/enable
 * GET                 /api/telemetry                      every telemetry sink
 * </pre>
 *
 * Every refusal is {@code application/problem+json} (RFC 9457); nothing is ever answered with a
 * stack trace. There is no login: the console binds to loopback by default (see README).
 */
final class ConsoleHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
    private static final String JSON = "application/json";

    private final Sources sources;
    private final EventHub hub;
    private final History history;
    private final StaticFiles files;
    private final int maxRequestBytes;
    private final int replayLimit;
    private final int maxQueuedChars;
    private final HostCheck hosts;

    ConsoleHandler(Sources sources, EventHub hub, History history, StaticFiles files, int maxRequestBytes,
            int replayLimit, int maxQueuedChars, HostCheck hosts) {
        super(InvocationType.BLOCKING); // scenario controls and KMM calls may take locks
        this.sources = sources;
        this.hub = hub;
        this.history = history;
        this.files = files;
        this.maxRequestBytes = maxRequestBytes;
        this.replayLimit = replayLimit;
        this.maxQueuedChars = maxQueuedChars;
        this.hosts = hosts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        try {
            hosts.check(request.getHeaders().get(HttpHeader.HOST));
            if (!path.startsWith("/api/") && !path.equals("/api")) {
                asset(method, path, response, callback);
                return true;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                sameOrigin(request);
            }
            route(method, path, segments(path), request, response, callback);
        } catch (Problem p) {
            if (p.status() >= 500 || p.status() == 409) {
                LOG.warn("console: {} {} refused ({}): {}", method, path, p.status(), p.getMessage());
            } else {
                LOG.info("console: {} {} refused ({}): {}", method, path, p.status(), p.getMessage());
            }
            problem(response, callback, p, path);
        } catch (RuntimeException e) {
            // a service leaving mid-request or a bug: a retryable 503 with a problem body, never a trace
            LOG.warn("console: {} {} failed: {}", method, path, e.toString());
            problem(response, callback, Problem.unavailable("the console could not complete the request ("
                    + e.getClass().getSimpleName() + "); retry"), path);
        }
        return true;
    }

    private void route(String method, String path, List<String> s, Request request, Response response,
            Callback callback) throws Problem {
        int n = s.size(); // s.get(0) == "api"
        String what = n > 1 ? s.get(1) : "";
        switch (what) {
            case "status":
                only(n == 2, method, "GET", response);
                json(response, callback, 200, status());
                return;
            case "city":
                only(n == 2, method, "GET", response);
                json(response, callback, 200, city().view());
                return;
            case "events":
                only(n == 2, method, "GET", response);
                events(request, response, callback);
                return;
            case "history":
                only(n == 2, method, "GET", response);
                json(response, callback, 200, history.series());
                return;
            case "weather":
                only(n == 2, method, "POST", response);
                weather(readJson(request, true), response, callback);
                return;
            case "links":
                links(method, s, request, response, callback);
                return;
            case "apps":
                only(n == 2, method, "POST", response);
                provision(readJson(request, true), response, callback);
                return;
            case "saes":
                only(n == 2, method, "GET", response);
                json(response, callback, 200, saes());
                return;
            case "nodes":
                nodes(method, s, request, response, callback);
                return;
            case "telemetry":
                only(n == 2, method, "GET", response);
                json(response, callback, 200, telemetry(null));
                return;
            default:
                throw Problem.notFound("no such API resource: " + path);
        }
    }

    // --- city -----------------------------------------------------------------------------------

    private City city() throws Problem {
        City c = sources.city();
        if (c == null) {
            throw new Problem(503, "no scenario running: start one (the demo, or configure org.qkdv2i.scenario.City)",
                    "UNAVAILABLE");
        }
        return c;
    }

    private Map<String, Object> status() {
        City c = sources.city();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", c != null);
        if (c != null) {
            try {
                m.put("scenario", c.name());
            } catch (RuntimeException leftMeanwhile) {
                m.put("running", false);
            }
        }
        m.put("clients", hub.clients());
        m.put("weathers", CityView.WEATHERS);
        m.put("attacks", CityView.LinkView.ATTACKS);
        m.put("uplot", files.uplotVersion());
        return m;
    }

    private void weather(JsonNode body, Response response, Callback callback) throws Problem {
        only(body, "weather", "daylight");
        String weather = text(body, "weather", true).toUpperCase(Locale.ROOT);
        if (!CityView.WEATHERS.contains(weather)) {
            throw Problem.badRequest("weather '" + weather + "' is not one of " + CityView.WEATHERS);
        }
        City c = city();
        boolean daylight;
        JsonNode d = body.get("daylight");
        if (d == null || d.isNull()) {
            daylight = c.view().daylight(); // unchanged
        } else if (d.isBoolean()) {
            daylight = d.booleanValue();
        } else {
            throw Problem.badRequest("daylight shall be true or false");
        }
        try {
            c.setWeather(weather, daylight);
        } catch (ScenarioException e) {
            throw Problem.of(e);
        }
        LOG.info("console: weather set to {} ({})", weather, daylight ? "day" : "night");
        json(response, callback, 202, Map.of("weather", weather, "daylight", daylight));
    }

    private void links(String method, List<String> s, Request request, Response response, Callback callback)
            throws Problem {
        int n = s.size();
        if (n == 4 && "attack".equals(s.get(3))) {
            String link = s.get(2);
            if ("POST".equals(method)) {
                JsonNode body = readJson(request, true);
                only(body, "attack");
                String attack = text(body, "attack", true).toUpperCase(Locale.ROOT);
                if (!CityView.LinkView.ATTACKS.contains(attack)) {
                    throw Problem.badRequest("attack '" + attack + "' is not one of " + CityView.LinkView.ATTACKS);
                }
                try {
                    city().startAttack(link, attack);
                } catch (ScenarioException e) {
                    throw Problem.of(e);
                }
                LOG.info("console: link {}: Eve starts {}", link, attack);
                json(response, callback, 202, Map.of("link", link, "attack", attack));
                return;
            }
            if ("DELETE".equals(method)) {
                try {
                    city().stopAttack(link);
                } catch (ScenarioException e) {
                    throw Problem.of(e);
                }
                LOG.info("console: link {}: Eve stops", link);
                json(response, callback, 202, Map.of("link", link, "attack", "NONE"));
                return;
            }
            throw notAllowed(response, "POST, DELETE");
        }
        if (n == 5 && "driver".equals(s.get(3)) && "update".equals(s.get(4))) {
            only(true, method, "POST", response);
            readJson(request, false); // no body expected; a stray one must still be small and JSON
            String link = s.get(2);
            String report;
            try {
                report = city().updateDriver(link);
            } catch (ScenarioException e) {
                throw Problem.of(e);
            }
            LOG.info("console: link {}: driver updated: {}", link, report);
            json(response, callback, 200, Map.of("link", link, "report", report == null ? "" : report));
            return;
        }
        throw Problem.notFound("no such API resource: /" + String.join("/", s));
    }

    private void provision(JsonNode body, Response response, Callback callback) throws Problem {
        only(body, "masterSaeId", "slaveSaeId");
        String master = text(body, "masterSaeId", true);
        String slave = text(body, "slaveSaeId", true);
        if (master.equals(slave)) {
            throw Problem.badRequest("masterSaeId and slaveSaeId shall differ");
        }
        Provisioned p;
        try {
            p = city().provision(master, slave);
        } catch (ScenarioException e) {
            throw Problem.of(e);
        }
        LOG.info("console: application {} provisioned {} -> {} over {}", p.appId(), master, slave, p.path());
        json(response, callback, 201, p);
    }

    private void events(Request request, Response response, Callback callback) throws Problem {
        long last = lastEventId(request);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Accel-Buffering", "no");
        SseStream[] self = new SseStream[1];
        SseStream stream = new SseStream(response, callback, last < 0 ? 0 : last, maxQueuedChars,
                () -> hub.remove(self[0]));
        self[0] = stream;
        // the reconnection delay (WHATWG HTML §9.2.6); a comment flushes the headers so onopen fires
        stream.send("retry: 2000\n: qkd-v2i console\n\n");
        hub.add(stream); // live events are held until the replay below is written
        City c = sources.city();
        try {
            if (c == null) {
                stream.send(EventHub.frame(EventHub.STATUS, Json.text(EventHub.status(false, null))));
            } else {
                stream.send(EventHub.frame(EventHub.STATUS, Json.text(EventHub.status(true, c.name()))));
                // a fresh page gets the latest events for its log; a reconnecting one what it missed
                List<CityEvent> replay = c.events(last < 0 ? 0 : last, replayLimit);
                if (last >= 0 && !replay.isEmpty() && replay.get(0).seq() > last + 1) {
                    long missed = replay.get(0).seq() - last - 1;
                    stream.send(EventHub.frame(EventHub.GAP, Json.text(Map.of("after", last, "missed", missed))));
                }
                for (CityEvent e : replay) {
                    stream.replayed(e.seq(), EventHub.eventFrame(e));
                }
                stream.send(EventHub.frame(EventHub.VIEW, Json.text(c.view())));
            }
        } catch (RuntimeException leftMeanwhile) {
            stream.send(EventHub.frame(EventHub.STATUS, Json.text(EventHub.status(false, null))));
        } finally {
            stream.replayDone();
        }
    }

    /** Last-Event-ID header (EventSource reconnect) or {@code ?lastEventId=}; -1 when absent. */
    private static long lastEventId(Request request) throws Problem {
        String v = request.getHeaders().get("Last-Event-ID");
        if (v == null) {
            Fields q = Request.extractQueryParameters(request);
            v = q.getValue("lastEventId");
        }
        if (v == null || v.isBlank()) {
            return -1;
        }
        try {
            long id = Long.parseLong(v.trim());
            if (id < 0) {
                throw Problem.badRequest("Last-Event-ID shall be a non-negative event number");
            }
            return id;
        } catch (NumberFormatException e) {
            throw Problem.badRequest("Last-Event-ID '" + clip(v) + "' is not an event number");
        }
    }

    // --- management (the shell's views) ---------------------------------------------------------

    private List<String> saes() {
        Set<String> ids = new TreeSet<>();
        for (KeyManager km : sources.keyManagers().values()) {
            try {
                for (SaeInfo s : km.saes()) {
                    ids.add(s.saeId());
                }
            } catch (RuntimeException leftMeanwhile) {
                // a KMM being deactivated: not part of this answer
            }
        }
        return List.copyOf(ids);
    }

    private void nodes(String method, List<String> s, Request request, Response response, Callback callback)
            throws Problem {
        int n = s.size();
        if (n == 2) {
            only(true, method, "GET", response);
            json(response, callback, 200, nodeSummaries());
            return;
        }
        String node = s.get(2);
        if (n == 4) {
            only(true, method, "GET", response);
            switch (s.get(3)) {
                case "pools":
                    json(response, callback, 200, pools(node));
                    return;
                case "links":
                    json(response, callback, 200, nodeLinks(node));
                    return;
                case "saes":
                    json(response, callback, 200, nodeSaes(node));
                    return;
                case "telemetry":
                    json(response, callback, 200, telemetry(node));
                    return;
                default:
                    break;
            }
        }
        if (n == 6 && "links".equals(s.get(3)) && ("disable".equals(s.get(5)) || "enable".equals(s.get(5)))) {
            only(true, method, "POST", response);
            linkControl(node, s.get(4), "disable".equals(s.get(5)), readJson(request, false), response, callback);
            return;
        }
        throw Problem.notFound("no such API resource: /" + String.join("/", s));
    }

    private List<Map<String, Object>> nodeSummaries() {
        Map<String, LinkControl> controls = sources.linkControls();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, KeyManager> e : new TreeMap<>(sources.keyManagers()).entrySet()) {
            try {
                List<PoolStatus> pools = e.getValue().pools();
                List<SaeInfo> saes = e.getValue().saes();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", e.getKey());
                m.put("links", pools.size());
                m.put("linksUp", pools.stream().filter(ConsoleHandler::up).count());
                m.put("localSaes", saes.stream().filter(SaeInfo::local).count());
                m.put("knownSaes", saes.size());
                m.put("ownKeys", pools.stream().mapToLong(PoolStatus::ownKeys).sum());
                m.put("delivered", pools.stream().mapToLong(PoolStatus::delivered).sum());
                m.put("linkControl", controls.containsKey(e.getKey()));
                out.add(m);
            } catch (RuntimeException leftMeanwhile) {
                // a KMM being deactivated: not part of this answer
            }
        }
        return out;
    }

    private static boolean up(PoolStatus p) {
        return p.driverPresent() && p.link() != null
                && ("UP".equals(p.link().state().name()) || "DEGRADED".equals(p.link().state().name()));
    }

    private KeyManager kmm(String node) throws Problem {
        KeyManager km = sources.keyManagers().get(node);
        if (km == null) {
            throw Problem.notFound("no KMM for node '" + clip(node) + "' in this framework; nodes: "
                    + new TreeSet<>(sources.keyManagers().keySet()));
        }
        return km;
    }

    private List<PoolStatus> pools(String node) throws Problem {
        List<PoolStatus> pools = new ArrayList<>(kmm(node).pools());
        pools.sort(Comparator.comparing(PoolStatus::linkId));
        return pools;
    }

    private List<Map<String, Object>> nodeLinks(String node) throws Problem {
        LinkControl lc = sources.linkControls().get(node);
        Set<String> disabled = lc == null ? Set.of() : lc.disabledLinks();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PoolStatus p : pools(node)) {
            LinkStatus st = p.link();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("link", p.linkId());
            m.put("peer", p.peerNodeId());
            m.put("driverPresent", p.driverPresent());
            m.put("state", st == null ? null : st.state().name());
            m.put("qber", st == null ? null : st.qber());
            m.put("skrBps", st == null ? null : st.secretKeyRate());
            m.put("reason", st == null ? "" : st.reason());
            m.put("disabled", disabled.contains(p.linkId()));
            out.add(m);
        }
        return out;
    }

    private List<SaeInfo> nodeSaes(String node) throws Problem {
        List<SaeInfo> saes = new ArrayList<>(kmm(node).saes());
        saes.sort(Comparator.comparing(SaeInfo::saeId));
        return saes;
    }

    private void linkControl(String node, String link, boolean disable, JsonNode body, Response response,
            Callback callback) throws Problem {
        String reason = "operator (console)";
        if (body != null) {
            only(body, "reason");
            if (disable && body.hasNonNull("reason")) {
                reason = text(body, "reason", false);
            } else if (!disable && body.has("reason")) {
                throw Problem.badRequest("enable takes no reason");
            }
        }
        boolean known = pools(node).stream().anyMatch(p -> p.linkId().equals(link));
        if (!known) {
            throw Problem.notFound("node " + node + " has no physical link '" + clip(link) + "'");
        }
        LinkControl lc = sources.linkControls().get(node);
        if (lc == null) {
            throw Problem.unavailable("node " + node + " offers no link control (kmm.api 1.2.0 LinkControl); retry later");
        }
        try {
            if (disable) {
                lc.disable(link, reason);
            } else {
                lc.enable(link);
            }
        } catch (KeyManagerException e) {
            int status = e.reason() == KeyManagerException.Reason.BAD_REQUEST ? 400
                    : e.reason() == KeyManagerException.Reason.UNAUTHORIZED ? 403 : 503;
            throw new Problem(status, e.getMessage() == null ? e.reason().name() : e.getMessage(), e.reason().name());
        }
        LOG.info("console: node {} link {} {} by operator", node, link, disable ? "disabled" : "enabled");
        json(response, callback, 200, Map.of("node", node, "link", link, "disabled", lc.disabledLinks().contains(link)));
    }

    private Map<String, Object> telemetry(String node) throws Problem {
        if (node != null) {
            kmm(node); // 404 for an unknown node
        }
        List<Map<String, Object>> sinks = sources.telemetrySinks();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("installed", sinks != null);
        List<Map<String, Object>> chosen = new ArrayList<>();
        if (sinks != null) {
            for (Map<String, Object> s : sinks) {
                if (node == null || node.equals(s.get("node"))) {
                    chosen.add(s);
                }
            }
        }
        m.put("sinks", chosen);
        return m;
    }

    // --- static ---------------------------------------------------------------------------------

    private void asset(String method, String path, Response response, Callback callback) {
        StaticFiles.Asset a = files.get(path);
        if (a == null) {
            problem(response, callback, Problem.notFound("no such page: " + clip(path)), path);
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            problem(response, callback, new Problem(405, method + " is not allowed here; use GET"), path);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        // small local files: always revalidate, so a page never mixes assets of two bundle versions
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (a.contentType().startsWith("text/html")) {
            response.getHeaders().put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                    + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, a.bytes().length);
        if ("HEAD".equals(method)) {
            response.write(true, null, callback);
        } else {
            response.write(true, ByteBuffer.wrap(a.bytes()), callback);
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * A browser on another site may send simple cross-origin POSTs to loopback; refuse writes whose
     * Origin is not this console (browsers always send Origin on cross-origin POST/DELETE).
     */
    private static void sameOrigin(Request request) throws Problem {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || origin.isEmpty()) {
            return; // curl, scripts: no browser, no cross-site forgery
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        try {
            URI o = URI.create(origin);
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            if (host != null && authority != null && authority.equalsIgnoreCase(host)) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // not a URI: refused below
        }
        throw new Problem(403, "cross-origin write refused (Origin " + clip(origin) + "); use the console's own page");
    }

    private static void only(boolean matches, String method, String allowed, Response response) throws Problem {
        if (!matches) {
            throw Problem.notFound("no such API resource");
        }
        if (!allowed.equals(method) && !("GET".equals(allowed) && "HEAD".equals(method))) {
            throw notAllowed(response, allowed);
        }
    }

    private static Problem notAllowed(Response response, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        return new Problem(405, "method not allowed here; use " + allowed);
    }

    /** Refuses members other than the named ones, naming the first stray one. */
    private static void only(JsonNode body, String... names) throws Problem {
        Set<String> allowed = Set.of(names);
        Iterator<String> it = body.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw Problem.badRequest("unknown member '" + clip(f) + "'; expected " + List.of(names));
            }
        }
    }

    private static String text(JsonNode body, String name, boolean required) throws Problem {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw Problem.badRequest("member '" + name + "' is required");
            }
            return "";
        }
        if (!v.isTextual() || (required && v.textValue().isBlank())) {
            throw Problem.badRequest("member '" + name + "' shall be a non-empty string");
        }
        if (v.textValue().length() > 200) {
            throw Problem.badRequest("member '" + name + "' is longer than 200 characters");
        }
        return v.textValue().trim();
    }

    /**
     * The request body as a JSON object; {@code null} when there is none and none is required.
     * A body shall be {@code application/json} (a cross-site form cannot send that without CORS).
     */
    private JsonNode readJson(Request request, boolean required) throws Problem {
        long declared = request.getLength();
        if (declared > maxRequestBytes) {
            throw new Problem(413, "request body larger than " + maxRequestBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(maxRequestBytes + 1);
        } catch (IOException e) {
            throw Problem.badRequest("request body could not be read");
        }
        if (bytes.length > maxRequestBytes) {
            throw new Problem(413, "request body larger than " + maxRequestBytes + " bytes");
        }
        if (bytes.length == 0) {
            if (required) {
                throw Problem.badRequest("a JSON object body is required");
            }
            return null;
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
            throw new Problem(415, "request body shall be " + JSON);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw Problem.badRequest("request body is not valid JSON" + where);
        } catch (IOException e) {
            throw Problem.badRequest("request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw Problem.badRequest("request body shall be a JSON object");
        }
        return node;
    }

    private static void json(Response response, Callback callback, int status, Object body) {
        byte[] bytes = Json.bytes(body);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static void problem(Response response, Callback callback, Problem p, String path) {
        byte[] bytes = p.body(path);
        response.setStatus(p.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }
}
