package org.qkdv2i.console.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.scenario.api.CityEvent;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The console's HTTP API over a real socket, against a {@link FakeCity}: the real scenario engine
 * is another bundle (bundles/scenario), so these tests check what the console does with whatever
 * a City answers — status codes, problem+json bodies, JSON shapes, and the management calls
 * against a fake KMM with its LinkControl.
 */
public class ConsoleHttpTest {

    private FakeSources sources;
    private FakeCity city;
    private ConsoleServer server;
    private HttpClient http;
    private String base;

    @Before
    public void start() throws Exception {
        sources = new FakeSources();
        city = new FakeCity(1000);
        server = new ConsoleServer(sources, new ConsoleServer.Options("127.0.0.1", 0, 100, 60, 50, 2048, 1 << 20));
        city.listener(server::event);
        server.start();
        base = "http://127.0.0.1:" + server.port();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @After
    public void stop() {
        server.stop();
    }

    // --- page -----------------------------------------------------------------------------------

    @Test
    public void servesThePageAndTheUplotWebJarFromTheBundle() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<svg id=\"map\""));
        assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
        HttpResponse<String> js = get("/webjars/uplot/uPlot.iife.min.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.body().contains("uPlot"));
        assertEquals(200, get("/webjars/uplot/uPlot.min.css").statusCode());
        assertEquals(200, get("/console.js").statusCode());
        HttpResponse<String> missing = get("/../../etc/passwd");
        assertTrue(missing.statusCode() == 400 || missing.statusCode() == 404);
        assertProblem(get("/nothing-here.html"), 404);
    }

    // --- no scenario ----------------------------------------------------------------------------

    @Test
    public void withoutACityTheApiSays503AndStatusSaysNotRunning() throws Exception {
        JsonNode p = assertProblem(get("/api/city"), 503);
        assertTrue(p.get("detail").asText().contains("no scenario running"));
        assertEquals("/api/city", p.get("instance").asText());
        assertProblem(post("/api/weather", "{\"weather\":\"CLEAR\"}"), 503);
        JsonNode status = json(get("/api/status"));
        assertFalse(status.get("running").asBoolean());
        assertEquals(5, status.get("weathers").size());
    }

    // --- city -----------------------------------------------------------------------------------

    @Test
    public void cityViewIsJsonWithUnknownNumbersAsNull() throws Exception {
        sources.city = city;
        city.setWeather("DENSE_FOG", false);
        HttpResponse<String> r = get("/api/city");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode v = json(r);
        assertEquals("fake-paper-city", v.get("scenario").asText());
        assertEquals(4, v.get("nodes").size());
        JsonNode link = v.get("links").get(0);
        assertEquals("DOWN", link.get("state").asText());
        assertTrue("NaN QBER is sent as null (JSON.parse refuses NaN)", link.get("qber").isNull());
        assertTrue(v.get("simTime").asText().startsWith("2026-06-01T22:"));
    }

    @Test
    public void weatherIsAppliedAndBadWeatherIsRefusedWithProblemJson() throws Exception {
        sources.city = city;
        HttpResponse<String> ok = post("/api/weather", "{\"weather\":\"dense_fog\",\"daylight\":true}");
        assertEquals(202, ok.statusCode());
        assertEquals("DENSE_FOG", json(ok).get("weather").asText());
        JsonNode v = json(get("/api/city"));
        assertEquals("DENSE_FOG", v.get("weather").asText());
        assertTrue(v.get("daylight").asBoolean());
        assertEquals("DOWN", v.get("links").get(1).get("state").asText());

        assertTrue(assertProblem(post("/api/weather", "{\"weather\":\"SNOW\"}"), 400).get("detail").asText()
                .contains("SNOW"));
        assertTrue(assertProblem(post("/api/weather", "{\"weather\":\"CLEAR\",\"wind\":3}"), 400).get("detail")
                .asText().contains("wind"));
        assertTrue(assertProblem(post("/api/weather", "{\"weather\":"), 400).get("detail").asText()
                .contains("not valid JSON"));
        assertProblem(post("/api/weather", "[1]"), 400);
        assertProblem(post("/api/weather", "{\"weather\":\"CLEAR\",\"daylight\":\"yes\"}"), 400);
        assertProblem(send(HttpRequest.newBuilder(URI.create(base + "/api/weather"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415);
        HttpResponse<String> wrong = get("/api/weather");
        assertProblem(wrong, 405);
        assertEquals("POST", wrong.headers().firstValue("allow").orElse(""));
        assertProblem(post("/api/weather", "{\"weather\":\"" + "X".repeat(3000) + "\"}"), 413);
    }

    @Test
    public void attacksMapScenarioReasonsTo404And409() throws Exception {
        sources.city = city;
        assertEquals(202, post("/api/links/A-B/attack", "{\"attack\":\"INTERCEPT_RESEND\"}").statusCode());
        assertEquals("ABORTED_EAVESDROPPING", json(get("/api/city")).get("links").get(1).get("state").asText());
        JsonNode conflict = assertProblem(post("/api/links/A-B/attack", "{\"attack\":\"FLOOD\"}"), 409);
        assertEquals("CONFLICT", conflict.get("reason").asText());
        assertTrue(conflict.get("detail").asText().contains("already attacked"));
        assertProblem(post("/api/links/X-Y/attack", "{\"attack\":\"FLOOD\"}"), 404);
        assertProblem(post("/api/links/A-B/attack", "{\"attack\":\"LASER\"}"), 400);
        assertEquals(202, send(HttpRequest.newBuilder(URI.create(base + "/api/links/A-B/attack")).DELETE().build())
                .statusCode());
        assertEquals("UP", json(get("/api/city")).get("links").get(1).get("state").asText());
        assertProblem(get("/api/links/A-B/attack"), 405);
    }

    @Test
    public void driverUpdateAndProvisioning() throws Exception {
        sources.city = city;
        HttpResponse<String> up = post("/api/links/B-F/driver/update", null);
        assertEquals(200, up.statusCode());
        assertTrue(json(up).get("report").asText().contains("B-F"));
        assertProblem(post("/api/links/Q/driver/update", null), 404);

        HttpResponse<String> app = post("/api/apps", "{\"masterSaeId\":\"sae-E\",\"slaveSaeId\":\"sae-F\"}");
        assertEquals(201, app.statusCode());
        JsonNode p = json(app);
        assertEquals("00000000-0000-4000-8000-000000000001", p.get("keyId").asText());
        assertTrue(p.get("sameKey").asBoolean());
        assertEquals(4, p.get("path").size());
        assertFalse("never key material", app.body().toLowerCase().contains("\"key\""));
        assertProblem(post("/api/apps", "{\"masterSaeId\":\"sae-E\",\"slaveSaeId\":\"nobody\"}"), 404);
        assertProblem(post("/api/apps", "{\"masterSaeId\":\"sae-E\"}"), 400);
        assertProblem(post("/api/apps", "{\"masterSaeId\":\"sae-E\",\"slaveSaeId\":\"sae-E\"}"), 400);
    }

    @Test
    public void crossOriginWritesAreRefused() throws Exception {
        sources.city = city;
        HttpRequest evil = HttpRequest.newBuilder(URI.create(base + "/api/weather"))
                .header("Content-Type", "application/json").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"weather\":\"DENSE_FOG\"}")).build();
        assertProblem(send(evil), 403);
        assertEquals("CLEAR", json(get("/api/city")).get("weather").asText());
        HttpRequest own = HttpRequest.newBuilder(URI.create(base + "/api/weather"))
                .header("Content-Type", "application/json").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("{\"weather\":\"HAZE\"}")).build();
        assertEquals(202, send(own).statusCode());
    }

    @Test
    public void requestsNamingAnotherHostAreRefused() throws Exception {
        // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET /api/status HTTP/1.1\r\nHost: evil.example:" + server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(raw, raw.startsWith("HTTP/1.1 403"));
            assertTrue(raw, raw.contains("application/problem+json"));
        }
        for (String ok : new String[] {"localhost", "127.0.0.1", "[::1]"}) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET /api/status HTTP/1.1\r\nHost: " + ok + ":" + server.port()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(ok + ": " + raw, raw.startsWith("HTTP/1.1 200"));
            }
        }
        assertEquals("[::1]", HostCheck.name("[::1]:8080"));
        assertEquals("console.lan", HostCheck.name("console.lan:8080"));
        HostCheck.of("0.0.0.0", List.of()).check("anything:1"); // exposed on purpose: any name
        try {
            HostCheck.of("0.0.0.0", List.of("console.lan")).check("other.lan:8080");
            org.junit.Assert.fail("other.lan accepted");
        } catch (Problem expected) {
            assertEquals(403, expected.status());
        }
        HostCheck.of("0.0.0.0", List.of("console.lan")).check("console.lan:8080");
    }

    @Test
    public void unknownApiPathsAndJettyLevelErrorsAreProblemJsonToo() throws Exception {
        assertProblem(get("/api/nope"), 404);
        assertProblem(get("/api/nodes/A/whatever"), 404);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /api/status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(raw, raw.startsWith("HTTP/1.1 400"));
            assertTrue(raw, raw.toLowerCase().contains("content-type: application/problem+json"));
            assertFalse(raw, raw.contains("at org.eclipse"));
        }
    }

    @Test
    public void historyKeepsTheChartsSeriesPerLink() throws Exception {
        sources.city = city;
        server.cityChanged();
        waitFor(() -> server.history().size() >= 3, "three snapshots");
        JsonNode h = json(get("/api/history"));
        assertEquals(3, h.get("links").size());
        int n = h.get("t").size();
        assertTrue(n >= 3);
        assertEquals(n, h.get("skr").get("A-B").size());
        assertEquals(n, h.get("pool").get("A-B").size());
        assertTrue(h.get("t").get(1).asDouble() > h.get("t").get(0).asDouble());
        assertEquals(49.0, h.get("pool").get("A-B").get(0).asDouble(), 0.01); // (500 + 480) / 2000
    }

    // --- management -----------------------------------------------------------------------------

    @Test
    public void managementCallsServePoolsLinksSaesAndLinkControl() throws Exception {
        FakeKmm a = new FakeKmm();
        sources.kmms.put("A", a);
        JsonNode nodes = json(get("/api/nodes"));
        assertEquals(1, nodes.size());
        assertEquals("A", nodes.get(0).get("node").asText());
        assertEquals(2, nodes.get(0).get("linksUp").asInt());
        assertFalse(nodes.get(0).get("linkControl").asBoolean());

        JsonNode pools = json(get("/api/nodes/A/pools"));
        assertEquals("A-B", pools.get(0).get("linkId").asText());
        assertEquals(300, pools.get(0).get("ownKeys").asInt());
        assertEquals("UP", pools.get(0).get("link").get("state").asText());
        assertTrue(pools.get(1).get("link").get("qber").isNull());
        assertEquals(List.of("sae-A", "sae-E"), List.of(json(get("/api/saes")).get(0).asText(),
                json(get("/api/saes")).get(1).asText()));
        assertEquals("sae-A", json(get("/api/nodes/A/saes")).get(0).get("saeId").asText());
        assertProblem(get("/api/nodes/Z/pools"), 404);

        // no LinkControl registered for A yet: 503, nothing changes
        assertProblem(post("/api/nodes/A/links/A-B/disable", null), 503);
        sources.controls.put("A", a);
        assertProblem(post("/api/nodes/A/links/B-C/disable", null), 404);
        HttpResponse<String> off = post("/api/nodes/A/links/A-B/disable", "{\"reason\":\"alignment work\"}");
        assertEquals(200, off.statusCode());
        assertTrue(json(off).get("disabled").asBoolean());
        assertTrue(a.disabled.contains("A-B"));
        JsonNode links = json(get("/api/nodes/A/links"));
        assertTrue(links.get(0).get("disabled").asBoolean());
        assertEquals("DOWN", links.get(0).get("state").asText());
        assertProblem(post("/api/nodes/A/links/A-B/enable", "{\"reason\":\"x\"}"), 400);
        HttpResponse<String> on = post("/api/nodes/A/links/A-B/enable", null);
        assertEquals(200, on.statusCode());
        assertFalse(json(on).get("disabled").asBoolean());
        assertFalse(a.disabled.contains("A-B"));
        assertProblem(get("/api/nodes/A/links/A-B/enable"), 405);
    }

    @Test
    public void telemetrySinksAreShownWhenTheTelemetryApiIsInstalled() throws Exception {
        sources.kmms.put("A", new FakeKmm());
        JsonNode none = json(get("/api/telemetry"));
        assertFalse(none.get("installed").asBoolean());
        sources.sinks = List.of(
                Map.of("adapter", "mqtt", "node", "A", "endpoint", "tcp://127.0.0.1:1883", "connected", true),
                Map.of("adapter", "opcua", "node", "B", "endpoint", "opc.tcp://127.0.0.1:4840", "connected", false));
        JsonNode all = json(get("/api/telemetry"));
        assertTrue(all.get("installed").asBoolean());
        assertEquals(2, all.get("sinks").size());
        JsonNode a = json(get("/api/nodes/A/telemetry"));
        assertEquals(1, a.get("sinks").size());
        assertEquals("mqtt", a.get("sinks").get(0).get("adapter").asText());
        assertProblem(get("/api/nodes/Q/telemetry"), 404);
    }

    // --- SSE ------------------------------------------------------------------------------------

    @Test
    public void eventsStreamReplaysLiveAndResumesFromLastEventId() throws Exception {
        sources.city = city;
        city.emit(CityEvent.WEATHER, "city", "clear night");
        city.emit(CityEvent.HANDOVER, "car-1", "E -> F");
        try (SseClient sse = new SseClient(base + "/api/events", null)) {
            assertEquals(200, sse.status());
            assertTrue(sse.contentType().startsWith("text/event-stream"));
            SseClient.Event st = sse.next("status");
            assertTrue(st.data().contains("\"running\":true"));
            assertEquals("1", sse.next("city").id());
            assertEquals("2", sse.next("city").id());
            assertNotNull(sse.next("view"));
            city.emit(CityEvent.POOL_EMPTY, "A-B", "pool of A-B empty at A");
            SseClient.Event live = sse.next("city");
            assertEquals("3", live.id());
            assertTrue(live.data().contains("POOL_EMPTY"));
            assertNotNull("periodic snapshots follow", sse.next("view"));
        }
        city.emit(CityEvent.REROUTE, "app-1", "rerouted over E-C-F");
        try (SseClient again = new SseClient(base + "/api/events", "2")) {
            assertEquals("3", again.next("city").id());
            assertEquals("4", again.next("city").id());
            assertNull("no gap when the engine still has everything", again.seen("gap"));
        }
        assertEquals(0, waitForClients(0));
    }

    @Test
    public void reconnectAfterTheEnginesHistoryWasTruncatedReportsAGap() throws Exception {
        FakeCity small = new FakeCity(3);
        small.listener(server::event);
        sources.city = small;
        for (int i = 0; i < 10; i++) {
            small.emit(CityEvent.ALARM, "A", "alarm " + i);
        }
        try (SseClient sse = new SseClient(base + "/api/events", "2")) {
            SseClient.Event gap = sse.next("gap");
            assertTrue(gap.data(), gap.data().contains("\"missed\":5"));
            assertEquals("8", sse.next("city").id());
        }
        assertProblem(get("/api/events?lastEventId=abc"), 400);
    }

    @Test
    public void aCityLeavingAndComingBackIsShownToOpenPages() throws Exception {
        try (SseClient sse = new SseClient(base + "/api/events", null)) {
            assertTrue(sse.next("status").data().contains("\"running\":false"));
            sources.city = city;
            server.cityChanged();
            assertTrue(sse.nextMatching("status", d -> d.contains("\"running\":true")).data()
                    .contains("fake-paper-city"));
            assertNotNull(sse.next("view"));
            sources.city = null;
            server.cityChanged();
            assertNotNull(sse.nextMatching("status", d -> d.contains("\"running\":false")));
        }
    }

    @Test
    public void aClientThatStopsReadingIsDroppedInsteadOfBufferedWithoutBound() throws Exception {
        sources.city = city;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setReceiveBufferSize(4096);
            s.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            waitFor(() -> server.clients() == 1, "the stream to open");
            // this client never reads: the socket buffers fill, then the console's queue (1 MiB here)
            String text = "x".repeat(2000);
            for (int i = 0; i < 20_000 && server.clients() > 0; i++) {
                city.emit(CityEvent.ALARM, "A", text);
            }
            waitFor(() -> server.clients() == 0, "the stalled client to be dropped");
        }
        // the console still serves everyone else
        assertEquals(200, get("/api/status").statusCode());
    }

    // --- helpers --------------------------------------------------------------------------------

    private int waitForClients(int n) throws InterruptedException {
        waitFor(() -> server.clients() == n, n + " SSE clients");
        return server.clients();
    }

    static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // a loaded CI runner is slow
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling a condition with a deadline
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return send(b.build());
    }

    private HttpResponse<String> send(HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertTrue(r.statusCode() + " " + r.body(), r.statusCode() < 300);
        return Json.MAPPER.readTree(r.body());
    }

    /** RFC 9457: the media type, and type/title/status/detail members; never a stack trace. */
    private static JsonNode assertProblem(HttpResponse<String> r, int status) throws Exception {
        assertEquals(r.body(), status, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("content-type").orElse(""));
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertEquals("about:blank", p.get("type").asText());
        assertEquals(status, p.get("status").asInt());
        assertFalse(p.get("title").asText().isEmpty());
        assertFalse(r.body(), r.body().contains("Exception") || r.body().contains("\tat "));
        return p;
    }
}
