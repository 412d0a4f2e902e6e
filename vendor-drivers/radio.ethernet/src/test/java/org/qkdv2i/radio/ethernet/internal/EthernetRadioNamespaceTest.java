package org.qkdv2i.radio.ethernet.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GnAddress;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.WaveElement;
import org.qkdv2i.v2x.codec.net.WsmpPacket;

/**
 * Two radios in two network namespaces joined by a veth pair that the test creates: real
 * AF_PACKET sockets, real kernel forwarding, GeoNetworking and WSMP frames compared byte for
 * byte. Each radio is activated on a thread that has entered its namespace with setns(2), so
 * its sockets and receive thread live there; the test thread stays in the host namespace.
 * Skipped only when the kernel refuses namespaces (`ip netns add` fails with EPERM).
 */
public class EthernetRadioNamespaceTest {
    static final long PID = ProcessHandle.current().pid();
    static final String NS_A = "qv2i-eth-" + PID + "-a";
    static final String NS_B = "qv2i-eth-" + PID + "-b";
    static final String IF_A = "qe" + PID % 10_000_000 + "a";
    static final String IF_B = "qe" + PID % 10_000_000 + "b";
    static final LinkAddress MAC_A = LinkAddress.mac(0x0200_0000_AA01L);
    static final LinkAddress MAC_B = LinkAddress.mac(0x0200_0000_BB01L);
    static final long DEADLINE_MS = 10_000;

    static final List<String> created = new ArrayList<>();
    static EthernetRadio a;
    static EthernetRadio b;

    @BeforeClass
    public static void createNamespacesAndVethPair() throws Exception {
        assumeTrue("AF_PACKET needs Linux; os.name=" + System.getProperty("os.name"),
                System.getProperty("os.name").startsWith("Linux"));
        NetNs.Result add = NetNs.run("ip", "netns", "add", NS_A);
        if (add.exit() != 0 && add.output().contains("Operation not permitted")) {
            assumeTrue("skipped: the kernel forbids network namespaces here (ip netns add: " + add.output() + ")",
                    false);
        }
        assertEquals("ip netns add " + NS_A + ": " + add.output(), 0, add.exit());
        created.add(NS_A);
        NetNs.must("ip", "netns", "add", NS_B);
        created.add(NS_B);
        NetNs.must("ip", "link", "add", IF_A, "type", "veth", "peer", "name", IF_B);
        NetNs.must("ip", "link", "set", IF_A, "netns", NS_A);
        NetNs.must("ip", "link", "set", IF_B, "netns", NS_B);
        NetNs.must("ip", "-n", NS_A, "link", "set", IF_A, "address", MAC_A.toString(), "up");
        NetNs.must("ip", "-n", NS_B, "link", "set", IF_B, "address", MAC_B.toString(), "up");
        assertTrue("veth carrier up", await(() -> lowerUp(NS_A, IF_A) && lowerUp(NS_B, IF_B), DEADLINE_MS));
        a = NetNs.inNamespace(NS_A, () -> new EthernetRadio(config("a", IF_A, 0)));
        b = NetNs.inNamespace(NS_B, () -> new EthernetRadio(config("b", IF_B, 180)));
    }

    @AfterClass
    public static void removeNamespaces() throws Exception {
        if (a != null) {
            a.deactivate();
        }
        if (b != null) {
            b.deactivate();
        }
        for (String ns : created) { // deleting a namespace deletes the veth end inside it, and so the pair
            NetNs.Result r = NetNs.run("ip", "netns", "del", ns);
            if (r.exit() != 0) {
                System.err.println("cleanup: ip netns del " + ns + ": " + r.output());
            }
        }
    }

    static boolean lowerUp(String ns, String ifName) {
        try {
            return NetNs.run("ip", "-n", ns, "-o", "link", "show", ifName).output().contains("LOWER_UP");
        } catch (Exception e) {
            return false;
        }
    }

