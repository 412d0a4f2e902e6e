package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The component's configuration updates, called the way SCR calls them, against a fake
 * ConfigurationAdmin ({@link CityEngineTest.FakeCm}: the KMMs, drivers and controller are other
 * bundles): a new {@code speed} reaches every FSO link end and the view without restarting the
 * city; a refused scenario file leaves the city running; a setting that defines the city
 * ({@code controllerPollMillis} here) restarts it: the old configurations are deleted and new ones
 * written.
 */
public class CityComponentTest {

    private final CityEngineTest.FakeCm cm = new CityEngineTest.FakeCm();
    private CityComponent city;

    @After
    public void stop() {
        if (city != null) {
            city.deactivate();
        }
    }

    @Test
    public void speedChangesLiveAndCitySettingsRestart() throws Exception {
        Path dir = Files.createTempDirectory("city-component-test");
        Path file = dir.resolve("city.json");
        Files.writeString(file, CityEngineTest.CITY);
        city = new CityComponent(bundleContext(), config(Map.of("scenarioFile", file.toString(), "speed", 2.0)),
                cm.proxy());
        await("4 FSO link ends at speed 2", () -> fso(false).size() == 4
                && fso(false).stream().allMatch(c -> Double.valueOf(2.0).equals(c.props().get("speed"))));
        int written = cm.confs.size();
        List<CityEngineTest.FakeCm.Conf> ends = fso(false);

        city.modified(config(Map.of("scenarioFile", file.toString(), "speed", 8.0)));
        await("every link end at speed 8", () -> fso(false).stream()
                .allMatch(c -> Double.valueOf(8.0).equals(c.props().get("speed"))));
        assertEquals(8.0, city.view().speed(), 0);
        assertEquals("the same link ends, updated", ends, fso(false));
        assertTrue("nothing restarted", cm.confs.stream().noneMatch(c -> c.deleted()[0]));

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\":\"x\",\"nodes\":[]");
        city.modified(config(Map.of("scenarioFile", bad.toString(), "speed", 8.0)));
        assertEquals("the city runs on", "t", city.name());
        assertTrue(cm.confs.stream().noneMatch(c -> c.deleted()[0]));

        city.modified(config(Map.of("scenarioFile", file.toString(), "speed", 8.0, "controllerPollMillis", 2000L)));
        assertEquals("the old city's link ends are gone", 4, fso(true).size());
        await("a new city's 4 link ends", () -> fso(false).size() == 4);
        assertTrue(cm.confs.size() > written);
        assertEquals(8.0, city.view().speed(), 0);
    }

    private List<CityEngineTest.FakeCm.Conf> fso(boolean deleted) {
        return cm.confs.stream().filter(c -> c.pid().equals(Deployment.FSO_PID) && c.deleted()[0] == deleted).toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling a condition with a deadline
        }
    }

    private static BundleContext bundleContext() {
        ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(
                CityComponentTest.class.getClassLoader(), new Class<?>[] { ServiceRegistration.class },
                (p, m, a) -> null);
        return (BundleContext) Proxy.newProxyInstance(CityComponentTest.class.getClassLoader(),
                new Class<?>[] { BundleContext.class },
                (p, m, a) -> m.getName().equals("registerService") ? reg : null);
    }

    /** The component's Config as SCR builds it: defaults from the annotation, overridden by properties. */
    private static CityComponent.Config config(Map<String, Object> props) {
        return (CityComponent.Config) Proxy.newProxyInstance(CityComponent.Config.class.getClassLoader(),
                new Class<?>[] { CityComponent.Config.class }, (p, m, a) -> {
                    if (m.getName().equals("annotationType")) {
                        return CityComponent.Config.class;
                    }
                    Object v = props.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
    }
}
