package org.qkdv2i.sdn.controller.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/**
 * The DS component outside a framework, wired as SCR would: it waits for the NodeTls named by
 * controllerId, then serves its northbound API and registers the SdnController service; it stops
 * when that NodeTls leaves and ignores other nodes' identities. Its state file carries the
 * applications over a restart of the component. Bad configuration fails activation.
 */
public class ControllerComponentTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();
    private static NodeTls ctl;
    private static NodeTls other;

    @BeforeClass
    public static void pki() throws Exception {
        Path pki = TMP.newFolder("pki").toPath();
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        DevPki.init(pki, List.of("ctl", "A"), List.of(), pw);
        ctl = BcNodeTls.load("ctl", pki.resolve("node-ctl.p12"), pw, pki.resolve("ca.pem"), null, null);
        other = BcNodeTls.load("A", pki.resolve("node-A.p12"), pw, pki.resolve("ca.pem"), null, null);
    }

    /** Records registrations; unregistering removes them. */
    private static final class Context {
        final List<Object> services = new ArrayList<>();

        BundleContext proxy() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                    (p, m, args) -> {
                        if (m.getName().equals("registerService")) {
                            Object service = args[1];
                            services.add(service);
                            return Proxy.newProxyInstance(getClass().getClassLoader(),
                                    new Class<?>[] {ServiceRegistration.class}, (p2, m2, a2) -> {
                                        if (m2.getName().equals("unregister")) {
                                            services.remove(service);
                                        }
                                        return null;
                                    });
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    private static ControllerComponent.Config config(String id, String[] agents, String stateFile) {
        return new ControllerComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ControllerComponent.Config.class;
            }

            @Override
            public String controllerId() {
                return id;
            }

            @Override
            public String[] agents() {
                return agents;
            }

            @Override
            public long pollMillis() {
                return 60_000; // the test does not need polls
            }

            @Override
            public long agentTimeoutMillis() {
                return 500;
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public String[] operators() {
                return new String[0];
            }

            @Override
            public String stateFile() {
                return stateFile;
            }
        };
    }

    @Test
    public void runsWhileItsTlsIdentityIsThereAndKeepsApplicationsInItsStateFile() throws Exception {
        String state = TMP.newFolder().toPath().resolve("data/state.json").toString();
        String[] agents = {"A=https://127.0.0.1:1", "B=https://127.0.0.1:2"};
        Context ctx = new Context();
        ControllerComponent c = new ControllerComponent(ctx.proxy(), config("ctl", agents, state));
        c.activate();
        c.bindNodeTls(other, Map.of(NodeTls.NODE_PROPERTY, "A"));
        assertNull("another node's identity is not ours", c.controller());
        c.bindNodeTls(ctl, Map.of(NodeTls.NODE_PROPERTY, "ctl"));
        SdnController running = c.controller();
        assertNotNull(running);
        assertTrue(c.northboundPort() > 0);
        assertEquals(List.of(running), ctx.services);

        // a hand-made topology (no agents answer here): A-B, so an application can be provisioned
        running.network().topology().setReachable("A", true);
        running.network().topology().setReachable("B", true);
        running.network().putLink("AB", "A", "B", org.qkdv2i.sdn.controller.internal.graph.LinkMetrics.of(
                org.qkdv2i.sdn.controller.internal.graph.LinkState.UP, 1_000_000, 10_000, 0.01));
        running.provision(new AppRequest("app-1", "s", "A", "c", "B", 0, null));
        assertTrue(Files.size(Path.of(state)) > 0);

        c.unbindNodeTls(ctl);
        assertNull(c.controller());
        assertTrue("service gone with the identity", ctx.services.isEmpty());
        c.deactivate();

        ControllerComponent again = new ControllerComponent(new Context().proxy(), config("ctl", agents, state));
        again.activate();
        again.bindNodeTls(ctl, Map.of(NodeTls.NODE_PROPERTY, "ctl"));
        try {
            assertNotNull("restored from the state file", again.controller().network().application("app-1"));
        } finally {
            again.deactivate();
        }
    }

    @Test
    public void badConfigurationFailsActivation() throws Exception {
        for (ControllerComponent.Config bad : List.of(config(" ", new String[0], ""),
                config("ctl", new String[] {"A=http://h:1"}, ""))) {
            try {
                new ControllerComponent(new Context().proxy(), bad);
                fail();
            } catch (IllegalArgumentException expected) {
                // logged with the reason
            }
        }
        Path broken = TMP.newFile("broken.json").toPath();
        Files.writeString(broken, "{not json");
        try {
            new ControllerComponent(new Context().proxy(), config("ctl", new String[0], broken.toString()));
            fail("an unreadable state file must not be ignored");
        } catch (IllegalStateException expected) {
            assertEquals("{not json", Files.readString(broken));
        }
    }
}
