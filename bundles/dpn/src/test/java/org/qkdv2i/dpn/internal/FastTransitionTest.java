package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.qkdv2i.zap.internal.DauComponent;

/**
 * Fast transition of a vehicle's DPN session between RSUs (IEEE 802.11-2020 §13 style) with
 * ROOT's real DAUs over real TCP: the base station holds the vehicle's PMK-R0, the next RSU gets
 * a PMK-R1 for itself from it, the vehicle derives the same, KMAC256 MICs both ways; no ZAP unit
 * authentication (hence no ML-DSA / ML-KEM) on the way. Anything unknown, stale, revoked or wrong
 * falls back to, or is refused in favour of, the full first contact.
 */
public class FastTransitionTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final TestNet net = new TestNet();

    @After
    public void tearDown() {
        net.close();
    }

    /** The seam that counts unit authentications: the only place ML-DSA / ML-KEM run in a set-up. */
    static final class CountingDau implements DeviceAuthenticationUnit {
        final DeviceAuthenticationUnit dau;
        final AtomicInteger runs = new AtomicInteger();

        CountingDau(DeviceAuthenticationUnit dau) {
            this.dau = dau;
        }

        @Override
        public DeviceId id() {
            return dau.id();
        }

        @Override
        public IdentityRecord identityRecord() {
            return dau.identityRecord();
        }

        @Override
        public UnitAuthentication initiate(DeviceId expectedPeer) throws AuthenticationException {
            runs.incrementAndGet();
            return dau.initiate(expectedPeer);
        }

        @Override
        public UnitAuthentication respond() {
            runs.incrementAndGet();
            return dau.respond();
        }
    }

    private Node node(String name, DeviceRole role, Settings settings) throws Exception {
        DauComponent d = RealZap.dau(tmp.getRoot().toPath(), name, role == DeviceRole.VEHICLE ? DauKind.DAU_V
                : DauKind.DAU_N, role, "z", 0.05, net.directory);
        net.directory.enrol(d.identityRecord());
        return net.add(new CountingDau(d), settings);
    }

    private Node node(String name, DeviceRole role) throws Exception {
        return node(name, role, Settings.of(name));
    }

    private static int runs(Node n) {
        return ((CountingDau) n.dau).runs.get();
    }

    /** The base station opens its session to the RSU (BASE_STATION > RSU): the RSU's R0 key holder. */
    private static DpnSession attach(Node bs, Node rsu) throws Exception {
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        TestNet.await(rsu.endpoint.name() + " has its base station session", () -> rsu.sessionWith(bs) != null);
        return s;
    }

    /** First contact of an RSU with the vehicle; returns once base station and vehicle hold the PMK-R0. */
    private static DpnSession firstContact(Node rsu, Node car, Node bs, int bsKeys) throws Exception {
        DpnSession s = rsu.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertFalse(s.fastTransition());
        assertTrue("first contact: ML-DSA + ML-KEM", ((Session) s).postQuantumAuthenticated());
        TestNet.await("base station holds the PMK-R0", () -> bs.endpoint.fastTransition().heldKeys() == bsKeys);
        TestNet.await("vehicle holds its PMK-R0", () -> car.endpoint.fastTransition().heldKeys() >= 1);
        return s;
    }

    /** A base station with two attached RSUs, and a vehicle whose first contact (with rsu-1) is over. */
    private record Domain(Node bs, Node rsu1, Node rsu2, Node car, DpnSession toRsu2) {
    }

    private Domain domainAfterFirstContact() throws Exception {
        Node bs = node("bs-E", DeviceRole.BASE_STATION);
        Node rsu1 = node("rsu-1", DeviceRole.RSU);
        Node rsu2 = node("rsu-2", DeviceRole.RSU);
        Node car = node("car-1", DeviceRole.VEHICLE);
        attach(bs, rsu1);
        DpnSession toRsu2 = attach(bs, rsu2);
        closeAndWait(firstContact(rsu1, car, bs, 1), car, rsu1);
        return new Domain(bs, rsu1, rsu2, car, toRsu2);
    }

    private static void closeAndWait(DpnSession s, Node far, Node near) throws Exception {
        s.close();
        TestNet.await("closed at " + far.endpoint.name(), () -> far.sessionWith(near) == null);
    }

    @Test
    public void secondRsuOfTheDomainIsAFastTransitionWithoutUnitAuthentication() throws Exception {
        Node bs = node("bs-E", DeviceRole.BASE_STATION);
        Node rsu1 = node("rsu-1", DeviceRole.RSU);
        Node rsu2 = node("rsu-2", DeviceRole.RSU);
        Node car = node("car-1", DeviceRole.VEHICLE);
        attach(bs, rsu1);
        attach(bs, rsu2);
        DpnSession first = firstContact(rsu1, car, bs, 1);
        closeAndWait(first, car, rsu1);

        int rsu2Runs = runs(rsu2);
        int carRuns = runs(car);
        DpnSession s = rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertTrue("set up by fast transition", s.fastTransition());
        assertFalse(((Session) s).postQuantumAuthenticated());
        assertEquals("no unit authentication at the RSU", rsu2Runs, runs(rsu2));
        assertEquals(1, rsu2.endpoint.fastSetUps());
        TestNet.await("vehicle end open", () -> car.sessionWith(rsu2) != null);
        DpnSession atCar = car.sessionWith(rsu2);
        assertTrue(atCar.fastTransition());
        assertEquals("no unit authentication at the vehicle", carRuns, runs(car));
        assertEquals(rsu2.dau.id(), atCar.peer().id());

        byte[] a = s.exportKey("v2x-psk", 16);
        byte[] b = atCar.exportKey("v2x-psk", 16);
        assertArrayEquals("both ends export the same key", a, b);
        assertFalse("bound to the label", java.util.Arrays.equals(a, s.exportKey("another", 16)));

        s.send("hello car".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello car", new String(car.next().payload(), StandardCharsets.UTF_8));
        atCar.send("hello rsu".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello rsu", new String(rsu2.next().payload(), StandardCharsets.UTF_8));
        s.rekey();
        atCar.send("after rekey".getBytes(StandardCharsets.UTF_8));
        assertEquals("after rekey", new String(rsu2.next().payload(), StandardCharsets.UTF_8));
    }

    @Test
    public void pmkR1OfRsuXIsRefusedAtRsuYAndTheSetUpFallsBackToFull() throws Exception {
        Node bs = node("bs-E", DeviceRole.BASE_STATION);
        Node rsuX = node("rsu-x", DeviceRole.RSU);
        Node rsuY = node("rsu-y", DeviceRole.RSU);
        Node car = node("car-1", DeviceRole.VEHICLE);
        attach(bs, rsuX);
        attach(bs, rsuY);
        closeAndWait(firstContact(rsuX, car, bs, 1), car, rsuX);

        // Y presents the PMK-R1 the base station derived for X (e.g. stolen from X)
        FastTransition.Grant ofX = rsuX.endpoint.fastTransition().grant(car.dau.id(), 5000);
        rsuY.endpoint.fastTransition().r1Source((vehicle, timeout) -> ofX);
        int carRefusedBefore = runs(car);
        DpnSession s = rsuY.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertFalse("not a fast transition", s.fastTransition());
        assertTrue("full first contact instead", ((Session) s).postQuantumAuthenticated());
        assertTrue(runs(car) > carRefusedBefore);
        assertEquals("the fast attempt is counted as refused", Long.valueOf(1),
                rsuY.endpoint.refusedSetUps().get(DpnException.Reason.AUTHENTICATION_FAILED));
        assertEquals(0, rsuY.endpoint.fastSetUps());
    }

    @Test
    public void wrongPmkR1IsRefusedAtTheVehicleAndTheSetUpFallsBackToFull() throws Exception {
        Domain d = domainAfterFirstContact();
        Node bs = d.bs(), rsu1 = d.rsu1(), rsu2 = d.rsu2(), car = d.car();

        FastTransition.Grant real = rsu2.endpoint.fastTransition().grant(car.dau.id(), 5000);
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        rsu2.endpoint.fastTransition().r1Source(
                (vehicle, timeout) -> new FastTransition.Grant(real.r0kh(), real.pmkR0Name(), wrong, real.expires()));
        real.close();
        DpnSession s = rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertFalse(s.fastTransition());
        assertTrue(((Session) s).postQuantumAuthenticated());
        assertEquals(Long.valueOf(1), rsu2.endpoint.refusedSetUps().get(DpnException.Reason.AUTHENTICATION_FAILED));
    }

    @Test
    public void vehicleRefusesAnRsuThatCannotProveThePmkR1() throws Exception {
        Domain d = domainAfterFirstContact();
        Node bs = d.bs(), rsu1 = d.rsu1(), rsu2 = d.rsu2(), car = d.car();
        FastTransition.Grant g = rsu2.endpoint.fastTransition().grant(car.dau.id(), 5000);
        SecureRandom random = new SecureRandom();

        // someone on the network claims to be rsu-2 with the right PMKR0Name (not secret) but no PMK-R1
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(car.endpoint.listenAddress(), 5000);
            socket.setSoTimeout(10_000);
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
            Frames.write(out, Frames.HELLO, java.nio.ByteBuffer.allocate(21).put(Frames.MAGIC).put(Frames.VERSION)
                    .put(KeySchedule.idBytes(car.dau.id())).array());
            byte[] aNonce = new byte[32];
            random.nextBytes(aNonce);
            Frames.write(out, Frames.FT_REQ, java.nio.ByteBuffer.allocate(80).put(KeySchedule.idBytes(rsu2.dau.id()))
                    .put(KeySchedule.idBytes(g.r0kh())).put(g.pmkR0Name()).put(aNonce).array());
            Frames.Frame answer = Frames.read(in, t -> 1024);
            assertEquals(Frames.FT_RESP, answer.type());
            assertEquals("the vehicle holds that PMK-R0 and answers with its MIC", 0, answer.body()[0]);
            byte[] guess = new byte[32];
            random.nextBytes(guess);
            Frames.write(out, Frames.FT_CONF, guess);
            Frames.Frame refusal = Frames.read(in, t -> 1024);
            assertEquals(Frames.ERROR, refusal.type());
            assertEquals(DpnException.Reason.AUTHENTICATION_FAILED.ordinal(), refusal.body()[0]);
        } finally {
            g.close();
        }
        TestNet.await("refusal counted at the vehicle", () -> Long.valueOf(1)
                .equals(car.endpoint.refusedSetUps().get(DpnException.Reason.AUTHENTICATION_FAILED)));
        assertEquals("no session", null, car.sessionWith(rsu2));
        assertEquals(0, car.endpoint.fastSetUps());
    }

    @Test
    public void withoutItsBaseStationTheRsuDoesAFullSetUp() throws Exception {
        Domain d = domainAfterFirstContact();
        Node bs = d.bs(), rsu1 = d.rsu1(), rsu2 = d.rsu2(), car = d.car();
        DpnSession toRsu2 = d.toRsu2();

        closeAndWait(toRsu2, rsu2, bs); // the base station is gone for rsu-2
        int carRuns = runs(car);
        DpnSession s = rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertFalse(s.fastTransition());
        assertEquals("a full unit authentication", carRuns + 1, runs(car));
        assertTrue("a fallback, not a refusal", rsu2.endpoint.refusedSetUps().isEmpty());
    }

    @Test
    public void vehicleRefusesAFastTransitionFromARevokedRsu() throws Exception {
        Domain d = domainAfterFirstContact();
        Node bs = d.bs(), rsu1 = d.rsu1(), rsu2 = d.rsu2(), car = d.car();
        // the vehicle learns of the revocation, the RSU itself keeps trying
        car.endpoint.directoryChanged(rsu2.dau.id(), true);
        try {
            rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
            fail("a revoked RSU gets no session");
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        // the vehicle counts its refusal after sending it: wait for exactly that count
        TestNet.await("refusal counted at the vehicle",
                () -> Long.valueOf(1).equals(car.endpoint.refusedSetUps().get(DpnException.Reason.REVOKED)));
        assertEquals(0, car.endpoint.fastSetUps());
    }

    @Test
    public void revokedVehicleGetsNoFastTransitionAndItsPmkR0IsDestroyed() throws Exception {
        Domain d = domainAfterFirstContact();
        Node bs = d.bs(), rsu1 = d.rsu1(), rsu2 = d.rsu2(), car = d.car();

        net.directory.revoke(car.dau.id());
        assertEquals("the R0 key holder destroyed the PMK-R0", 0, bs.endpoint.fastTransition().heldKeys());
        try {
            rsu2.endpoint.fastTransition().grant(car.dau.id(), 5000);
            fail("no PMK-R1 for a revoked vehicle");
        } catch (FastTransition.Unavailable e) {
            assertTrue(e.getMessage(), e.getMessage().contains("revoked"));
        }
        try {
            rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        assertEquals(0, rsu2.endpoint.fastSetUps());
    }

    @Test
    public void expiredPmkR0FallsBackToFullAtTheBaseStationAndAtTheVehicle() throws Exception {
        Node bs = node("bs-E", DeviceRole.BASE_STATION, Settings.of("bs-E").withFastTransition(true, 120, ""));
        Node rsu1 = node("rsu-1", DeviceRole.RSU);
        Node rsu2 = node("rsu-2", DeviceRole.RSU);
        Node car = node("car-1", DeviceRole.VEHICLE, Settings.of("car-1").withFastTransition(true, 60, ""));
        attach(bs, rsu1);
        attach(bs, rsu2);
        closeAndWait(firstContact(rsu1, car, bs, 1), car, rsu1);

        // the vehicle's PMK-R0 (60 s) has expired, the base station's (120 s) not: the vehicle says no on the
        // same connection and the full unit authentication follows
        net.clock.advance(Duration.ofSeconds(61));
        DpnSession s = rsu2.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertFalse(s.fastTransition());
        assertTrue(((Session) s).postQuantumAuthenticated());
        assertTrue("no refusal: a fallback", rsu2.endpoint.refusedSetUps().isEmpty());
        closeAndWait(s, car, rsu2);

        // that full set-up seeded a fresh PMK-R0 at both; once both have expired the base station says no
        TestNet.await("fresh PMK-R0 at the vehicle", () -> car.endpoint.fastTransition().heldKeys() == 1);
        TestNet.await("fresh PMK-R0 at the base station", () -> bs.endpoint.fastTransition().r0Stored() == 2);
        net.clock.advance(Duration.ofSeconds(121));
        try {
            rsu1.endpoint.fastTransition().grant(car.dau.id(), 5000);
            fail("expired at the base station");
        } catch (FastTransition.Unavailable e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no PMK-R0"));
        }
        int carRuns = runs(car);
        DpnSession again = rsu1.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertFalse(again.fastTransition());
        // rsu-1 met the vehicle before: a full unit authentication over their enrolled relation (KMAC)
        assertEquals("the vehicle's DAU ran a unit authentication", carRuns + 1, runs(car));
    }

    @Test
    public void pmkR0HandedToTheNextBaseStationMakesItsFirstRsuFastToo() throws Exception {
        Node bsE = node("bs-E", DeviceRole.BASE_STATION);
        Node bsF = node("bs-F", DeviceRole.BASE_STATION);
        Node rsu1 = node("rsu-1", DeviceRole.RSU);
        Node rsu3 = node("rsu-3", DeviceRole.RSU);
        Node car = node("car-1", DeviceRole.VEHICLE);
        attach(bsE, rsu1);
        attach(bsF, rsu3);
        closeAndWait(firstContact(rsu1, car, bsE, 1), car, rsu1);

        // without the hand-over F's RSU has nothing to go on
        try {
            rsu3.endpoint.fastTransition().grant(car.dau.id(), 5000);
            fail();
        } catch (FastTransition.Unavailable e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no PMK-R0"));
        }
        DpnSession ef = bsE.endpoint.connect(bsF.endpoint.listenAddress(), bsF.dau.id());
        assertTrue(bsE.endpoint.transferFastTransition(car.dau.id(), ef));
        TestNet.await("F holds the vehicle's PMK-R0 for its domain", () -> bsF.endpoint.fastTransition().heldKeys() == 1);
        assertFalse("nothing to hand over for an unknown vehicle",
                bsE.endpoint.transferFastTransition(rsu1.dau.id(), ef));

        int carRuns = runs(car);
        DpnSession s = rsu3.endpoint.connect(car.endpoint.listenAddress(), car.dau.id());
        assertTrue("first RSU of the next domain: fast transition", s.fastTransition());
        assertEquals(carRuns, runs(car));
        TestNet.await("vehicle end open", () -> car.sessionWith(rsu3) != null);
        DpnSession atCar = car.sessionWith(rsu3);
        assertNotNull(atCar);
        assertArrayEquals(s.exportKey("v2x-psk", 16), atCar.exportKey("v2x-psk", 16));
        assertEquals("vehicle keeps PMK-R0 of both domains", 2, car.endpoint.fastTransition().heldKeys());
    }
}
