package org.qkdv2i.scenario.internal.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * {@link LinkLag} from the QkdDriver services' {@value #SCHEDULE} property (driver.sim.fso: the
 * wall millis at which the simulated time a link end delivered so far was due under its pacing).
 * Read from the service registry, not through an API: only simulated drivers have simulated time,
 * and the engine must not depend on one vendor's bundle.
 */
public final class DriverSchedules implements LinkLag {

    /** The drivers' service property (driver.sim.fso FsoLinkComponent.SCHEDULE). */
    public static final String SCHEDULE = "qkd.sim.scheduleDue";
    static final String LINK_ID = "qkd.link.id";
    private static final String DRIVER = "org.qkdv2i.qkd.api.QkdDriver";

    private final BundleContext context;
    private final LongSupplier wallMillis;
    private volatile long notBefore = Long.MIN_VALUE;

    public DriverSchedules(BundleContext context) {
        this(context, System::currentTimeMillis);
    }

    DriverSchedules(BundleContext context, LongSupplier wallMillis) {
        this.context = context;
        this.wallMillis = wallMillis;
    }

    @Override
    public void repaced(long wall) {
        notBefore = wall;
    }

    @Override
    public Map<String, Double> lags(double speed) {
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences(DRIVER, "(" + SCHEDULE + "=*)");
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return Map.of(); // a constant filter; or the framework is stopping
        }
        Map<String, Double> out = new HashMap<>();
        if (refs == null) {
            return out;
        }
        long now = wallMillis.getAsLong();
        for (ServiceReference<?> r : refs) {
            Object link = r.getProperty(LINK_ID);
            Object due = r.getProperty(SCHEDULE);
            // a schedule due before the drivers were re-based is still the old pacing's (an Alice re-bases
            // after the round she is in): not counted until she publishes the new one
            if (link instanceof String id && due instanceof Number n && n.longValue() >= 0 && n.longValue() >= notBefore) {
                double lag = Math.max(0, (now - n.longValue()) / 1000.0 * speed);
                out.merge(id, lag, Math::max); // the slower end: its pool is where the link stands
            }
        }
        return out;
    }
}
