package org.qkdv2i.zap.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.AbstractMap;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.Puf;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

/** The DS entry points (config annotations, bundle context) with stand-ins for what SCR passes. */
public class DauComponentOsgiTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Map<String, Object> registered = new HashMap<>();
    private Object service;
    private final AtomicBoolean unregistered = new AtomicBoolean();

    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            Object v = values.get(m.getName());
            return v != null ? v : m.getDefaultValue();
        });
    }

    private BundleContext context() {
        Bundle bundle = bundle("org.qkdv2i.zap");
        Bundle scr = bundle("org.apache.felix.scr");
        ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, args) -> {
                    if (m.getName().equals("unregister")) {
                        unregistered.set(true);
                    }
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, args) -> {
                    switch (m.getName()) {
                        case "getBundles":
                            return new Bundle[] {bundle, scr};
                        case "registerService":
                            Dictionary<String, ?> props = (Dictionary<String, ?>) args[2];
                            for (String k : java.util.Collections.list(props.keys())) {
                                registered.put(k, props.get(k));
                            }
                            service = args[1];
                            return reg;
                        default:
                            return null;
                    }
                });
    }

    private Bundle bundle(String bsn) {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "getVersion" -> new Version(0, 1, 0);
                    default -> null;
                });
    }

    @Test
    public void measuredBundlesSelectsBySymbolicNameGlobs() {
        BundleContext ctx = context();
        assertEquals(2, DauComponent.bundles(ctx, "*").size());
        assertEquals(1, DauComponent.bundles(ctx, "org.qkdv2i.*").size());
        assertEquals("org.qkdv2i.zap", DauComponent.bundles(ctx, "org.qkdv2i.*").get(0).name());
        assertEquals(2, DauComponent.bundles(ctx, "org.apache.felix.scr, org.qkdv2i.z*").size());
        assertEquals(0, DauComponent.bundles(ctx, "org.qkdv2i").size());
    }

    private Puf puf(String device) throws Exception {
        return new EmulatedSramPuf(config(EmulatedSramPuf.Config.class, Map.of("puf_device", device,
                "meanBitErrorRate", 0.15, "stateDir", tmp.getRoot().toString())));
    }

    private DauComponent.Config dauConfig(String name) {
        return config(DauComponent.Config.class, Map.of("name", name, "role", DeviceRole.RSU, "kind", DauKind.DAU_V,
                "zone", "east", "stateDir", tmp.getRoot().toString()));
    }

    @Test
    public void registersTheDauWithItsIdentityProperties() throws Exception {
        Puf puf = puf("rsu-7-v");
        DauComponent dau = new DauComponent(dauConfig("rsu-7-v"), context(),
                new AbstractMap.SimpleEntry<>(Map.of(Puf.DEVICE, "rsu-7-v"), puf));
        assertSame(dau, service);
        assertEquals("rsu-7-v", registered.get(DeviceAuthenticationUnit.NAME));
        assertEquals(dau.id().value(), registered.get(DeviceAuthenticationUnit.ID));
        assertEquals("DAU_V", registered.get(DeviceAuthenticationUnit.KIND));
        assertEquals("RSU", registered.get(DeviceAuthenticationUnit.ROLE));
        assertEquals("east", registered.get(DeviceAuthenticationUnit.ZONE));
        assertEquals("emulated-sram:rsu-7-v", puf.id());
        dau.close();
        assertTrue(unregistered.get());
    }

    @Test
    public void aPufOfAnotherDeviceIsRefusedAndNothingRegistered() throws Exception {
        DauComponent dau = new DauComponent(dauConfig("rsu-7-v"), context(),
                new AbstractMap.SimpleEntry<>(Map.of(Puf.DEVICE, "bs-E"), puf("bs-E")));
        assertNull(service);
        assertTrue(dau.toString().contains("no identity"));
        try {
            dau.initiate(null);
            org.junit.Assert.fail("a DAU without identity cannot authenticate");
        } catch (org.qkdv2i.zap.api.AuthenticationException e) {
            assertEquals(org.qkdv2i.zap.api.AuthenticationException.Reason.UNAVAILABLE, e.reason());
        }
        dau.close();
        assertEquals(List.of(), List.copyOf(registered.keySet()));
    }
}
