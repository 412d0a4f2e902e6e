package org.qkdv2i.console.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.osgi.service.component.ComponentContext;
import org.qkdv2i.scenario.api.CityEvent;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The DS component outside a framework, called the way SCR calls it (constructor, dynamic binds,
 * activate, deactivate), with a {@link FakeCity} (the real engine is another bundle): the console
 * serves before a City arrives, follows it coming and going, forwards CityListener events to open
 * pages, enables the telemetry component only when the optional telemetry API is there, and
 * frees its port on deactivation.
 */
public class ConsoleComponentTest {

    private final List<String> enabled = new ArrayList<>();

    @Test
    public void followsTheCityAndForwardsEventsAndFreesThePort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConsoleComponent c = new ConsoleComponent(config(Map.of("port", port, "snapshotMillis", 100L)), context());
        FakeCity city = new FakeCity(100);
        c.activate();
        try {
            assertEquals("the telemetry API is on the test class path, so its component is enabled",
                    List.of(TelemetrySinks.class.getName()), enabled);
            String base = "http://127.0.0.1:" + port;
            assertEquals(503, get(base + "/api/city").statusCode());

            c.bindCity(city);
            city.listener(c::event); // the engine's whiteboard call
            assertEquals(200, get(base + "/api/city").statusCode());
            JsonNode st = Json.MAPPER.readTree(get(base + "/api/status").body());
            assertTrue(st.get("running").asBoolean());
            try (SseClient sse = new SseClient(base + "/api/events", null)) {
                sse.next("view");
                city.emit(CityEvent.EAVESDROPPING_DETECTED, "A-B", "QBER 14 % on A-B");
                assertTrue(sse.next("city").data().contains("EAVESDROPPING_DETECTED"));
            }
            c.unbindCity(city);
            assertEquals(503, get(base + "/api/city").statusCode());
        } finally {
            c.deactivate();
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            fail("port " + port + " still open after deactivate");
        } catch (ConnectException expected) {
            // closed
        }
    }

    @Test
    public void theSameConfigurationAgainKeepsOpenPagesAndANewPortMovesTheServer() throws Exception {
        int port;
        int other;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            port = a.getLocalPort();
            other = b.getLocalPort();
        }
        ConsoleComponent c = new ConsoleComponent(config(Map.of("port", port, "snapshotMillis", 100L)), context());
        c.activate();
        try (SseClient sse = new SseClient("http://127.0.0.1:" + port + "/api/events", null)) {
            sse.next("status");
            // the demo writes its (equal) settings after the console started with them
            c.modified(config(Map.of("port", port, "snapshotMillis", 100L, "bindAddress", "127.0.0.1")));
            assertTrue("the open page keeps its stream", sse.next("status").data().contains("running"));
            c.modified(config(Map.of("port", other, "snapshotMillis", 100L)));
            assertEquals(200, get("http://127.0.0.1:" + other + "/api/status").statusCode());
            try (Socket s = new Socket("127.0.0.1", port)) {
                fail("old port " + port + " still open");
            } catch (ConnectException expected) {
                // moved
            }
        } finally {
            c.deactivate();
        }
    }

    /**
     * The demo's framework sets {@code org.qkdv2i.console.awaitConfiguration}: SCR starts the
     * component with the defaults before the demo has read {@code --headless}, and no port may be
     * opened then; the configuration decides (here: off, then on with a port, then deleted).
     */
    @Test
    public void awaitingItsConfigurationOpensNoPortUntilItArrives() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        componentProps.clear();
        frameworkProps.put(ConsoleComponent.AWAIT_CONFIGURATION, "true");
        ConsoleComponent c = new ConsoleComponent(config(Map.of("port", port)), context());
        c.activate();
        try {
            assertClosed(port, "no configuration yet");
            componentProps.put("service.pid", ConsoleComponent.PID); // the demo's --headless configuration
            c.modified(config(Map.of("port", port, "enabled", false)));
            assertClosed(port, "configured off");
            c.modified(config(Map.of("port", port, "enabled", true)));
            assertEquals(200, get("http://127.0.0.1:" + port + "/api/status").statusCode());
            componentProps.clear(); // configuration deleted: back to waiting
            c.modified(config(Map.of("port", port)));
            assertClosed(port, "configuration deleted");
        } finally {
            c.deactivate();
        }
    }

    private static void assertClosed(int port, String when) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            fail("port " + port + " open: " + when);
        } catch (ConnectException expected) {
            // nothing listens
        }
    }

    @Test
    public void disabledConsoleServesNothingButStillListens() throws Exception {
        ConsoleComponent c = new ConsoleComponent(config(Map.of("enabled", false, "port", 0)), context());
        c.activate();
        c.event(new CityEvent(1, java.time.Instant.EPOCH, CityEvent.ALARM, "A", "ignored")); // no server: no failure
        c.deactivate();
    }

    @Test
    public void telemetrySinkStatusBecomesAPlainMapWithoutCredentials() {
        Map<String, Object> m = TelemetrySinks.map(new org.qkdv2i.telemetry.api.SinkStatus("mqtt", "A",
                "tcp://127.0.0.1:1883", true, 10, 2, 0, 0));
        assertEquals("mqtt", m.get("adapter"));
        assertEquals("tcp://127.0.0.1:1883", m.get("endpoint"));
        assertEquals(10L, m.get("sent"));
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The component's Config as SCR builds it: defaults from the annotation, overridden by properties. */
    private static ConsoleComponent.Config config(Map<String, Object> props) {
        return (ConsoleComponent.Config) Proxy.newProxyInstance(ConsoleComponent.Config.class.getClassLoader(),
                new Class<?>[] {ConsoleComponent.Config.class}, (p, m, a) -> {
                    if (m.getName().equals("annotationType")) {
                        return ConsoleComponent.Config.class;
                    }
                    Object v = props.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
    }

    private final java.util.Hashtable<String, Object> componentProps = new java.util.Hashtable<>();
    private final Map<String, String> frameworkProps = new java.util.HashMap<>();

    /** SCR's ComponentContext: the component's properties and a BundleContext for framework properties. */
    private ComponentContext context() {
        org.osgi.framework.BundleContext bc = (org.osgi.framework.BundleContext) Proxy.newProxyInstance(
                ComponentContext.class.getClassLoader(), new Class<?>[] {org.osgi.framework.BundleContext.class},
                (p, m, a) -> m.getName().equals("getProperty") ? frameworkProps.get((String) a[0]) : null);
        return (ComponentContext) Proxy.newProxyInstance(ComponentContext.class.getClassLoader(),
                new Class<?>[] {ComponentContext.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "enableComponent" -> enabled.add((String) a[0]);
                        case "getBundleContext" -> {
                            return bc;
                        }
                        case "getProperties" -> {
                            return componentProps;
                        }
                        default -> {
                            // nothing else is used
                        }
                    }
                    return null;
                });
    }
}