    static boolean await(BooleanSupplier c, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    static EthernetRadio.Config config(String id, String ifName, int channel) {
        Map<String, Object> v = new HashMap<>();
        v.put("radio_id", id);
        v.put("interface_name", ifName);
        v.put("channel", channel);
        return configOf(v);
    }

    static EthernetRadio.Config configOf(Map<String, Object> v) {
        return (EthernetRadio.Config) java.lang.reflect.Proxy.newProxyInstance(EthernetRadio.Config.class.getClassLoader(),
                new Class<?>[] {EthernetRadio.Config.class}, (proxy, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return (Class<? extends Annotation>) EthernetRadio.Config.class;
                    }
                    return v.containsKey(m.getName()) ? v.get(m.getName()) : m.getDefaultValue();
                });
    }

    static byte[] gnShb(int n) {
        StationState s = new StationState(3141592653L, 5, 481234567, 115678901, true, 1389, 900,
                Instant.parse("2026-11-27T10:00:00Z"));
        LongPositionVector pv = LongPositionVector.of(GnAddress.of(5, MAC_A.value()), s);
        byte[] cam = new byte[40 + n];
        for (int i = 0; i < cam.length; i++) {
            cam[i] = (byte) (i * 7 + n);
        }
        return NetCodecs.geoNetworking().encode(GnPacket.shb(pv, NetCodecs.btp().encode(BtpPacket.b(BtpPacket.PORT_CAM,
                cam))));
    }

    static byte[] wsmp(int n) {
        return NetCodecs.wsmp().encode(new WsmpPacket(0, List.of(WaveElement.channelNumber(172),
                WaveElement.dataRate(12), WaveElement.transmitPowerUsed(20)), WsmpPacket.PSID_BSM, null,
                new byte[] {3, (byte) 0x80, 2, (byte) n, 0x42}));
    }

    @Test
    public void geoNetworkingAndWsmpFramesCrossTheVethPairByteForByte() throws Exception {
        assertEquals("own address from the interface (SIOCGIFHWADDR)", MAC_A, a.address());
        assertEquals(MAC_B, b.address());
        BlockingQueue<RadioFrame> atB = new LinkedBlockingQueue<>();
        BlockingQueue<RadioFrame> atA = new LinkedBlockingQueue<>();
        b.subscribe(atB::add);
        a.subscribe(atA::add);
        long otherHostBefore = b.otherHost.get();
        long deliveredBefore = b.delivered.get();
        long receivedBefore = b.received.get();

        RadioFrame gn = new RadioFrame(MAC_A, LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_GEONETWORKING, gnShb(1),
                FrameMetadata.NONE);
        RadioFrame ws = new RadioFrame(MAC_A, LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_WSMP, wsmp(2),
                FrameMetadata.NONE);
        RadioFrame toB = new RadioFrame(MAC_A, MAC_B, RadioFrame.ETHERTYPE_GEONETWORKING, gnShb(3), FrameMetadata.NONE);
        RadioFrame tiny = new RadioFrame(MAC_A, LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_WSMP, new byte[] {0x03},
                FrameMetadata.NONE);
        RadioFrame toOther = new RadioFrame(MAC_A, LinkAddress.mac(0x0200_0000_CC01L),
                RadioFrame.ETHERTYPE_GEONETWORKING, gnShb(4), FrameMetadata.NONE);
        RadioFrame unbound = new RadioFrame(MAC_A, LinkAddress.BROADCAST_MAC, 0x88B5, new byte[] {1, 2, 3},
                FrameMetadata.NONE);
        for (RadioFrame f : List.of(gn, ws, toOther, unbound, toB, tiny)) {
            a.send(f);
        }
        Map<String, RadioFrame> got = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            RadioFrame f = atB.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
            assertNotNull("frame " + (i + 1) + " of 4 did not arrive at b", f);
            got.put(java.util.HexFormat.of().formatHex(f.payload()), f);
        }
        for (RadioFrame sent : List.of(gn, ws, toB, tiny)) {
            RadioFrame r = got.get(java.util.HexFormat.of().formatHex(sent.payload()));
            assertNotNull("not received byte for byte: " + sent, r);
            assertEquals(sent.source(), r.source());
            assertEquals(sent.destination(), r.destination());
            assertEquals(sent.protocol(), r.protocol());
            assertArrayEquals(sent.payload(), r.payload());
            assertEquals("configured channel", Integer.valueOf(180), r.metadata().channel());
            assertEquals(Integer.valueOf(5900), r.metadata().centreFrequencyMhz());
            assertNotNull(r.metadata().timestamp());
        }
        // the codecs read what arrived
        RadioFrame rxGn = got.get(java.util.HexFormat.of().formatHex(gn.payload()));
        assertTrue(NetCodecs.geoNetworking().decodeLinkPayload(rxGn.payload()).isOk());
        RadioFrame rxWs = got.get(java.util.HexFormat.of().formatHex(ws.payload()));
        assertEquals(WsmpPacket.PSID_BSM, NetCodecs.wsmp().decodeLinkPayload(rxWs.payload()).value().psid());
        // the unicast for another station reached b's socket as OTHERHOST and was dropped (promiscuous off)
        assertTrue(await(() -> b.otherHost.get() == otherHostBefore + 1, DEADLINE_MS));
        assertEquals(deliveredBefore + 4, b.delivered.get());

