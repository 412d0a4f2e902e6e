package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.DauComponent;

/**
 * Paper Figure 4, downstream and upstream, over real sockets on 127.0.0.1:
 *
 * <pre>
 * BS app -> DAU-N (BS) =TCP DPN session=> DAU-N (RSU) -> DAU-V (RSU) ~UDP air, IEEE 1609.2 PSK~> DAU-V (OBU) -> vehicle app
 * </pre>
 * and back. The air PSK is {@code exportKey("v2x-psk", 16)} of the RSU-OBU DPN session. The
 * DAUs are ROOT's real ones on emulated SRAM PUFs at 5, 10 and 15 % mean bit error rate, each
 * restarted once (device secret reconstructed from a fresh noisy read); message protection is
 * MSG's real {@code MessageProtectionComponent} (AES-256-GCM on the data link, the IEEE 1609.2
 * PSK profile on the air).
 */
@RunWith(Parameterized.class)
public class Figure4FlowTest {

    @Parameters(name = "PUF bit error rate {0}")
    public static List<Object[]> rates() {
        return List.of(new Object[] {0.05}, new Object[] {0.10}, new Object[] {0.15});
    }

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final double bitErrorRate;
    private final TestNet net = new TestNet();
    private AirEnd rsuAir;
    private AirEnd obuAir;
    private FrameProxy dataLink;

    public Figure4FlowTest(double bitErrorRate) {
        this.bitErrorRate = bitErrorRate;
    }

    @After
    public void tearDown() {
        if (rsuAir != null) {
            rsuAir.close();
        }
        if (obuAir != null) {
            obuAir.close();
        }
        if (dataLink != null) {
            dataLink.close();
        }
        net.close();
    }

