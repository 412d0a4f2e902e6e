package org.qkdv2i.scenario.internal.sim;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** The links' lags from the drivers' published schedules, against a fake service registry. */
public class DriverSchedulesTest {

    private static ServiceReference<?> driver(String link, Object due) {
        Map<String, Object> props = new java.util.HashMap<>();
        if (link != null) {
            props.put("qkd.link.id", link);
        }
        props.put(DriverSchedules.SCHEDULE, due);
        return (ServiceReference<?>) Proxy.newProxyInstance(DriverSchedulesTest.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class }, (p, m, args) -> m.getName().equals("getProperty")
                        ? props.get((String) args[0]) : null);
    }

    @Test
    public void aLinkLagsAsMuchAsItsSlowerEndScaledBySpeedAndAnEndAheadCountsAsOnTime() {
        long now = 1_000_000;
        ServiceReference<?>[] refs = { driver("A-B", now - 2_000), driver("A-B", now - 500), driver("B-C", now + 300),
                driver(null, now - 9_000), driver("C-D", "not a number") };
        String[] filter = new String[1];
        BundleContext ctx = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (p, m, args) -> {
                    if (m.getName().equals("getServiceReferences")) {
                        filter[0] = (String) args[1];
                        return refs;
                    }
                    return null;
                });
        Map<String, Double> lags = new DriverSchedules(ctx, () -> now).lags(4);
        assertEquals("(qkd.sim.scheduleDue=*)", filter[0]);
        assertEquals("2 s of wall time late at x4: 8 simulated s", 8.0, lags.get("A-B"), 1e-9);
        assertEquals("ahead of its schedule: on time", 0.0, lags.get("B-C"), 0);
        assertEquals("no link ID or no number: not counted", 2, lags.size());
    }

    @Test
    public void noSimulatedDriverNoLag() {
        BundleContext ctx = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (p, m, args) -> null);
        assertEquals(Map.of(), new DriverSchedules(ctx, () -> 0).lags(4));
    }
}
