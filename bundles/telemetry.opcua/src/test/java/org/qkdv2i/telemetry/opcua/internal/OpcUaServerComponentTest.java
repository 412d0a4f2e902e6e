package org.qkdv2i.telemetry.opcua.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.NODE;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR_PW;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.path;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.junit.Test;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;

/** The DS component as ConfigAdmin would configure it (the Config proxy stands in for SCR). */
public class OpcUaServerComponentTest {

    static OpcUaServerComponent.Config config(Map<String, Object> values) {
        return (OpcUaServerComponent.Config) Proxy.newProxyInstance(OpcUaServerComponent.Config.class.getClassLoader(),
                new Class<?>[] {OpcUaServerComponent.Config.class}, (proxy, m, args) -> {
                    if (values.containsKey(m.getName())) {
                        return values.get(m.getName());
                    }
                    if (m.getDefaultValue() != null) {
                        return m.getDefaultValue();
                    }
                    throw new IllegalStateException("no value for " + m.getName());
                });
    }

    private static Map<String, Object> base(Path pki, int port) {
        Map<String, Object> v = new HashMap<>();
        v.put("qkd_node", NODE);
        v.put("port", port);
        v.put("pkiDir", pki.toString());
        v.put("_keyStorePassword", "component-store-pw");
        v.put("users", new String[] {OPERATOR + "=" + Fixture.OPERATOR_HASH});
        v.put("operators", new String[] {OPERATOR});
        return v;
    }

    @Test
    public void servesUntilDeactivatedAndFollowsLinkControlComingAndGoing() throws Exception {
        Path pki = Files.createTempDirectory("opcua-pki-component");
        Fixture.ClientApp app = Fixture.ClientApp.create("component-client");
        app.trustIn(pki);
        int port = Fixture.freePort();
        OpcUaServerComponent c = new OpcUaServerComponent(config(base(pki, port)));
        try {
            c.link(new LinkTelemetry(NODE, "qkd-1", "UP", 0.02, 800.0, 3.0, "", Instant.now()));
            SinkStatus st = c.status();
            assertTrue(st.connected());
            assertEquals("opc.tcp://localhost:" + port + "/qkdv2i (0 sessions)", st.endpoint());
            // the component's own Operations pick the LinkControl of this node
            Fixture.FakeLinkControl lc = new Fixture.FakeLinkControl(Set.of("qkd-1"));
            OpcUaTelemetryServer server = serverOf(c);
            OpcUaClient client = app.connect(server, SecurityPolicy.Basic256Sha256, OPERATOR, OPERATOR_PW);
            try {
                NodeId link = path(client, "QKD-V2I", NODE, "Links", "qkd-1");
                NodeId disable = Fixture.browse(client, link).get("Disable");
                CallMethodRequest req = new CallMethodRequest(link, disable, new Variant[] {new Variant("x")});
                assertEquals(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NotSupported,
                        client.call(java.util.List.of(req)).getResults()[0].getStatusCode().value());
                c.addLinkControl(lc);
                assertTrue(client.call(java.util.List.of(req)).getResults()[0].getStatusCode().isGood());
                assertTrue(lc.disabled.contains("qkd-1"));
                c.removeLinkControl(lc);
                assertEquals(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NotSupported,
                        client.call(java.util.List.of(req)).getResults()[0].getStatusCode().value());
                assertEquals("1 sessions)", c.status().endpoint().replaceAll(".*\\(", ""));
            } finally {
                client.disconnect();
            }
        } finally {
            c.deactivate();
        }
        assertFalse(c.status().connected());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            fail("port still open after deactivate");
        } catch (ConnectException expected) {
            // closed
        }
        // the last server gone, Milo's shared threads go too (nothing left behind by a bundle stop)
        Fixture.await("no Milo threads", 10_000, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("milo-netty-event-loop")));
        // calls after deactivation are ignored, never thrown
        c.link(new LinkTelemetry(NODE, "qkd-1", "UP", 0.02, 800.0, 3.0, "", Instant.now()));
    }

    private static OpcUaTelemetryServer serverOf(OpcUaServerComponent c) throws Exception {
        var f = OpcUaServerComponent.class.getDeclaredField("server");
        f.setAccessible(true);
        return (OpcUaTelemetryServer) f.get(c);
    }

    @Test
    public void badConfigurationFailsActivationWithAClearMessage() throws Exception {
        Path pki = Files.createTempDirectory("opcua-pki-bad");
        Map<String, String[]> cases = new HashMap<>();
        cases.put("_keyStorePassword", new String[] {"", "keyStorePassword is required"});
        cases.put("securityPolicies", new String[] {"Basic999", "unknown security policy 'Basic999'"});
        cases.put("users", new String[] {"carol=plaintext", "user 'carol': not a pbkdf2-sha256 hash"});
        cases.put("qkd_node", new String[] {" ", "qkd.node is required"});
        for (var e : cases.entrySet()) {
            Map<String, Object> v = base(pki, Fixture.freePort());
            Object value = e.getKey().equals("securityPolicies") || e.getKey().equals("users")
                    ? new String[] {e.getValue()[0]} : e.getValue()[0];
            v.put(e.getKey(), value);
            try {
                new OpcUaServerComponent(config(v)).deactivate();
                fail(e.getKey() + " accepted");
            } catch (IllegalArgumentException x) {
                assertTrue(x.getMessage(), x.getMessage().contains(e.getValue()[1]));
            }
        }
        Map<String, Object> v = base(pki, Fixture.freePort());
        v.put("securityPolicies", new String[] {"None"});
        try {
            new OpcUaServerComponent(config(v)).deactivate();
            fail("None accepted as a policy");
        } catch (IllegalArgumentException x) {
            assertTrue(x.getMessage().contains("allowInsecureNone"));
        }
    }
}