    /** Enrols the DAU, stops it, and starts it again from a fresh PUF read. */
    private DauComponent restartedDau(String name, DauKind kind, DeviceRole role) throws Exception {
        Path dir = tmp.getRoot().toPath();
        DauComponent first = RealZap.dau(dir, name, kind, role, "zone-1", bitErrorRate, net.directory);
        String id = first.id().value();
        first.close();
        DauComponent again = RealZap.dau(dir, name, kind, role, "zone-1", bitErrorRate, net.directory);
        assertEquals(name + ": same identity after a noisy re-read at " + bitErrorRate, id, again.id().value());
        net.directory.enrol(again.identityRecord());
        return again;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String poll(BlockingQueue<byte[]> q) throws InterruptedException {
        byte[] b = q.poll(10, TimeUnit.SECONDS);
        if (b == null) {
            fail("nothing arrived within 10 s");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    public void downstreamAndUpstreamWithAttacksAndRevocation() throws Exception {
        DauComponent bsN = restartedDau("bs-E", DauKind.DAU_N, DeviceRole.BASE_STATION);
        DauComponent rsuN = restartedDau("rsu-7-n", DauKind.DAU_N, DeviceRole.RSU);
        DauComponent rsuV = restartedDau("rsu-7-v", DauKind.DAU_V, DeviceRole.RSU);
        DauComponent obuV = restartedDau("obu-42", DauKind.DAU_V, DeviceRole.VEHICLE);

        Node bs = net.add(bsN, Settings.of("bs-E"));
        Node rsuNet = net.add(rsuN, Settings.of("rsu-7-n"));
        Node rsuVeh = net.add(rsuV, Settings.of("rsu-7-v"));
        Node obu = net.add(obuV, Settings.of("obu-42"));

        BlockingQueue<byte[]> bsApp = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> vehicleApp = new LinkedBlockingQueue<>();

        // BS -> RSU data link: a DPN session over TCP (through a proxy that can tamper)
        dataLink = new FrameProxy(rsuNet.endpoint.listenAddress());
        DpnSession bsToRsu = bs.endpoint.connect(dataLink.address(), rsuN.id());
        // RSU DAU-V -> OBU: a DPN session for the air key
        DpnSession rsuToObu = rsuVeh.endpoint.connect(obu.endpoint.listenAddress(), obuV.id());
        TestNet.await("OBU has its session", () -> obu.sessionWith(rsuVeh) != null);
        DpnSession obuToRsu = obu.sessionWith(rsuVeh);
        assertEquals("zone-1", rsuToObu.segment());

        byte[] pskRsu = rsuToObu.exportKey("v2x-psk", 16);
        byte[] pskObu = obuToRsu.exportKey("v2x-psk", 16);
        assertArrayEquals(pskRsu, pskObu);

        // the air: UDP on 127.0.0.1, IEEE 1609.2 PSK profile, datagram options (window 64, 2 s)
        obuAir = new AirEnd("obu-42", vehicleApp::add);
        rsuAir = new AirEnd("rsu-7-v", payload -> {
            // DAU-V (RSU) -> DAU-N (RSU) -> BS upstream
            DpnSession up = rsuNet.sessionWith(bs);
            try {
                up.send(payload);
            } catch (DpnException e) {
                fail("upstream: " + e.getMessage());
            }
        });
        ChannelOptions air = ChannelOptions.datagram(rsuToObu.segment(), net.clock);
        rsuAir.channel = net.protection.ieee1609Psk(pskRsu, air);
        obuAir.channel = net.protection.ieee1609Psk(pskObu, air);
        Arrays.fill(pskRsu, (byte) 0);
        Arrays.fill(pskObu, (byte) 0);
        rsuAir.peer = obuAir.address();
        obuAir.peer = rsuAir.address();
        // the RSU talks to this vehicle only while its DPN session with it is open
        rsuAir.gate = () -> rsuToObu.isOpen() ? null : Reason.REVOKED;

        // DAU-N (RSU) -> DAU-V (RSU) -> air, downstream
        rsuNet.handlers.clear();
        rsuNet.handlers.add((session, payload) -> {
            try {
                rsuAir.send(payload);
            } catch (java.io.IOException e) {
                fail("air: " + e);
            }
        });
        bs.handlers.clear();
        bs.handlers.add((session, payload) -> bsApp.add(payload));

        // downstream and upstream
        bsToRsu.send(utf8("DENM road works km 12"));
        assertEquals("DENM road works km 12", poll(vehicleApp));
        obuAir.send(utf8("CAM obu-42 50 km/h"));
        assertEquals("CAM obu-42 50 km/h", poll(bsApp));

        // a rekey of the data link on the way changes nothing for the applications
        bsToRsu.rekey();
        bsToRsu.send(utf8("DENM 2"));
        assertEquals("DENM 2", poll(vehicleApp));

        // --- the air: tampered, replayed, reordered, expired, cross-segment ---
        byte[] genuine = obuAir.lastRaw;
        byte[] tampered = genuine.clone();
        tampered[tampered.length - 5] ^= 0x01;
        rsuAir.sendRaw(tampered);
        TestNet.await("air TAMPERED", () -> obuAir.refused(Reason.TAMPERED) == 1);
        rsuAir.sendRaw(genuine);
        TestNet.await("air REPLAYED", () -> obuAir.refused(Reason.REPLAYED) == 1);

        byte[] late = rsuAir.channel.protect(utf8("late"));
        for (int i = 0; i < 70; i++) {
            rsuAir.send(utf8("burst " + i));
        }
        for (int i = 0; i < 70; i++) {
            assertEquals("burst " + i, poll(vehicleApp));
        }
        rsuAir.sendRaw(late);
        TestNet.await("air REORDERED (beyond the 64-message window)", () -> obuAir.refused(Reason.REORDERED) == 1);

        byte[] stale = rsuAir.channel.protect(utf8("stale"));
        net.clock.advance(Duration.ofSeconds(3));
        rsuAir.sendRaw(stale);
        TestNet.await("air EXPIRED", () -> obuAir.refused(Reason.EXPIRED) == 1);

        byte[] psk = rsuToObu.exportKey("v2x-psk", 16);
        try (ProtectedChannel otherSegment = net.protection.ieee1609Psk(psk,
                ChannelOptions.datagram("zone-2", net.clock))) {
            rsuAir.sendRaw(otherSegment.protect(utf8("for zone-2")));
        } finally {
            Arrays.fill(psk, (byte) 0);
        }
        TestNet.await("air CROSS_SEGMENT", () -> obuAir.refused(Reason.CROSS_SEGMENT) == 1);

        // --- the data link (TCP): a tampered DPN message is refused, the next one arrives ---
        dataLink.onData = body -> {
            byte[] b = body.clone();
            b[b.length - 1] ^= 0x01;
            return b;
        };
        bsToRsu.send(utf8("forged"));
        TestNet.await("data link TAMPERED", () -> rsuNet.endpoint.rejected(Reason.TAMPERED) == 1);
        dataLink.onData = body -> body;
        bsToRsu.send(utf8("DENM 3"));
        assertEquals("DENM 3", poll(vehicleApp));
        assertTrue("no refused message reached the vehicle", vehicleApp.isEmpty());

        // --- revocation of the vehicle ---
        net.directory.revoke(obuV.id());
        TestNet.await("RSU closed its session with the OBU", () -> !rsuToObu.isOpen());
        bsToRsu.send(utf8("DENM 4"));
        TestNet.await("downstream to the revoked vehicle refused", () -> rsuAir.refused(Reason.REVOKED) == 1);
        obuAir.send(utf8("CAM from a revoked OBU"));
        TestNet.await("upstream from the revoked vehicle refused", () -> rsuAir.refused(Reason.REVOKED) == 2);
        assertNull(vehicleApp.poll(200, TimeUnit.MILLISECONDS));
        assertTrue(bsApp.isEmpty());
        try {
            rsuVeh.endpoint.connect(obu.endpoint.listenAddress(), obuV.id());
            fail("a revoked vehicle gets no new session");
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        assertFalse(obuToRsu.isOpen());
        // the rest of the path is unaffected
        assertTrue(bsToRsu.isOpen());
    }
}
