package org.qkdv2i.radio.udp.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.radio.udp.internal.Configs.air;
import static org.qkdv2i.radio.udp.internal.Configs.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.radio.udp.AirStatistics;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;

/** Two or three radios in one JVM over real UDP sockets on 127.0.0.1. */
public class UdpAirRadioTest {
    static final double LAT = 48.137;
    static final double LON = 11.575;
    /** Metres per degree of latitude on the model's sphere. */
    static final double M_PER_DEG = 2 * Math.PI * PathLoss.EARTH_RADIUS_M / 360;
    static final long DEADLINE_MS = 10_000;
    static final LinkAddress A_MAC = LinkAddress.mac(0x0200_0000_000AL);
    static final LinkAddress B_MAC = LinkAddress.mac(0x0200_0000_000BL);

    private final List<UdpAirRadio> radios = new ArrayList<>();
    private final VirtualAir virtualAir = Configs.virtualAir();

    @After
    public void closeRadios() {
        radios.forEach(UdpAirRadio::deactivate);
        virtualAir.close();
    }

    /** A position {@code north} metres north of the origin, as config text. */
    static String north(double metres) {
        return (LAT + metres / M_PER_DEG) + "," + LON;
    }

    UdpAirRadio radio(Object... config) throws IOException {
        return radio(Clock.systemUTC(), new SplittableRandom(1), config);
    }

    UdpAirRadio radio(Clock clock, SplittableRandom random, Object... config) throws IOException {
        UdpAirRadio r = new UdpAirRadio(air(config), virtualAir, clock, random);
        radios.add(r);
        return r;
    }

    static String peer(UdpAirRadio r) throws IOException {
        InetSocketAddress a = r.localAddress();
        return "127.0.0.1:" + a.getPort();
    }

    static RadioFrame gn(LinkAddress src, int n) {
        return new RadioFrame(src, LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_GEONETWORKING,
                new byte[] {0x11, 0x00, 0x1a, 0x01, (byte) (n >> 8), (byte) n}, FrameMetadata.NONE);
    }

    static int number(RadioFrame f) {
        byte[] p = f.payload();
        return (p[4] & 0xFF) << 8 | p[5] & 0xFF;
    }

