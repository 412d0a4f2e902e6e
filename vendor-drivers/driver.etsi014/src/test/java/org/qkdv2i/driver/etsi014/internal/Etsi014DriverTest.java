package org.qkdv2i.driver.etsi014.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;

/**
 * Both ends of a link against a fake vendor KME pair over real mutual TLS, the peer channel
 * as an in-memory loopback between the two stand-in KMMs.
 */
public class Etsi014DriverTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private static final String MASTER = "sae-m";
    private static final String SLAVE = "sae-s";
    private static Path pki;
    private static Path foreign;

    private FakeVendorKmes vendor;
    private final List<Etsi014Driver> drivers = new ArrayList<>();
    private final List<LoopbackSink> sinks = new ArrayList<>();

    @BeforeClass
    public static void pki() throws Exception {
        pki = TMP.newFolder("pki").toPath();
        foreign = TMP.newFolder("foreign").toPath();
        DevPki.init(pki, List.of("kme-a", "kme-b"), List.of(MASTER, SLAVE, "sae-x"), PW);
        DevPki.init(foreign, List.of(), List.of(MASTER), PW);
    }

    @Before
    public void startVendor() throws Exception {
        vendor = new FakeVendorKmes(pki, PW, MASTER, SLAVE);
    }

    @After
    public void stopAll() throws Exception {
        drivers.forEach(Etsi014Driver::close);
        sinks.forEach(LoopbackSink::close);
        vendor.close();
        assertTrue("no driver thread may outlive close()", await(() -> driverThreads().isEmpty(), 30_000)); // loaded CI
    }

    private static List<String> driverThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(Etsi014Driver.THREAD_PREFIX) && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Per vendor KME request: generous, a TLS handshake on a loaded CI runner can take seconds. */
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

    private static Etsi014Driver.Settings settings(int keysPerRequest) {
        return new Etsi014Driver.Settings(MASTER, SLAVE, 256, keysPerRequest, 50, REQUEST_TIMEOUT_MILLIS);
    }

    private Etsi014Driver driver(String local, String peer, QkdRole role, String url, Path saeStore, Path trustPem,
            Etsi014Driver.Settings s) throws Exception {
        return driver(local, peer, role, url, saeStore, trustPem, s, Clock.systemUTC());
    }

    private Etsi014Driver driver(String local, String peer, QkdRole role, String url, Path saeStore, Path trustPem,
            Etsi014Driver.Settings s, Clock clock) throws Exception {
        BcNodeTls tls = BcNodeTls.load(local, saeStore, PW, trustPem, null, null);
        KmeClient kme = new JettyKmeClient(url, tls, s.requestTimeoutMillis(),
                Etsi014Driver.THREAD_PREFIX + "http-test-" + local);
        Etsi014Driver d = new Etsi014Driver(new LinkEnd("A-B", local, peer, role), s, kme, null, clock);
        drivers.add(d);
        return d;
    }

    private Etsi014Driver master(Etsi014Driver.Settings s) throws Exception {
        return driver("A", "B", QkdRole.TRANSMITTER, vendor.urlA(), pki.resolve("sae-" + MASTER + ".p12"),
                pki.resolve("ca.pem"), s);
    }

    private Etsi014Driver slave(Etsi014Driver.Settings s) throws Exception {
        return driver("B", "A", QkdRole.RECEIVER, vendor.urlB(), pki.resolve("sae-" + SLAVE + ".p12"),
                pki.resolve("ca.pem"), s);
    }

    private LoopbackSink[] linkedSinks() {
        LoopbackSink a = new LoopbackSink();
        LoopbackSink b = new LoopbackSink();
        LoopbackSink.link(a, b);
        sinks.add(a);
        sinks.add(b);
        return new LoopbackSink[] {a, b};
    }

    /** Linked sinks, the slave end attached first, then the master: {sink of master, sink of slave}. */
    private LoopbackSink[] attachedPair(Etsi014Driver master, Etsi014Driver slave) {
        LoopbackSink[] s = linkedSinks();
        slave.attach(s[1]);
        master.attach(s[0]);
        return s;
    }

    private static boolean await(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // poll every 10 ms
        }
        return condition.getAsBoolean();
    }

    /**
     * Awaits DOWN with a reason naming all of {@code parts}: DOWN alone is not enough, a call that timed
     * out on a loaded runner is DOWN too, with another reason (the driver retries and then names the cause).
     */
    private static void awaitDown(Etsi014Driver d, String... parts) {
        BooleanSupplier named = () -> {
            LinkStatus st = d.status();
            return st.state() == LinkState.DOWN && java.util.Arrays.stream(parts).allMatch(st.reason()::contains);
        };
        if (!await(named, 30_000)) {
            throw new AssertionError("not DOWN naming " + java.util.Arrays.toString(parts) + ": " + d.status());
        }
    }

    @Test
    public void bothEndsEmitTheVendorKeysUnderTheVendorIds() throws Exception {
        vendor.addStock(100);
        Etsi014Driver a = master(settings(16));
        Etsi014Driver b = slave(settings(16));
        LoopbackSink[] s = attachedPair(a, b);

        // a driver emits a batch before it reports UP: wait for both, not for the blocks alone
        assertTrue("the stock of 100 keys reaches both KMMs and both ends report UP",
                await(() -> s[0].blocks().size() == 100 && s[1].blocks().size() == 100
                        && a.status().state() == LinkState.UP && b.status().state() == LinkState.UP, 20_000));
        Map<UUID, byte[]> atA = s[0].blocks();
        Map<UUID, byte[]> atB = s[1].blocks();
        assertEquals(atA.keySet(), atB.keySet());
        assertEquals("one creation time per key at both ends", s[0].created(), s[1].created());
        for (Map.Entry<UUID, byte[]> e : atA.entrySet()) {
            byte[] vendorBytes = vendor.handedToMaster(e.getKey().toString());
            assertNotNull("block ID " + e.getKey() + " is a vendor key ID", vendorBytes);
            assertArrayEquals(vendorBytes, e.getValue());
            assertArrayEquals(e.getValue(), atB.get(e.getKey()));
            assertEquals(32, e.getValue().length);
        }
        assertEquals("every issued key was fetched at KME B", 0, vendor.issuedWaiting());
        assertEquals(0, vendor.stock());
        assertTrue("pull rate measured", a.status().secretKeyRate() > 0);
        assertEquals(0, s[0].overlaps.get() + s[1].overlaps.get());
        // the peer messages carry IDs, never key material
        List<byte[]> sent;
        synchronized (s[0].messagesSent) { // the puller may still be sending: copy under the sink's lock
            sent = new ArrayList<>(s[0].messagesSent);
        }
        for (byte[] m : sent) {
            String text = new String(m, StandardCharsets.UTF_8);
            assertFalse(text, text.contains("\"key\""));
            for (byte[] k : atA.values()) {
                assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(k)));
            }
        }
    }

    @Test
    public void noKeyAtTheVendorMeansStartingThenUpWhenKeyArrives() throws Exception {
        Etsi014Driver a = master(settings(8));
        Etsi014Driver b = slave(settings(8));
        LoopbackSink[] s = attachedPair(a, b);
        assertTrue(await(() -> a.status().reason().contains("no key"), 10_000));
        assertEquals(LinkState.STARTING, a.status().state());
        assertTrue(s[0].blocks().isEmpty());

        vendor.refuseEnc.set(3); // then 503 "keys are being generated" three times despite stock
        vendor.addStock(8);
        assertTrue("the 8 keys reach both KMMs and the master reports UP", await(() -> s[0].blocks().size() == 8
                && s[1].blocks().size() == 8 && a.status().state() == LinkState.UP, 20_000));
        assertTrue("503 seen and retried", vendor.encCalls.get() >= 4);
        assertTrue(s[0].sawState(LinkState.STARTING));
    }

    @Test
    public void partialFetchAtTheSlaveDestroysTheMastersCopies() throws Exception {
        vendor.addStock(8);
        vendor.dropOnDec.set(1);
        Etsi014Driver a = master(settings(8));
        Etsi014Driver b = slave(settings(8));
        LoopbackSink[] s = attachedPair(a, b);
        // destroyBatch counts the keys, then the batch: await the batch count too, not the keys alone
        assertTrue(await(() -> a.keysDestroyed() == 8 && b.keysDestroyed() == 7 && a.batchesFailed() >= 1, 10_000));
        assertTrue("no block of a failed batch reaches either KMM", s[0].blocks().isEmpty() && s[1].blocks().isEmpty());
        assertEquals(1, a.batchesFailed());

        vendor.addStock(8); // the link recovers with the next batch
        assertTrue(await(() -> s[0].blocks().size() == 8 && s[1].blocks().size() == 8, 10_000));
        assertEquals(s[0].blocks().keySet(), s[1].blocks().keySet());
    }

    @Test
    public void unreachablePeerDestroysTheBatchAndReportsTheCause() throws Exception {
        vendor.addStock(4);
        Etsi014Driver a = master(settings(4));
        LoopbackSink[] s = linkedSinks();
        s[0].channelDown = "peer node B unreachable";
        a.attach(s[0]);
        assertTrue(await(() -> a.status().reason().contains("peer node B unreachable"), 10_000));
        assertEquals(LinkState.STARTING, a.status().state());
        assertEquals("the hello comes first: no vendor key is consumed while the peer is away", 4, vendor.stock());
        assertEquals(0, vendor.encCalls.get());

        // the peer comes back: keys flow
        Etsi014Driver b = slave(settings(4));
        b.attach(s[1]);
        s[0].channelDown = null;
        assertTrue(await(() -> s[0].blocks().size() == 4 && s[1].blocks().size() == 4, 35_000));
    }

    @Test
    public void peerLostMidBatchDestroysTheMastersCopies() throws Exception {
        vendor.addStock(4);
        Etsi014Driver a = master(settings(4));
        Etsi014Driver b = slave(settings(4));
        LoopbackSink[] s = linkedSinks();
        b.attach(s[1]);
        // the slave end says hello fine, then its KMM lets it go before the first fetch
        vendor.refuseEnc.set(Integer.MAX_VALUE);
        a.attach(s[0]);
        assertTrue(await(() -> vendor.encCalls.get() >= 1, 10_000));
        b.detach(s[1]);
        vendor.refuseEnc.set(0);
        // the destroyed count and the status are two updates: await both (read at once, the status could
        // still name the vendor's 503 of the refused fetches, seen once on CI)
        assertTrue(a.status().reason(), await(() -> a.keysDestroyed() == 4
                && a.status().reason().contains("not attached"), 10_000));
        assertTrue(s[0].blocks().isEmpty());
    }

    @Test
    public void unknownSaeGetsDownWithTheCause() throws Exception {
        vendor.addStock(4);
        Etsi014Driver a = driver("A", "B", QkdRole.TRANSMITTER, vendor.urlA(), pki.resolve("sae-sae-x.p12"),
                pki.resolve("ca.pem"), settings(4));
        Etsi014Driver b = slave(settings(4));
        LoopbackSink[] s = attachedPair(a, b);
        // DOWN with the cause: a call that timed out on a loaded runner is DOWN too, with another reason
        awaitDown(a, "401", MASTER);
        assertEquals(4, vendor.stock());
    }

    @Test
    public void foreignCaIsATlsFailure() throws Exception {
        Etsi014Driver a = driver("A", "B", QkdRole.TRANSMITTER, vendor.urlA(), foreign.resolve("sae-" + MASTER + ".p12"),
                foreign.resolve("ca.pem"), settings(4));
        Etsi014Driver b = slave(settings(4));
        LoopbackSink[] s = attachedPair(a, b);
        awaitDown(a, "TLS");
    }

    @Test
    public void keySizeOutsideTheVendorsRangeIsDown() throws Exception {
        vendor.addStock(4);
        Etsi014Driver.Settings big = new Etsi014Driver.Settings(MASTER, SLAVE, 2048, 4, 50, REQUEST_TIMEOUT_MILLIS);
        Etsi014Driver a = master(big);
        Etsi014Driver b = slave(big);
        LoopbackSink[] s = attachedPair(a, b);
        awaitDown(a, "outside the vendor KME's range [64, 1024]");
        assertEquals(0, vendor.encCalls.get());
    }

    @Test
    public void differentKeySizesAtTheTwoEndsAreRefusedBeforeAnyKeyIsTaken() throws Exception {
        vendor.addStock(4);
        Etsi014Driver a = master(settings(4));
        Etsi014Driver b = slave(new Etsi014Driver.Settings(MASTER, SLAVE, 128, 4, 50, REQUEST_TIMEOUT_MILLIS));
        LoopbackSink[] s = attachedPair(a, b);
        assertTrue(await(() -> a.status().reason().contains("keySizeBits 256 there, 128 here")
                && a.status().state() == LinkState.DOWN, 10_000));
        assertEquals(LinkState.DOWN, b.status().state());
        assertEquals(0, vendor.encCalls.get());
    }

    @Test
    public void twoMastersAreAConfigurationError() throws Exception {
        Etsi014Driver a = master(settings(4));
        Etsi014Driver other = driver("B", "A", QkdRole.TRANSMITTER, vendor.urlB(), pki.resolve("sae-" + SLAVE + ".p12"),
                pki.resolve("ca.pem"), settings(4));
        LoopbackSink[] s = attachedPair(a, other);
        assertTrue(await(() -> a.status().state() == LinkState.DOWN && a.status().reason().contains("master end too")
                && other.status().state() == LinkState.DOWN
                && other.status().reason().contains("configure one end TRANSMITTER"), 10_000));
    }

    @Test
    public void nonUuidVendorIdsMapToTheSameBlockIdAtBothEnds() throws Exception {
        vendor.idFormat = u -> "vendor-" + u.toString().substring(0, 8);
        vendor.addStock(4);
        Etsi014Driver a = master(settings(4));
        Etsi014Driver b = slave(settings(4));
        LoopbackSink[] s = attachedPair(a, b);
        assertTrue(await(() -> s[0].blocks().size() == 4 && s[1].blocks().size() == 4, 10_000));
        assertEquals(s[0].blocks().keySet(), s[1].blocks().keySet());
        for (UUID id : s[0].blocks().keySet()) {
            assertEquals(3, id.version()); // name-based
        }
    }

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.now();

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    public void slaveReportsDegradedWhenTheMasterFallsSilent() throws Exception {
        vendor.addStock(4);
        ManualClock clock = new ManualClock();
        Etsi014Driver a = master(settings(4));
        Etsi014Driver b = driver("B", "A", QkdRole.RECEIVER, vendor.urlB(), pki.resolve("sae-" + SLAVE + ".p12"),
                pki.resolve("ca.pem"), settings(4), clock);
        LoopbackSink[] s = attachedPair(a, b);
        assertTrue(await(() -> s[1].blocks().size() == 4 && b.status().state() == LinkState.UP, 10_000));
        // the vendor has no more key: the master stops sending; 10 s + the peer timeout (2 x 10 s + 1 s) later
        // the slave says so
        clock.advance(java.time.Duration.ofSeconds(30));
        assertEquals(LinkState.UP, b.status().state());
        clock.advance(java.time.Duration.ofSeconds(2));
        LinkStatus st = b.status();
        assertEquals(LinkState.DEGRADED, st.state());
        assertTrue(st.reason(), st.reason().contains("no key IDs from the master end at node A for 32 s"));
    }

    @Test
    public void maxKeysPerSecondPacesThePull() throws Exception {
        vendor.addStock(10_000);
        Etsi014Driver.Settings capped = new Etsi014Driver.Settings(MASTER, SLAVE, 256, 10, 50, REQUEST_TIMEOUT_MILLIS, 40);
        Etsi014Driver a = master(capped);
        Etsi014Driver b = slave(capped);
        LoopbackSink[] s = attachedPair(a, b);
        assertTrue(await(() -> s[0].blocks().size() >= 60, 20_000));
        // timed at the sink, not at this thread: a test thread that polls late would shorten the span.
        // Key 10 is the first of batch 2, key 50 the first of batch 6: four paced cycles of 10 keys at
        // 40 keys/s lie between them, each starting >= 250 ms after the one before (at least 0.75 s)
        List<Long> at = s[0].arrivals();
        double seconds = (at.get(50) - at.get(10)) / 1e9;
        assertTrue("40 keys in " + seconds + " s at a cap of 40/s", seconds >= 0.7);
        assertTrue("the vendor had 10,000 keys: uncapped it would have taken far more", vendor.stock() > 9_000);
    }

    @Test
    public void detachStopsThePullerAndNothingReachesTheOldSink() throws Exception {
        vendor.addStock(1000);
        Etsi014Driver a = master(settings(4));
        Etsi014Driver b = slave(settings(4));
        LoopbackSink[] s = attachedPair(a, b);
        assertTrue(await(() -> s[0].blocks().size() >= 8, 10_000));
        a.detach(s[0]);
        assertFalse("puller thread gone after detach",
                driverThreads().stream().anyMatch(n -> n.equals(Etsi014Driver.THREAD_PREFIX + "A-B-A")));
        int after = s[0].blocks().size();
        int statuses = s[0].statuses().size();
        int stock = vendor.stock();
        // a full poll cycle later nothing moved
        long until = System.currentTimeMillis() + 300;
        await(() -> System.currentTimeMillis() > until, 1000);
        assertEquals(after, s[0].blocks().size());
        assertEquals(statuses, s[0].statuses().size());
        assertEquals(stock, vendor.stock());

        // attach again: pulling resumes
        a.attach(s[0]);
        assertTrue(await(() -> s[0].blocks().size() >= after + 8, 10_000));
    }

    @Test
    public void slaveRefusesGarbageAndForeignLinks() throws Exception {
        Etsi014Driver b = slave(settings(4));
        LoopbackSink[] s = linkedSinks();
        b.attach(s[1]);
        assertRefused(b, "not json".getBytes(StandardCharsets.UTF_8), "not JSON");
        assertRefused(b, "{\"v\":2}".getBytes(StandardCharsets.UTF_8), "version");
        byte[] other = PeerMessages.write(new PeerMessages.Request(PeerMessages.Type.HELLO, "X-Y", "b", MASTER, SLAVE,
                256, List.of()));
        assertRefused(b, other, "message for link X-Y");
        // an unknown key ID at the vendor KME is a failed batch, not an exception
        byte[] fetch = PeerMessages.write(new PeerMessages.Request(PeerMessages.Type.FETCH, "A-B", "b1", MASTER, SLAVE,
                256, List.of(UUID.randomUUID().toString())));
        PeerMessages.Reply r = PeerMessages.readReply(b.handle(fetch));
        assertFalse(r.ok());
        assertTrue(r.reason(), r.reason().contains("not found"));
        assertTrue(s[1].blocks().isEmpty());
    }

    private static void assertRefused(Etsi014Driver d, byte[] message, String expected) {
        try {
            d.handle(message);
            throw new AssertionError("accepted " + new String(message, StandardCharsets.UTF_8));
        } catch (PeerChannelException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(expected));
        }
    }

    @Test
    public void noClientMeansDownWithTheReason() {
        Etsi014Driver d = new Etsi014Driver(new LinkEnd("A-B", "A", "B", QkdRole.TRANSMITTER), settings(4), null,
                "vendor KME client not usable: file not found: sae.p12", Clock.systemUTC());
        drivers.add(d);
        LoopbackSink[] s = linkedSinks();
        d.attach(s[0]);
        assertEquals(LinkState.DOWN, d.status().state());
        assertTrue(d.status().reason().contains("file not found"));
        assertTrue(s[0].sawState(LinkState.DOWN));
    }

    @Test
    public void transceiversAgreeOnOneMaster() {
        assertTrue(Etsi014Driver.isMaster(new LinkEnd("L", "A", "B", QkdRole.TRANSCEIVER)));
        assertFalse(Etsi014Driver.isMaster(new LinkEnd("L", "B", "A", QkdRole.TRANSCEIVER)));
        assertTrue(Etsi014Driver.isMaster(new LinkEnd("L", "B", "A", QkdRole.TRANSMITTER)));
        assertFalse(Etsi014Driver.isMaster(new LinkEnd("L", "A", "B", QkdRole.RECEIVER)));
    }

    @Test
    public void blockIdsKeepUuidsAndMapOtherIdsDeterministically() {
        UUID u = UUID.randomUUID();
        assertEquals(u, Etsi014Driver.blockId(u.toString()));
        assertEquals(Etsi014Driver.blockId("box-17"), Etsi014Driver.blockId("box-17"));
        assertFalse(Etsi014Driver.blockId("box-17").equals(Etsi014Driver.blockId("box-18")));
    }

    @Test(expected = IllegalArgumentException.class)
    public void keySizeMustBeAMultipleOf8() {
        new Etsi014Driver.Settings(MASTER, SLAVE, 250, 4, 50, 3000);
    }

    @Test(expected = IllegalArgumentException.class)
    public void sameSaeTwiceIsRefused() {
        new Etsi014Driver.Settings(MASTER, MASTER, 256, 4, 50, 3000);
    }
}
