package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.dpn.internal.fakes.FakeDau;
import org.qkdv2i.dpn.internal.fakes.FakeQkd;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceRole;

/** The DS component without a framework: services arriving and leaving while sessions run. */
public class DpnEndpointComponentTest {

    private final TestNet net = new TestNet();
    private DpnEndpointComponent component;

    @After
    public void tearDown() {
        if (component != null) {
            component.deactivate();
        }
        net.close();
    }

    private DpnEndpointComponent component(Settings settings) {
        return new DpnEndpointComponent(settings, null, net.protection, Policy::defaults, net.clock, new SecureRandom());
    }

    @Test
    public void theEndpointRunsOnlyWhileItsDauIsThere() throws Exception {
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        FakeDau mine = new FakeDau("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z", net.directory);
        FakeDau someoneElse = new FakeDau("bs-F", DeviceRole.BASE_STATION, DauKind.DAU_N, "z", net.directory);
        component = component(Settings.of("bs-E"));
        component.bindDau(someoneElse, Map.of(DeviceAuthenticationUnit.NAME, "bs-F"));
        component.bindDirectory(net.directory);
        component.activate();
        assertNull("another device's DAU is not ours", component.endpoint());

        component.bindDau(mine, Map.of(DeviceAuthenticationUnit.NAME, "bs-E"));
        Endpoint e = component.endpoint();
        assertNotNull(e);
        assertEquals(mine.id(), e.deviceId());
        DpnSession s = e.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        assertTrue(s.isOpen());

        component.unbindDau(mine);
        assertNull(component.endpoint());
        assertFalse("sessions end with their DAU", s.isOpen());
        TestNet.await("RSU side closed", () -> rsu.endpoint.sessions().isEmpty());
        try {
            s.send("x".getBytes(StandardCharsets.UTF_8));
            fail();
        } catch (DpnException ex) {
            assertEquals(DpnException.Reason.CLOSED, ex.reason());
        }

        component.bindDau(mine, Map.of(DeviceAuthenticationUnit.NAME, "bs-E"));
        assertNotSame(e, component.endpoint());
        assertTrue(component.endpoint().connect(rsu.endpoint.listenAddress(), rsu.dau.id()).isOpen());
    }

    @Test
    public void directoryHandlersAndKeyManagersMayComeAndGo() throws Exception {
        FakeQkd qkd = new FakeQkd();
        Node f = net.fake("bs-F", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-F").withQkd("sae-F", Map.of("*", "sae-E"), false));
        f.keyManager = qkd.node("F");
        FakeDau mine = new FakeDau("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z", net.directory);
        Settings st = new Settings("bs-E", "127.0.0.1", 0, 0, 65536, 10_000, "sae-E", Map.of("*", "sae-F"), "E", false,
                32, 256);
        component = component(st);
        component.bindDau(mine, Map.of(DeviceAuthenticationUnit.NAME, "bs-E"));
        component.activate();
        int listeners = net.directory.listenerCount();
        component.bindDirectory(net.directory);
        assertEquals(listeners + 1, net.directory.listenerCount());

        LinkedBlockingQueue<String> mineGot = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> otherGot = new LinkedBlockingQueue<>();
        DpnMessageHandler h1 = (session, payload) -> mineGot.add(new String(payload, StandardCharsets.UTF_8));
        DpnMessageHandler h2 = (session, payload) -> otherGot.add(new String(payload, StandardCharsets.UTF_8));
        component.bindHandler(h1, Map.of(DeviceAuthenticationUnit.NAME, "bs-E"));
        component.bindHandler(h2, Map.of(DeviceAuthenticationUnit.NAME, "rsu-7"));

        // a KeyManager of another node is not used; the configured one is
        component.bindKeyManager(qkd.node("X"), Map.of("qkd.node", "X"));
        DpnSession s1 = component.endpoint().connect(f.endpoint.listenAddress(), f.dau.id());
        assertFalse(s1.quantumKeyed());
        s1.close();
        TestNet.await("F closed", () -> f.endpoint.sessions().isEmpty());
        var kmE = qkd.node("E");
        component.bindKeyManager(kmE, Map.of("qkd.node", "E"));
        DpnSession s2 = component.endpoint().connect(f.endpoint.listenAddress(), f.dau.id());
        assertTrue(s2.quantumKeyed());

        s2.send("hi".getBytes(StandardCharsets.UTF_8));
        DpnSession atF = f.next().session();
        atF.send("back".getBytes(StandardCharsets.UTF_8));
        assertEquals("back", mineGot.poll(10, TimeUnit.SECONDS));
        assertTrue("a handler of another DAU gets nothing", otherGot.isEmpty());

        component.unbindHandler(h1);
        component.unbindKeyManager(kmE);
        atF.send("dropped".getBytes(StandardCharsets.UTF_8));
        s2.rekey(); // the KeyManager left: the rekey goes on without a fresh QKD key
        TestNet.await("F at epoch 1", () -> atF.epoch() == 1);
        assertTrue(s2.isOpen());

        component.unbindDirectory(net.directory);
        assertEquals(listeners, net.directory.listenerCount());
        // revoked while no directory was bound: found as soon as one is bound again
        net.directory.revoke(f.dau.id());
        assertTrue(s2.isOpen());
        component.bindDirectory(net.directory);
        assertFalse(s2.isOpen());
        try {
            s2.send("x".getBytes(StandardCharsets.UTF_8));
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
    }
}