        // and back: b answers a with a unicast WSMP; a hears it, and never its own transmissions
        RadioFrame answer = new RadioFrame(MAC_B, MAC_A, RadioFrame.ETHERTYPE_WSMP, wsmp(9), FrameMetadata.NONE);
        b.send(answer);
        RadioFrame r = atA.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull("b's answer did not arrive at a", r);
        assertArrayEquals(answer.payload(), r.payload());
        assertEquals(MAC_B, r.source());
        assertEquals(MAC_A, r.destination());
        assertNull("channel unknown at a", r.metadata().channel());
        assertTrue("a heard only b's answer, not its own frames: " + atA, atA.isEmpty());
        // b's sockets are bound to 0x8947 and 0x88DC only: the 0x88B5 frame never reached them
        assertEquals(receivedBefore + 5, b.received.get());
        assertTrue(atB.isEmpty());
    }

    @Test
    public void misfitFramesAreRefused() throws Exception {
        org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> a.send(new RadioFrame(MAC_A,
                LinkAddress.BROADCAST_MAC, 0x0100, new byte[1], FrameMetadata.NONE)));
        org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> a.send(new RadioFrame(MAC_A,
                LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_WSMP, new byte[1501], FrameMetadata.NONE)));
        org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> a.send(new RadioFrame(
                LinkAddress.layer2Id(1), LinkAddress.layer2Id(2), 3, new byte[1], FrameMetadata.NONE)));
    }

    @Test
    public void aMissingInterfaceFailsActivationWithItsName() throws Exception {
        java.io.IOException e = org.junit.Assert.assertThrows(java.io.IOException.class,
                () -> NetNs.inNamespace(NS_A, () -> new EthernetRadio(config("x", "nosuch0", 0))));
        assertTrue(e.getMessage(), e.getMessage().contains("nosuch0 does not exist"));
        Map<String, Object> pc5 = new HashMap<>();
        pc5.put("radio_id", "y");
        pc5.put("interface_name", IF_A);
        pc5.put("radio_technology", RadioTechnology.CV2X_PC5);
        IllegalArgumentException x = org.junit.Assert.assertThrows(IllegalArgumentException.class,
                () -> new EthernetRadio(configOf(pc5)));
        assertTrue(x.getMessage(), x.getMessage().contains("ITS_G5 only"));
    }

    private static void assertNull(String message, Object o) {
        org.junit.Assert.assertNull(message, o);
    }
}