    @Test
    public void metadataAndPositionRoundTripWithFreeSpaceRssi() throws Exception {
        Instant rxTime = Instant.parse("2026-11-27T10:30:00.000000123Z");
        UdpAirRadio b = radio(Clock.fixed(rxTime, ZoneOffset.UTC), new SplittableRandom(1), "radio_id", "b",
                "address", B_MAC.toString(), "position", north(100));
        UdpAirRadio a = radio("radio_id", "a", "address", A_MAC.toString(), "position", north(0),
                "peers", new String[] {peer(b)});
        assertEquals("b", b.radioId());
        assertEquals(B_MAC, b.address());
        assertEquals(RadioTechnology.ITS_G5, b.technology());
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        b.subscribe(q::add);

        Instant txTime = Instant.parse("2026-11-27T10:29:59.999999999Z");
        byte[] payload = new byte[AirDatagram.MAX_PAYLOAD_ITS_G5];
        new SplittableRandom(7).nextBytes(payload);
        RadioFrame sent = new RadioFrame(A_MAC, B_MAC, RadioFrame.ETHERTYPE_WSMP, payload,
                new FrameMetadata(180, 5900, 20.5, null, txTime, 5, null));
        a.send(sent);
        RadioFrame got = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull("frame not received", got);
        assertEquals(A_MAC, got.source());
        assertEquals(B_MAC, got.destination());
        assertEquals(RadioFrame.ETHERTYPE_WSMP, got.protocol());
        assertArrayEquals(payload, got.payload());
        FrameMetadata m = got.metadata();
        assertEquals(Integer.valueOf(180), m.channel());
        assertEquals(Integer.valueOf(5900), m.centreFrequencyMhz());
        assertEquals(20.5, m.txPowerDbm(), 0);
        assertEquals(Integer.valueOf(5), m.userPriority());
        assertNull(m.sidelink());
        assertEquals("receive time from the receiver's clock", rxTime, m.timestamp());
        // Friis at 100 m and 5900 MHz: 40 + 75.417 - 27.55 = 87.87 dB
        double fspl = 20 * Math.log10(100) + 20 * Math.log10(5900) - 27.55;
        assertEquals(20.5 - fspl, m.rssiDbm(), 0.02);
        assertEquals(-67.37, m.rssiDbm(), 0.02);

        // the sender's defaults fill what the frame does not request: channel 180, 5900 MHz, 23 dBm
        a.send(gn(A_MAC, 1));
        FrameMetadata d = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS).metadata();
        assertEquals(Integer.valueOf(180), d.channel());
        assertEquals(Integer.valueOf(5900), d.centreFrequencyMhz());
        assertEquals(23.0, d.txPowerDbm(), 0);
        assertNull(d.userPriority());
        assertEquals(2, a.statistics().sent());
    }

    @Test
    public void pc5LayerTwoIdsAndSidelinkParametersRoundTrip() throws Exception {
        UdpAirRadio b = radio("radio_id", "b", "radio_technology", RadioTechnology.CV2X_PC5, "address", "0x00beef",
                "path_loss", PathLoss.NONE);
        UdpAirRadio a = radio("radio_id", "a", "radio_technology", RadioTechnology.CV2X_PC5, "address", "0x00abcd",
                "peers", new String[] {peer(b)});
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        b.subscribe(q::add);
        byte[] pdu = {3, 0x11, 0x00, 0x1a, 0x01};
        a.send(new RadioFrame(LinkAddress.layer2Id(0xabcd), LinkAddress.layer2Id(0x000400),
                RadioFrame.PC5_SDU_TYPE_NON_IP, pdu, FrameMetadata.NONE.withSidelink(new SidelinkParameters(3, 2))));
        a.send(new RadioFrame(LinkAddress.layer2Id(0xabcd), LinkAddress.layer2Id(0x000400),
                RadioFrame.PC5_SDU_TYPE_NON_IP, pdu, FrameMetadata.NONE.withSidelink(SidelinkParameters.ofPriority(8))));
        RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull(f);
        assertEquals(LinkAddress.layer2Id(0xabcd), f.source());
        assertEquals(LinkAddress.layer2Id(0x000400), f.destination());
        assertEquals(RadioFrame.PC5_SDU_TYPE_NON_IP, f.protocol());
        assertArrayEquals(pdu, f.payload());
        assertEquals(new SidelinkParameters(3, 2), f.metadata().sidelink());
        assertEquals("band 47 EARFCN 54990", Integer.valueOf(54990), f.metadata().channel());
        assertEquals(Integer.valueOf(5900), f.metadata().centreFrequencyMhz());
        assertNull("no positions, no RSSI", f.metadata().rssiDbm());
        assertEquals(SidelinkParameters.ofPriority(8), q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS).metadata().sidelink());
        // a MAC frame does not fit a PC5 radio
        assertThrows(IllegalArgumentException.class, () -> a.send(gn(A_MAC, 0)));
    }

    @Test
    public void rangeCutOffByPositionAndMovingReceiver() throws Exception {
        UdpAirRadio near = radio("radio_id", "near", "address", "02:00:00:00:00:0b", "position", north(500));
        UdpAirRadio far = radio("radio_id", "far", "address", "02:00:00:00:00:0c", "position", north(1500));
        UdpAirRadio a = radio("radio_id", "a", "address", A_MAC.toString(), "position", north(0),
                "peers", new String[] {peer(near) + ", " + peer(far)}); // as a FileInstall .cfg line gives it
        BlockingQueue<RadioFrame> nearQ = new LinkedBlockingQueue<>();
        BlockingQueue<RadioFrame> farQ = new LinkedBlockingQueue<>();
        near.subscribe(nearQ::add);
        far.subscribe(farQ::add);
        for (int i = 0; i < 5; i++) {
            a.send(gn(A_MAC, i));
        }
        // the receiver counts a datagram as received, then as dropped (or delivered, then hands it to the
        // subscribers): await the counters and the queue asserted below, not "received" alone
        assertTrue(await(() -> near.statistics().delivered() == 5 && nearQ.size() == 5
                && far.statistics().received() == 5 && far.statistics().droppedOutOfRange() == 5, DEADLINE_MS));
        assertEquals(5, far.statistics().droppedOutOfRange());
        assertEquals(0, far.statistics().delivered());
        assertTrue(farQ.isEmpty());
        assertEquals(5, nearQ.size());
        // free space at 500 m, 23 dBm: 23 - (53.98 + 75.42 - 27.55) = -78.85 dBm
        assertEquals(-78.85, nearQ.peek().metadata().rssiDbm(), 0.02);

        // the far vehicle drives to 800 m: now it hears; the sender moves away: nobody hears
        far.updatePosition(new StationState(7, 5, (int) Math.round((LAT + 800 / M_PER_DEG) * 1e7),
                (int) Math.round(LON * 1e7), true, 1389, 0, Instant.now()));
        a.send(gn(A_MAC, 5));
        RadioFrame f = farQ.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull("in range after moving", f);
        assertEquals(5, number(f));
        a.updatePosition(new StationState(1, 5, (int) Math.round((LAT - 1000 / M_PER_DEG) * 1e7),
                (int) Math.round(LON * 1e7), true, 0, 0, Instant.now()));
        a.send(gn(A_MAC, 6));
        assertTrue(await(() -> far.statistics().droppedOutOfRange() == 6 && near.statistics().droppedOutOfRange() == 1,
                DEADLINE_MS));
        // without a position the range cannot be judged: the frame is heard, without RSSI
        a.clearPosition();
        a.send(gn(A_MAC, 7));
        RadioFrame unknown = nearQ.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        while (unknown != null && number(unknown) != 7) {
            unknown = nearQ.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        }
        assertNotNull(unknown);
        assertNull(unknown.metadata().rssiDbm());
    }

    @Test
    public void sensitivityDropsWeakFramesUnderTheLogDistanceModel() throws Exception {
        // log-distance n = 3.5 at 5900 MHz, 23 dBm: 300 m gives 23 - (47.87 + 86.70) = -111.6 dBm
        UdpAirRadio b = radio("radio_id", "b", "position", north(300), "range_m", 0.0, "path_loss",
                PathLoss.LOG_DISTANCE, "path_loss_exponent", 3.5, "sensitivity_dbm", -95.0);
        UdpAirRadio c = radio("radio_id", "c", "position", north(50), "range_m", 0.0, "path_loss",
                PathLoss.LOG_DISTANCE, "path_loss_exponent", 3.5, "sensitivity_dbm", -95.0);
        UdpAirRadio a = radio("radio_id", "a", "position", north(0), "peers", new String[] {peer(b), peer(c)});
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        c.subscribe(q::add);
        a.send(gn(A_MAC, 1));
        RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull(f);
        double expected = 23 - (PathLoss.freeSpaceDb(1, 5900) + 35 * Math.log10(50));
        assertEquals(expected, f.metadata().rssiDbm(), 0.02);
        assertTrue(await(() -> b.statistics().droppedBelowSensitivity() == 1, DEADLINE_MS));
        assertEquals(0, b.statistics().delivered());
    }

    @Test
    public void lossRateWithinStatisticalBounds() throws Exception {
        double p = 0.3;
        int n = 2000;
        UdpAirRadio b = radio(Clock.systemUTC(), new SplittableRandom(42), "radio_id", "b", "loss_probability", p);
        UdpAirRadio a = radio("radio_id", "a", "peers", new String[] {peer(b)});
        AtomicInteger heard = new AtomicInteger();
        b.subscribe(f -> heard.incrementAndGet());
        // in batches, so the socket buffer never overflows on a loaded machine: the loss is the model's only
        for (int i = 0; i < n; i += 100) {
            for (int j = i; j < i + 100; j++) {
                a.send(gn(A_MAC, j));
            }
            int upTo = i + 100;
            assertTrue("datagrams reached the receiver", await(() -> b.statistics().received() == upTo, DEADLINE_MS));
        }
        // "received" is counted before the loss draw: await every datagram judged (delivered or lost) and heard
        assertTrue(await(() -> b.statistics().delivered() + b.statistics().droppedLoss() == n
                && heard.get() == b.statistics().delivered(), DEADLINE_MS));
        AirStatistics s = b.statistics();
        assertEquals(n, s.received());
        assertEquals(n, s.delivered() + s.droppedLoss());
        // binomial: mean n p = 600, sigma = sqrt(n p (1 - p)) = 20.5; accept +-5 sigma
        double sigma = Math.sqrt(n * p * (1 - p));
        assertTrue("lost " + s.droppedLoss(), Math.abs(s.droppedLoss() - n * p) < 5 * sigma);
        assertEquals(heard.get(), s.delivered());
    }

    @Test
    public void latencyDelaysDeliveryAndKeepsOrderDespiteJitter() throws Exception {
        UdpAirRadio b = radio("radio_id", "b", "latency_ms", 40.0, "jitter_ms", 30.0);
        UdpAirRadio a = radio("radio_id", "a", "peers", new String[] {peer(b)});
        int n = 40;
        long[] sentAt = new long[n];
        List<long[]> arrivals = new CopyOnWriteArrayList<>();
        b.subscribe(f -> arrivals.add(new long[] {number(f), System.nanoTime()}));
        for (int i = 0; i < n; i++) {
            sentAt[i] = System.nanoTime();
            a.send(gn(A_MAC, i));
        }
        assertTrue(await(() -> arrivals.size() == n, DEADLINE_MS));
        for (int i = 0; i < n; i++) {
            assertEquals("frame order", i, arrivals.get(i)[0]);
            long delayMs = (arrivals.get(i)[1] - sentAt[i]) / 1_000_000;
            assertTrue("frame " + i + " arrived after " + delayMs + " ms, before the 40 ms latency", delayMs >= 40);
        }
        // a radio without latency delivers at once (well under the 40 ms of the other)
        UdpAirRadio c = radio("radio_id", "c");
        UdpAirRadio a2 = radio("radio_id", "a2", "peers", new String[] {peer(c)});
        BlockingQueue<Long> fast = new LinkedBlockingQueue<>();
        c.subscribe(f -> fast.add(System.nanoTime()));
        long t0 = System.nanoTime();
        a2.send(gn(A_MAC, 0));
        Long t1 = fast.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull(t1);
        assertTrue(t1 - t0 >= 0);
    }

    @Test
    public void filtersChannelTechnologyAndForeignUnicast() throws Exception {
        UdpAirRadio b = radio("radio_id", "b", "address", B_MAC.toString());
        UdpAirRadio pc5 = radio("radio_id", "pc5", "radio_technology", RadioTechnology.CV2X_PC5, "address", "0x000001");
        UdpAirRadio a = radio("radio_id", "a", "peers", new String[] {peer(b), peer(pc5)});
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        b.subscribe(q::add);
        pc5.subscribe(f -> q.add(f));
        a.send(gn(A_MAC, 1).withMetadata(FrameMetadata.NONE.withChannel(172, null))); // US safety channel
        a.send(new RadioFrame(A_MAC, LinkAddress.mac(0x0200_0000_0099L), RadioFrame.ETHERTYPE_GEONETWORKING,
                new byte[] {1, 2, 3, 4, 0, 2}, FrameMetadata.NONE)); // unicast to someone else
        a.send(new RadioFrame(A_MAC, B_MAC, RadioFrame.ETHERTYPE_GEONETWORKING, new byte[] {1, 2, 3, 4, 0, 3},
                FrameMetadata.NONE)); // unicast to b
        RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull(f);
        assertEquals(3, number(f));
        // "received" is counted before the filters: await the drop counters asserted below too
        assertTrue(await(() -> b.statistics().received() == 3 && pc5.statistics().received() == 3
                && b.statistics().droppedOtherChannel() == 1 && b.statistics().droppedNotAddressed() == 1
                && pc5.statistics().droppedOtherTechnology() == 3, DEADLINE_MS));
        assertEquals(1, b.statistics().droppedOtherChannel());
        assertEquals(1, b.statistics().droppedNotAddressed());
        assertEquals(3, pc5.statistics().droppedOtherTechnology());
        assertTrue(q.isEmpty());
        assertThrows("not an EtherType", IllegalArgumentException.class, () -> a.send(new RadioFrame(A_MAC,
                B_MAC, 0x0100, new byte[1], FrameMetadata.NONE)));
        assertThrows("over the 802.11 MSDU", IllegalArgumentException.class, () -> a.send(new RadioFrame(A_MAC,
                B_MAC, RadioFrame.ETHERTYPE_GEONETWORKING, new byte[AirDatagram.MAX_PAYLOAD_ITS_G5 + 1],
                FrameMetadata.NONE)));
    }

    @Test
    public void unsubscribingEndsDeliveryAndAThrowingListenerHarmsNoOther() throws Exception {
        UdpAirRadio b = radio("radio_id", "b");
        UdpAirRadio a = radio("radio_id", "a", "peers", new String[] {peer(b)});
        BlockingQueue<RadioFrame> kept = new LinkedBlockingQueue<>();
        BlockingQueue<RadioFrame> closed = new LinkedBlockingQueue<>();
        RadioSubscription thrower = b.subscribe(f -> {
            throw new IllegalStateException("listener bug");
        });
        RadioSubscription s1 = b.subscribe(closed::add);
        b.subscribe(kept::add);
        a.send(gn(A_MAC, 1));
        assertEquals(1, number(kept.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        assertEquals(1, number(closed.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        s1.close();
        s1.close(); // idempotent
        thrower.close();
        a.send(gn(A_MAC, 2));
        assertEquals(2, number(kept.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        assertTrue("closed subscription got a frame", closed.isEmpty());

        // the radio goes away: send fails, subscriptions end, a late subscribe is valid and silent
        b.deactivate();
        a.deactivate();
        assertThrows(IOException.class, () -> a.send(gn(A_MAC, 3)));
        b.subscribe(kept::add).close();
    }

    @Test
    public void badDatagramsAreCountedWithTheirReasonAndIgnored() throws Exception {
        UdpAirRadio b = radio("radio_id", "b");
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        b.subscribe(q::add);
        byte[] good = AirDatagram.encode(RadioTechnology.ITS_G5, 99, 1, gn(A_MAC, 77), false, 0, 0);
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        byte[] badVersion = good.clone();
        badVersion[3] = 2;
        byte[] badLength = java.util.Arrays.copyOf(good, good.length + 1);
        byte[] badUp = good.clone();
        badUp[5] |= AirDatagram.FLAG_USER_PRIORITY;
        badUp[50] = 9;
        Object[][] cases = {{new byte[] {1, 2, 3}, "too short"}, {badMagic, "bad magic"},
                {badVersion, "unsupported version 2"}, {badLength, "payload length field 6 but 7"},
                {badUp, "user priority 9"}};
        try (DatagramChannel raw = DatagramChannel.open()) {
            int count = 0;
            for (Object[] c : cases) {
                raw.send(ByteBuffer.wrap((byte[]) c[0]), b.localAddress());
                int want = ++count;
                // the count is raised before the reason is stored: await the reason too
                assertTrue(b.statistics().lastMalformedReason(), await(() -> b.statistics().malformed() == want
                        && b.statistics().lastMalformedReason() != null
                        && b.statistics().lastMalformedReason().startsWith((String) c[1]), DEADLINE_MS));
            }
            raw.send(ByteBuffer.wrap(good), b.localAddress());
        }
        RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull("a good datagram after bad ones is delivered", f);
        assertEquals(77, number(f));
        assertEquals(5, b.statistics().malformed());
        assertEquals(1, b.statistics().delivered());
    }

    @Test
    public void multicastGroupOnLoopbackReachesEveryRadioButNotTheSender() throws Exception {
        int port;
        try (DatagramChannel probe = DatagramChannel.open()) { // a free port for the group on this host
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        String group = "239.255.74.1:" + port;
        UdpAirRadio a = radio("radio_id", "a", "address", A_MAC.toString(), "group", group, "multicast_interface", "lo");
        UdpAirRadio b = radio("radio_id", "b", "address", B_MAC.toString(), "group", group, "multicast_interface", "lo");
        UdpAirRadio c = radio("radio_id", "c", "address", "02:00:00:00:00:0c", "group", group,
                "multicast_interface", "lo");
        BlockingQueue<RadioFrame> atA = new LinkedBlockingQueue<>();
        BlockingQueue<RadioFrame> atB = new LinkedBlockingQueue<>();
        BlockingQueue<RadioFrame> atC = new LinkedBlockingQueue<>();
        a.subscribe(atA::add);
        b.subscribe(atB::add);
        c.subscribe(atC::add);
        a.send(gn(A_MAC, 1));
        b.send(gn(B_MAC, 2));
        assertEquals(1, number(atB.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        assertEquals(2, number(atA.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        RadioFrame c1 = atC.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        RadioFrame c2 = atC.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull(c1);
        assertNotNull(c2);
        assertEquals(3, number(c1) + number(c2));
        // own frames come back through the multicast loop and are dropped uncounted
        assertTrue(await(() -> a.statistics().received() == 1 && b.statistics().received() == 1, DEADLINE_MS));
        assertTrue(atA.isEmpty());
        assertTrue(atB.isEmpty());
    }

    /**
     * One-way latency over the virtual air without simulated latency (issue 6 benchmark target: p99 < 1 ms
     * on loopback): one frame in flight at a time, time from send() to the listener. Printed; the
     * assertion is loose because the build machine is shared.
     */
    @Test
    public void oneWayLatencyOnLoopbackIsSubMillisecond() throws Exception {
        UdpAirRadio b = radio("radio_id", "b", "position", north(200));
        UdpAirRadio a = radio("radio_id", "a", "position", north(0), "peers", new String[] {peer(b)});
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        b.subscribe(f -> arrivals.add(System.nanoTime()));
        int warm = 500;
        int n = 2000;
        long[] ns = new long[n];
        for (int i = 0; i < warm + n; i++) {
            long t0 = System.nanoTime();
            a.send(gn(A_MAC, i));
            Long t1 = arrivals.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
            assertNotNull("frame " + i, t1);
            if (i >= warm) {
                ns[i - warm] = t1 - t0;
            }
        }
        java.util.Arrays.sort(ns);
        double p50 = ns[n / 2] / 1e3;
        double p99 = ns[n * 99 / 100] / 1e3;
        System.out.printf("virtual air one-way latency over loopback: p50 %.1f us, p99 %.1f us, max %.1f us (%d frames)%n",
                p50, p99, ns[n - 1] / 1e3, n);
        assertTrue("p99 " + p99 + " us", p99 < 20_000);
    }

    @Test
    public void configurationErrorsNameTheProperty() {
        assertMessage("radio.id", () -> new UdpAirRadio(air("radio_id", " "), virtualAir));
        assertMessage("address nope", () -> new UdpAirRadio(air("radio_id", "x", "address", "nope"), virtualAir));
        assertMessage("loss_probability 1.5", () -> new UdpAirRadio(air("radio_id", "x", "loss_probability", 1.5), virtualAir));
        assertMessage("position 91,0", () -> new UdpAirRadio(air("radio_id", "x", "position", "91,0"), virtualAir));
        assertMessage("peers nowhere", () -> new UdpAirRadio(air("radio_id", "x", "peers", new String[] {"nowhere"}), virtualAir));
        assertMessage("group 127.0.0.1:5000 is not a multicast", () -> new UdpAirRadio(air("radio_id", "x", "group",
                "127.0.0.1:5000"), virtualAir));
    }

    private static void assertMessage(String start, org.junit.function.ThrowingRunnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r);
        assertTrue(e.getMessage(), e.getMessage().contains(start));
    }
}
