package org.qkdv2i.scenario.internal;

import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.radio.udp.VirtualAirRadio;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.MessageProtection;

/**
 * {@link Devices} from the service registry: one tracker per type, indexed by the name property.
 * The engine configures hundreds of devices; a tracker each (not a DS reference each) keeps the
 * lookups O(1) and lets any device leave and come back while the city runs.
 */
final class OsgiDevices implements Devices {

    private final BundleContext context;
    private final Named<DpnEndpoint> endpoints;
    private final Named<DeviceAuthenticationUnit> daus;
    private final Named<V2xStack> stacks;
    private final Named<VirtualAirRadio> radios;
    private final Named<IdentityLog> logs;
    private final Named<MessageProtection> protections;

    OsgiDevices(BundleContext context) {
        this.context = context;
        endpoints = new Named<>(context, DpnEndpoint.class, DeviceAuthenticationUnit.NAME);
        daus = new Named<>(context, DeviceAuthenticationUnit.class, DeviceAuthenticationUnit.NAME);
        stacks = new Named<>(context, V2xStack.class, V2xStack.STACK);
        radios = new Named<>(context, VirtualAirRadio.class, "radio.id");
        logs = new Named<>(context, IdentityLog.class, null);
        protections = new Named<>(context, MessageProtection.class, null);
    }

    @Override
    public DpnEndpoint endpoint(String dau) {
        return endpoints.get(dau);
    }

    @Override
    public DeviceAuthenticationUnit dau(String name) {
        return daus.get(name);
    }

    @Override
    public V2xStack stack(String name) {
        return stacks.get(name);
    }

    @Override
    public VirtualAirRadio radio(String id) {
        return radios.get(id);
    }

    @Override
    public IdentityLog identityLog() {
        return logs.get("");
    }

    @Override
    public MessageProtection protection() {
        return protections.get("");
    }

    @Override
    public <S> AutoCloseable register(Class<S> type, S service, Map<String, Object> properties) {
        ServiceRegistration<S> r = context.registerService(type, service, new Hashtable<>(properties));
        return () -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        };
    }

    @Override
    public void close() {
        endpoints.close();
        daus.close();
        stacks.close();
        radios.close();
        logs.close();
        protections.close();
    }

    /** Services of one type by the value of one property ("" for the single service of a type). */
    private static final class Named<S> implements ServiceTrackerCustomizer<S, S> {
        private final BundleContext context;
        private final String property;
        private final Map<String, S> byName = new ConcurrentHashMap<>();
        private final ServiceTracker<S, S> tracker;

        Named(BundleContext context, Class<S> type, String property) {
            this.context = context;
            this.property = property;
            this.tracker = new ServiceTracker<>(context, type, this);
            tracker.open();
        }

        S get(String name) {
            return byName.get(name);
        }

        private String name(ServiceReference<S> ref) {
            if (property == null) {
                return "";
            }
            Object v = ref.getProperty(property);
            return v == null ? null : v.toString();
        }

        @Override
        public S addingService(ServiceReference<S> ref) {
            S s = context.getService(ref);
            String n = name(ref);
            if (s != null && n != null) {
                byName.put(n, s);
            }
            return s;
        }

        @Override
        public void modifiedService(ServiceReference<S> ref, S service) {
            byName.values().remove(service);
            String n = name(ref);
            if (n != null) {
                byName.put(n, service);
            }
        }

        @Override
        public void removedService(ServiceReference<S> ref, S service) {
            byName.values().remove(service);
            context.ungetService(ref);
        }

        void close() {
            tracker.close();
        }
    }
}
