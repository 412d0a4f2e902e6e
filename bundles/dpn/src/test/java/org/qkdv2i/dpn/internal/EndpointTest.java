package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.dpn.internal.fakes.FakeQkd;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;

/** DPN endpoints over real TCP on 127.0.0.1 with stand-in DAUs and message protection. */
public class EndpointTest {

    private final TestNet net = new TestNet();

    @After
    public void tearDown() {
        net.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void sessionCarriesMessagesBothWaysWithTheSameKeysAtBothEnds() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "zone-1");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "zone-1");

        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        assertTrue(s.isOpen());
        assertEquals(rsu.dau.id(), s.peer().id());
        assertEquals("zone-1", s.segment());
        assertEquals(0, s.epoch());
        assertFalse(s.quantumKeyed());

        s.send(utf8("down"));
        TestNet.Received r = rsu.next();
        assertEquals("down", new String(r.payload(), StandardCharsets.UTF_8));
        DpnSession back = r.session();
        assertEquals(bs.dau.id(), back.peer().id());
        assertEquals(s.sessionId(), back.sessionId());
        back.send(utf8("up"));
        assertEquals("up", new String(bs.next().payload(), StandardCharsets.UTF_8));

        // the same exporter output at both ends, different per label
        byte[] a = s.exportKey("v2x-psk", 16);
        byte[] b = back.exportKey("v2x-psk", 16);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, s.exportKey("other", 16)));
        assertEquals(16, a.length);

        // connect() again returns the open session
        assertSame(s, bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id()));
        assertEquals(1, bs.endpoint.sessions().size());
        assertEquals(1, rsu.endpoint.sessions().size());
    }

    @Test
    public void anIdleSessionOutlivesTheSetUpTimeout() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, "z", Settings.of("bs-E").withLimits(65536, 200));
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, "z", Settings.of("rsu-7").withLimits(65536, 200));
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        s.send(utf8("first"));
        DpnSession back = rsu.next().session();
        Thread.sleep(1000); // idle time is what is tested here, not a synchronisation
        assertTrue(s.isOpen() && back.isOpen());
        back.send(utf8("still there"));
        assertEquals("still there", new String(bs.next().payload(), StandardCharsets.UTF_8));
        s.send(utf8("and here"));
        assertEquals("and here", new String(rsu.next().payload(), StandardCharsets.UTF_8));
    }

    @Test
    public void manyMessagesArriveInOrder() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        for (int i = 0; i < 500; i++) {
            s.send(utf8("m" + i));
        }
        for (int i = 0; i < 500; i++) {
            assertEquals("m" + i, new String(rsu.next().payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    public void policyIsCheckedByTheInitiator() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        // default rules: BASE_STATION>RSU, not RSU>BASE_STATION
        try {
            rsu.endpoint.connect(bs.endpoint.listenAddress(), bs.dau.id());
            fail("RSU>BASE_STATION must be denied");
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.POLICY_DENIED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("no allow rule for RSU>BASE_STATION"));
        }
        assertTrue(bs.endpoint.sessions().isEmpty());
        assertTrue(rsu.endpoint.sessions().isEmpty());
    }

    @Test
    public void policyIsCheckedByTheResponder() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        rsu.policy = Policy.parse(new String[] {Policy.DEFAULT_ALLOW}, false, new String[0],
                new String[] {bs.dau.id().value()});
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
            fail("the RSU's deny list must refuse the base station");
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.POLICY_DENIED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("by the peer") && e.getMessage().contains("denyList"));
        }
        TestNet.await("RSU has no session", () -> rsu.endpoint.sessions().isEmpty());
        // a policy change applies to the next set-up
        rsu.policy = Policy.defaults();
        assertTrue(bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id()).isOpen());
    }

    @Test
    public void crossZoneSessionsBelongToTheirOwnSegmentAndSameZoneOnlyRefusesThem() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "zone-b");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "zone-a");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        assertEquals("zone-a|zone-b", s.segment());
        s.close();
        TestNet.await("closed at the RSU", () -> rsu.endpoint.sessions().isEmpty());
        bs.policy = Policy.parse(new String[] {Policy.DEFAULT_ALLOW}, true, new String[0], new String[0]);
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.POLICY_DENIED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("sameZoneOnly"));
        }
    }

    @Test
    public void wrongExpectedPeerIsRefused() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        Node other = net.fake("rsu-8", DeviceRole.RSU, DauKind.DAU_N, "z");
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), other.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.AUTHENTICATION_FAILED, e.reason());
        }
        assertTrue(rsu.endpoint.sessions().isEmpty());
    }

    @Test
    public void refusedSetUpsAreCountedByReasonAtBothEnds() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        Node other = net.fake("rsu-8", DeviceRole.RSU, DauKind.DAU_N, "z");
        assertTrue(bs.endpoint.refusedSetUps().isEmpty());
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), other.dau.id()); // rsu-7 is not rsu-8
            fail();
        } catch (DpnException expected) {
            // counted below
        }
        try {
            rsu.endpoint.connect(bs.endpoint.listenAddress(), bs.dau.id()); // RSU>BASE_STATION: no allow rule
            fail();
        } catch (DpnException expected) {
            // counted below
        }
        // each side counts the refusal whichever side refused (a responder counts on its own thread)
        TestNet.await("the RSU counted both", () -> rsu.endpoint.refusedSetUps().equals(
                Map.of(DpnException.Reason.AUTHENTICATION_FAILED, 1L, DpnException.Reason.POLICY_DENIED, 1L)));
        TestNet.await("the base station counted both", () -> bs.endpoint.refusedSetUps().equals(
                Map.of(DpnException.Reason.AUTHENTICATION_FAILED, 1L, DpnException.Reason.POLICY_DENIED, 1L)));
        // an unreachable peer is not an authentication failure
        java.net.InetSocketAddress closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = new java.net.InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
        try {
            bs.endpoint.connect(closed, other.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.UNREACHABLE, e.reason());
        }
        assertEquals(2, bs.endpoint.refusedSetUps().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    public void aDauWithoutAnIdentityRefusesCleanly() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        org.qkdv2i.dpn.internal.fakes.FakeDau real = new org.qkdv2i.dpn.internal.fakes.FakeDau("rsu-7", DeviceRole.RSU,
                DauKind.DAU_N, "z", net.directory);
        // like ROOT's DAU when its PUF secret could not be reconstructed
        org.qkdv2i.zap.api.DeviceAuthenticationUnit broken = new org.qkdv2i.zap.api.DeviceAuthenticationUnit() {
            @Override
            public org.qkdv2i.zap.api.DeviceId id() {
                return real.id();
            }

            @Override
            public org.qkdv2i.zap.api.IdentityRecord identityRecord() {
                return real.identityRecord();
            }

            @Override
            public org.qkdv2i.zap.api.UnitAuthentication initiate(org.qkdv2i.zap.api.DeviceId expectedPeer) {
                throw new IllegalStateException("DAU rsu-7 has no identity (PUF secret not reconstructed)");
            }

            @Override
            public org.qkdv2i.zap.api.UnitAuthentication respond() {
                throw new IllegalStateException("DAU rsu-7 has no identity (PUF secret not reconstructed)");
            }
        };
        Node rsu = net.add(broken, Settings.of("rsu-7"));
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.AUTHENTICATION_FAILED, e.reason());
        }
        try {
            rsu.endpoint.connect(bs.endpoint.listenAddress(), bs.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.AUTHENTICATION_FAILED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("DAU unavailable"));
        }
        assertTrue(rsu.endpoint.sessions().isEmpty());
    }

    @Test
    public void unreachablePeerIsReported() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        java.net.InetSocketAddress addr = rsu.endpoint.listenAddress();
        rsu.endpoint.stop();
        try {
            bs.endpoint.connect(addr, rsu.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.UNREACHABLE, e.reason());
        }
    }

    @Test
    public void rekeyOnDemandFromEitherSideMovesBothToTheNextEpoch() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        s.send(utf8("hello"));
        DpnSession back = rsu.next().session();
        byte[] psk0 = s.exportKey("v2x-psk", 16);

        s.rekey();
        assertEquals(1, s.epoch());
        TestNet.await("responder at epoch 1", () -> back.epoch() == 1);
        byte[] psk1 = s.exportKey("v2x-psk", 16);
        assertFalse(Arrays.equals(psk0, psk1));
        assertArrayEquals(psk1, back.exportKey("v2x-psk", 16));
        s.send(utf8("after"));
        assertEquals("after", new String(rsu.next().payload(), StandardCharsets.UTF_8));

        back.rekey();
        assertEquals(2, back.epoch());
        TestNet.await("initiator at epoch 2", () -> s.epoch() == 2);
        back.send(utf8("up"));
        assertEquals("up", new String(bs.next().payload(), StandardCharsets.UTF_8));
        assertEquals(0, bs.endpoint.rejected(org.qkdv2i.zap.api.MessageRejectedException.Reason.WRONG_EPOCH));
        assertEquals(0, rsu.endpoint.rejected(org.qkdv2i.zap.api.MessageRejectedException.Reason.WRONG_EPOCH));
    }

    @Test
    public void rekeysFromBothSidesAtOnceWhileMessagesFlowLoseNothing() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        s.send(utf8("x"));
        DpnSession back = rsu.next().session();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            int rounds = 20;
            int messages = 200;
            CountDownLatch go = new CountDownLatch(1);
            Future<?> r1 = pool.submit(() -> {
                go.await();
                for (int i = 0; i < rounds; i++) {
                    s.rekey();
                }
                return null;
            });
            Future<?> r2 = pool.submit(() -> {
                go.await();
                for (int i = 0; i < rounds; i++) {
                    back.rekey();
                }
                return null;
            });
            Future<?> m1 = pool.submit(() -> {
                go.await();
                for (int i = 0; i < messages; i++) {
                    s.send(utf8("d" + i));
                }
                return null;
            });
            Future<?> m2 = pool.submit(() -> {
                go.await();
                for (int i = 0; i < messages; i++) {
                    back.send(utf8("u" + i));
                }
                return null;
            });
            go.countDown();
            r1.get(60, TimeUnit.SECONDS);
            r2.get(60, TimeUnit.SECONDS);
            m1.get(60, TimeUnit.SECONDS);
            m2.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < messages; i++) {
                assertEquals("d" + i, new String(rsu.next().payload(), StandardCharsets.UTF_8));
                assertEquals("u" + i, new String(bs.next().payload(), StandardCharsets.UTF_8));
            }
            TestNet.await("same epoch", () -> s.epoch() == back.epoch());
            assertTrue("epoch " + s.epoch(), s.epoch() >= rounds);
            assertArrayEquals(s.exportKey("k", 32), back.exportKey("k", 32));
            assertTrue(s.isOpen() && back.isOpen());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test(timeout = 120_000)
    public void bulkTrafficBothWaysWithRekeysDoesNotDeadlock() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        s.send(utf8("x"));
        DpnSession back = rsu.next().session();
        int n = 150;
        byte[] big = new byte[60_000];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> down = pool.submit(() -> {
                for (int i = 0; i < n; i++) {
                    s.send(big);
                }
                return null;
            });
            Future<?> up = pool.submit(() -> {
                for (int i = 0; i < n; i++) {
                    back.send(big);
                }
                return null;
            });
            Future<?> k1 = pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    s.rekey();
                }
                return null;
            });
            Future<?> k2 = pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    back.rekey();
                }
                return null;
            });
            for (int i = 0; i < n; i++) {
                assertEquals(big.length, rsu.next().payload().length);
                assertEquals(big.length, bs.next().payload().length);
            }
            down.get(60, TimeUnit.SECONDS);
            up.get(60, TimeUnit.SECONDS);
            k1.get(60, TimeUnit.SECONDS);
            k2.get(60, TimeUnit.SECONDS);
            assertTrue(s.isOpen() && back.isOpen());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void scheduledRekeyAdvancesTheEpoch() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, "z", Settings.of("bs-E").withRekeySeconds(1));
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        TestNet.await("two scheduled rekeys", () -> s.epoch() >= 2);
        s.send(utf8("still"));
        TestNet.Received r = rsu.next();
        assertEquals("still", new String(r.payload(), StandardCharsets.UTF_8));
        assertTrue(r.session().epoch() >= 2);
    }

    @Test
    public void revocationClosesTheSessionAndRefusesTheNextMessage() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        s.send(utf8("before"));
        rsu.next();

        net.directory.revoke(rsu.dau.id());
        assertFalse(s.isOpen());
        try {
            s.send(utf8("after"));
            fail("a message to a revoked peer must be refused");
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        TestNet.await("the RSU's end closed too", () -> rsu.endpoint.sessions().isEmpty());
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
    }

    @Test(timeout = 60_000)
    public void aWriterBlockedOnAFullBufferDoesNotDelayRevocationOrStop() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        CountDownLatch release = new CountDownLatch(1);
        rsu.handlers.clear();
        rsu.handlers.add((session, payload) -> {
            try {
                release.await(); // a stuck application: the RSU stops reading
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            try {
                byte[] big = new byte[60_000];
                while (true) {
                    s.send(big);
                    sent.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
        writer.start();
        // the send buffers fill up: the writer stops making progress inside send()
        TestNet.await("writer blocked", () -> {
            int before = sent.get();
            try {
                Thread.sleep(300); // observing progress over time, not synchronising
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sent.get() == before && writer.getState() == Thread.State.RUNNABLE;
        });
        long t0 = System.nanoTime();
        net.directory.revoke(rsu.dau.id());
        assertFalse(s.isOpen());
        writer.join(10_000);
        assertFalse("the blocked writer was released", writer.isAlive());
        assertTrue("revocation took effect at once", System.nanoTime() - t0 < 5_000_000_000L);
        assertTrue(String.valueOf(failure.get()), failure.get() instanceof DpnException d
                && d.reason() == DpnException.Reason.REVOKED);
        release.countDown();
    }

    @Test
    public void aRevokedPeerConnectingIsRefusedEvenIfItsDauDoesNotCheck() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        // the RSU learns of the base station's revocation; the base station's fake DAU checks nothing on its side
        rsu.endpoint.directoryChanged(bs.dau.id(), true);
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
    }

    @Test
    public void quantumKeyIsMixedBetweenBaseStations() throws Exception {
        FakeQkd qkd = new FakeQkd();
        Node e = net.fake("bs-E", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-E").withQkd("sae-E", Map.of("bs-F", "sae-F"), false));
        Node f = net.fake("bs-F", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-F").withQkd("sae-F", Map.of("*", "sae-E"), false));
        e.keyManager = qkd.node("E");
        f.keyManager = qkd.node("F");

        DpnSession s = e.endpoint.connect(f.endpoint.listenAddress(), f.dau.id());
        assertTrue(s.quantumKeyed());
        s.send(utf8("q"));
        DpnSession back = f.next().session();
        assertTrue(back.quantumKeyed());
        assertEquals(1, qkd.served.get());
        assertEquals("the key is consumed", 0, qkd.pendingKeys());

        s.rekey();
        TestNet.await("F at epoch 1", () -> back.epoch() == 1);
        assertEquals("a fresh QKD key per rekey", 2, qkd.served.get());
        back.rekey();
        assertEquals(3, qkd.served.get());
        back.send(utf8("q2"));
        assertEquals("q2", new String(e.next().payload(), StandardCharsets.UTF_8));
        assertArrayEquals(s.exportKey("x", 32), back.exportKey("x", 32));
    }

    @Test
    public void withoutAKeyManagerBaseStationsFallBackOrAreRefusedWhenQkdIsRequired() throws Exception {
        FakeQkd qkd = new FakeQkd();
        Node e = net.fake("bs-E", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-E").withQkd("sae-E", Map.of("*", "sae-F"), false));
        Node f = net.fake("bs-F", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-F").withQkd("sae-F", Map.of("*", "sae-E"), true));
        f.keyManager = qkd.node("F");
        // E has no KeyManager (it left): F requires a QKD key
        try {
            e.endpoint.connect(f.endpoint.listenAddress(), f.dau.id());
            fail();
        } catch (DpnException ex) {
            assertEquals(DpnException.Reason.POLICY_DENIED, ex.reason());
            assertTrue(ex.getMessage(), ex.getMessage().contains("quantumKeyRequired"));
        }
        // the other way: E does not require it, F as initiator has a KeyManager
        e.keyManager = qkd.node("E");
        DpnSession s = e.endpoint.connect(f.endpoint.listenAddress(), f.dau.id());
        assertTrue(s.quantumKeyed());
        s.close();
        // pool empty, not required at E: keyed classically
        TestNet.await("F closed", () -> f.endpoint.sessions().isEmpty());
        f.endpoint.stop();
        Node g = net.fake("bs-G", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-G").withQkd("sae-G", Map.of("*", "sae-E"), false));
        g.keyManager = qkd.node("G");
        qkd.empty = true;
        DpnSession s2 = e.endpoint.connect(g.endpoint.listenAddress(), g.dau.id());
        assertFalse(s2.quantumKeyed());
        s2.send(utf8("classic"));
        assertEquals("classic", new String(g.next().payload(), StandardCharsets.UTF_8));
    }

    @Test
    public void aQkdKeyOfferedByAnotherSaeIsRefused() throws Exception {
        FakeQkd qkd = new FakeQkd();
        Node e = net.fake("bs-E", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-E").withQkd("sae-E", Map.of("*", "sae-F"), false));
        Node f = net.fake("bs-F", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-F").withQkd("sae-F", Map.of("bs-E", "sae-X"), false));
        e.keyManager = qkd.node("E");
        f.keyManager = qkd.node("F");
        try {
            e.endpoint.connect(f.endpoint.listenAddress(), f.dau.id());
            fail();
        } catch (DpnException ex) {
            assertEquals(DpnException.Reason.AUTHENTICATION_FAILED, ex.reason());
            assertTrue(ex.getMessage(), ex.getMessage().contains("expected sae-X"));
        }
    }

    @Test
    public void handlersMayComeAndGo() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        var h = rsu.handlers.remove(0);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        rsu.handlers.add((session, payload) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a failing handler");
        });
        s.send(utf8("lost"));
        s.send(utf8("lost too"));
        TestNet.await("the failing handler saw both", () -> calls.get() == 2);
        rsu.handlers.clear();
        rsu.handlers.add(h);
        s.send(utf8("found"));
        assertEquals("found", new String(rsu.next().payload(), StandardCharsets.UTF_8));
        assertTrue("a failing handler does not close the session", s.isOpen());
    }

    @Test
    public void tooLargeMessagesAreRefusedBeforeSending() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, "z", Settings.of("bs-E").withLimits(1000, 5000));
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        try {
            s.send(new byte[1001]);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("maxMessageBytes"));
        }
        s.send(new byte[1000]);
        assertEquals(1000, rsu.next().payload().length);
    }

    @Test
    public void closeEndsBothSides() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        s.send(utf8("x"));
        DpnSession back = rsu.next().session();
        s.close();
        TestNet.await("closed at the RSU", () -> !back.isOpen());
        try {
            back.send(utf8("y"));
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.CLOSED, e.reason());
        }
        // a new session afterwards is a new one
        DpnSession s2 = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        assertNotEquals(s.sessionId(), s2.sessionId());
    }
}
