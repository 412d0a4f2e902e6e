package org.qkdv2i.radio.udp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.radio.udp.internal.Configs.air;
import static org.qkdv2i.radio.udp.internal.Configs.await;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.A_MAC;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.DEADLINE_MS;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.LAT;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.LON;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.M_PER_DEG;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.gn;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.north;
import static org.qkdv2i.radio.udp.internal.UdpAirRadioTest.number;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;

/**
 * The neighbour-directed unicast mode ({@code air}) and the V2I filter, over real UDP sockets on
 * 127.0.0.1: a datagram goes only to the radios that can hear it, so a radio out of range does not
 * even receive one.
 */
public class AirModeTest {
    private final List<UdpAirRadio> radios = new ArrayList<>();
    private final VirtualAir virtualAir = Configs.virtualAir();

    @After
    public void close() {
        radios.forEach(UdpAirRadio::deactivate);
        virtualAir.close();
    }

    UdpAirRadio radio(Object... config) throws IOException {
        UdpAirRadio r = new UdpAirRadio(air(config), virtualAir, Clock.systemUTC(), new SplittableRandom(1));
        radios.add(r);
        return r;
    }

    static StationState at(double northM, double eastM) {
        return new StationState(1, 5, (int) Math.round((LAT + northM / M_PER_DEG) * 1e7),
                (int) Math.round((LON + eastM / (M_PER_DEG * Math.cos(Math.toRadians(LAT)))) * 1e7), true, 0, 0,
                Instant.now());
    }

    static String mac(int n) {
        return String.format("02:00:00:00:%02x:%02x", n >> 8 & 0xFF, n & 0xFF);
    }

    @Test
    public void onlyRadiosInRangeGetADatagram() throws Exception {
        UdpAirRadio near = radio("radio_id", "near", "air", "t", "address", mac(2), "position", north(300), "range_m", 400.0);
        UdpAirRadio far = radio("radio_id", "far", "air", "t", "address", mac(3), "position", north(900), "range_m", 400.0);
        UdpAirRadio wide = radio("radio_id", "wide", "air", "t", "address", mac(4), "position", north(900), "range_m", 1000.0);
        UdpAirRadio a = radio("radio_id", "a", "air", "t", "address", A_MAC.toString(), "position", north(0),
                "range_m", 400.0);
        UdpAirRadio otherAir = radio("radio_id", "x", "air", "elsewhere", "position", north(10));
        BlockingQueue<RadioFrame> nearQ = new LinkedBlockingQueue<>();
        near.subscribe(nearQ::add);
        for (int i = 0; i < 5; i++) {
            a.send(gn(A_MAC, i));
        }
        // range is the receiver's: 'wide' hears from 900 m with its 1000 m
        assertTrue(await(() -> near.statistics().delivered() == 5 && wide.statistics().delivered() == 5, DEADLINE_MS));
        for (int i = 0; i < 5; i++) {
            assertEquals("in order", i, number(nearQ.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        }
        assertEquals(5, a.statistics().sent());
        assertEquals("one datagram per radio in range", 10, a.statistics().datagramsSent());
        assertEquals("out of range: not even a datagram", 0, far.statistics().received());
        assertEquals("another air", 0, otherAir.statistics().received());
        assertEquals(0, near.statistics().droppedOutOfRange());
        // the receiver still applies its path loss: free space at 300 m, 23 dBm
        assertEquals(23 - PathLoss.freeSpaceDb(300, 5900), rssiOf(near, a), 0.02);
    }

    /** RSSI a receiver reports for one more frame from {@code from} (free space, 23 dBm). */
    private static double rssiOf(UdpAirRadio at, UdpAirRadio from) throws Exception {
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        var s = at.subscribe(q::add);
        from.send(gn(A_MAC, 99));
        RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        s.close();
        assertNotNull(f);
        return f.metadata().rssiDbm();
    }

    @Test
    public void aRadioMovingIntoRangeStartsHearingAndLeavingStops() throws Exception {
        UdpAirRadio a = radio("radio_id", "a", "air", "m", "address", A_MAC.toString(), "position", north(0),
                "range_m", 400.0);
        UdpAirRadio car = radio("radio_id", "car", "air", "m", "address", mac(2), "range_m", 400.0);
        car.updatePosition(at(2000, 2000)); // several cells away
        BlockingQueue<RadioFrame> q = new LinkedBlockingQueue<>();
        car.subscribe(q::add);
        a.send(gn(A_MAC, 1));
        assertTrue(await(() -> a.statistics().sent() == 1, DEADLINE_MS));
        assertEquals(0, a.statistics().datagramsSent());
        // drives towards the sender, crossing cells; every step's frame is heard only once in range
        int expected = 0;
        for (int step = 0; step <= 20; step++) {
            double d = 2000 - step * 100;
            car.updatePosition(at(d, d));
            a.send(gn(A_MAC, 100 + step));
            if (Math.hypot(d, d) <= 399) {
                RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
                assertNotNull("heard at " + d + "," + d, f);
                assertEquals(100 + step, number(f));
                expected++;
            }
        }
        assertEquals(3, expected); // (200,200), (100,100), (0,0)
        assertTrue(q.isEmpty());
        // the sender loses its position: the range cannot be judged, every radio of the air gets it, without RSSI
        a.clearPosition();
        car.updatePosition(at(3000, 0));
        a.send(gn(A_MAC, 7));
        RadioFrame f = q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertNotNull(f);
        assertNull(f.metadata().rssiDbm());
        // a receiver without a position hears every sender
        a.updatePosition(at(0, 0));
        car.clearPosition();
        a.send(gn(A_MAC, 8));
        assertEquals(8, number(q.poll(DEADLINE_MS, TimeUnit.MILLISECONDS)));
        assertEquals(0, car.statistics().droppedOutOfRange());
    }

    @Test
    public void v2iFilterKeepsVehiclesToRsus() throws Exception {
        Object[] v2i = {"air", "v", "hears", AirRole.Hears.V2I, "range_m", 400.0};
        UdpAirRadio v1 = radio(cat(v2i, "radio_id", "v1", "address", mac(1), "role", AirRole.VEHICLE, "position", north(0)));
        UdpAirRadio v2 = radio(cat(v2i, "radio_id", "v2", "address", mac(2), "role", AirRole.VEHICLE, "position", north(50)));
        UdpAirRadio r1 = radio(cat(v2i, "radio_id", "r1", "address", mac(3), "role", AirRole.RSU, "position", north(100)));
        UdpAirRadio r2 = radio(cat(v2i, "radio_id", "r2", "address", mac(4), "role", AirRole.RSU, "position", north(200)));
        // a vehicle that hears ALL still does not get a V2I vehicle's frame (the sender keeps to RSUs)
        UdpAirRadio v3 = radio("air", "v", "radio_id", "v3", "address", mac(5), "role", AirRole.VEHICLE,
                "position", north(60), "range_m", 400.0);
        v1.send(gn(LinkAddress.mac(0x0200_0000_0001L), 1));
        assertTrue(await(() -> r1.statistics().delivered() == 1 && r2.statistics().delivered() == 1, DEADLINE_MS));
        assertEquals("to the two RSUs only", 2, v1.statistics().datagramsSent());
        r1.send(gn(LinkAddress.mac(0x0200_0000_0003L), 2));
        assertTrue(await(() -> v1.statistics().delivered() == 1 && v2.statistics().delivered() == 1
                && r2.statistics().delivered() == 2 && v3.statistics().delivered() == 1, DEADLINE_MS));
        v3.send(gn(LinkAddress.mac(0x0200_0000_0005L), 3)); // an ALL vehicle: RSUs hear it, V2I vehicles do not
        assertTrue(await(() -> r1.statistics().delivered() == 2 && r2.statistics().delivered() == 3, DEADLINE_MS));
        assertEquals("only the RSU frame", 1, v2.statistics().received());
        assertEquals(1, v1.statistics().received());
        assertEquals(2, v3.statistics().datagramsSent());

        // in the peers mode the filter is the receiver's, by the role octet: counted as droppedRole
        UdpAirRadio pv = radio("radio_id", "pv", "role", AirRole.VEHICLE, "hears", AirRole.Hears.V2I);
        UdpAirRadio pr = radio("radio_id", "pr", "role", AirRole.RSU);
        String[] targets = {"127.0.0.1:" + pv.localAddress().getPort(), "127.0.0.1:" + pr.localAddress().getPort()};
        UdpAirRadio other = radio("radio_id", "o", "role", AirRole.VEHICLE, "peers", targets);
        UdpAirRadio rsu = radio("radio_id", "r", "role", AirRole.RSU, "peers", targets);
        other.send(gn(A_MAC, 4));
        rsu.send(gn(A_MAC, 5));
        // "received" is counted before the role filter: await the counters asserted below too
        assertTrue(await(() -> pv.statistics().received() == 2 && pv.statistics().droppedRole() == 1
                && pv.statistics().delivered() == 1 && pr.statistics().delivered() == 2, DEADLINE_MS));
        assertEquals(1, pv.statistics().droppedRole());
        assertEquals(1, pv.statistics().delivered());
    }

    private static Object[] cat(Object[] a, Object... b) {
        Object[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    public void unicastGoesOnlyToTheAddresseeAndOtherTechnologiesAndChannelsAreSkipped() throws Exception {
        UdpAirRadio b = radio("radio_id", "b", "air", "u", "address", mac(0xb), "position", north(10));
        UdpAirRadio c = radio("radio_id", "c", "air", "u", "address", mac(0xc), "position", north(20));
        UdpAirRadio pc5 = radio("radio_id", "p", "air", "u", "radio_technology", RadioTechnology.CV2X_PC5,
                "address", "0x000001", "position", north(20));
        UdpAirRadio ch172 = radio("radio_id", "d", "air", "u", "address", mac(0xd), "channel", 172,
                "position", north(20));
        UdpAirRadio a = radio("radio_id", "a", "air", "u", "address", A_MAC.toString(), "position", north(0));
        a.send(new RadioFrame(A_MAC, LinkAddress.mac(0x0200_0000_000bL), RadioFrame.ETHERTYPE_GEONETWORKING,
                new byte[] {1, 2, 3, 4, 0, 1}, FrameMetadata.NONE));
        assertTrue(await(() -> b.statistics().delivered() == 1, DEADLINE_MS));
        assertEquals(1, a.statistics().datagramsSent());
        a.send(gn(A_MAC, 2)); // broadcast on channel 180: b and c
        assertTrue(await(() -> c.statistics().delivered() == 1 && b.statistics().delivered() == 2, DEADLINE_MS));
        a.send(gn(A_MAC, 3).withMetadata(FrameMetadata.NONE.withChannel(172, null))); // only d listens on 172
        assertTrue(await(() -> ch172.statistics().delivered() == 1, DEADLINE_MS));
        assertEquals(4, a.statistics().datagramsSent());
        assertEquals(0, pc5.statistics().received());
        assertEquals(1, c.statistics().received());
    }

    /** Many senders at once, two I/O threads: every receiver gets each sender's frames in send order. */
    @Test
    public void noReorderingPerSenderWithLatencyAndJitter() throws Exception {
        int senders = 4;
        int frames = 300;
        UdpAirRadio rx1 = radio("radio_id", "rx1", "air", "o", "position", north(0), "latency_ms", 2.0, "jitter_ms", 3.0);
        UdpAirRadio rx2 = radio("radio_id", "rx2", "air", "o", "position", north(5));
        List<UdpAirRadio> tx = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            tx.add(radio("radio_id", "tx" + s, "air", "o", "address", mac(0x100 + s), "position", north(10 + s)));
        }
        ConcurrentHashMap<LinkAddress, List<Integer>> at1 = new ConcurrentHashMap<>();
        ConcurrentHashMap<LinkAddress, List<Integer>> at2 = new ConcurrentHashMap<>();
        rx1.subscribe(f -> at1.computeIfAbsent(f.source(), k -> new CopyOnWriteArrayList<>()).add(number(f)));
        rx2.subscribe(f -> at2.computeIfAbsent(f.source(), k -> new CopyOnWriteArrayList<>()).add(number(f)));
        List<Thread> threads = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int s = 0; s < senders; s++) {
            UdpAirRadio r = tx.get(s);
            LinkAddress src = LinkAddress.mac(0x0200_0000_0100L + s);
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        r.send(gn(src, i));
                        if (i % 50 == 49) { // bursts a loaded socket buffer can hold
                            int upTo = i + 1;
                            await(() -> count(at1, src) >= upTo && count(at2, src) >= upTo, DEADLINE_MS);
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(0, failures.get());
        long total = (long) senders * frames;
        assertTrue(await(() -> rx1.statistics().delivered() == total && rx2.statistics().delivered() == total, 30_000));
        for (var m : List.of(at1, at2)) {
            assertEquals(senders, m.size());
            for (List<Integer> seq : m.values()) {
                for (int i = 0; i < frames; i++) {
                    assertEquals("frame order", i, (int) seq.get(i));
                }
            }
        }
    }

    private static int count(ConcurrentHashMap<LinkAddress, List<Integer>> m, LinkAddress src) {
        List<Integer> l = m.get(src);
        return l == null ? 0 : l.size();
    }

    /**
     * A city in one JVM: 1,000 vehicles and 50 RSUs in 3 km x 3 km, range 400 m, V2I. The air
     * adds no thread per radio, and each frame reaches exactly the radios a brute-force distance
     * check says can hear it.
     */
    @Test
    public void cityOf1050RadiosWithABoundedThreadCount() throws Exception {
        int threadsBefore = Thread.activeCount();
        SplittableRandom rnd = new SplittableRandom(8);
        int vehicles = 1000;
        int rsus = 50;
        double side = 3000;
        double[][] pos = new double[vehicles + rsus][];
        List<UdpAirRadio> city = new ArrayList<>();
        AtomicLong heard = new AtomicLong();
        for (int i = 0; i < vehicles + rsus; i++) {
            boolean rsu = i >= vehicles;
            pos[i] = new double[] {rnd.nextDouble(side), rnd.nextDouble(side)};
            // RSUs with latency and jitter: timed deliveries add no thread either
            UdpAirRadio r = radio("radio_id", (rsu ? "rsu" : "v") + i, "air", "city", "address", mac(i),
                    "role", rsu ? AirRole.RSU : AirRole.VEHICLE, "hears", AirRole.Hears.V2I, "range_m", 400.0,
                    "latency_ms", rsu ? 0.3 : 0.0, "jitter_ms", rsu ? 0.2 : 0.0);
            r.updatePosition(at(pos[i][0], pos[i][1]));
            r.subscribe(f -> heard.incrementAndGet());
            city.add(r);
        }
        int added = Thread.activeCount() - threadsBefore; // issue 6's radio.udp: 1,050 + 50 here
        System.out.printf("1,050 radios: %d threads added (the air's I/O threads: %d)%n", added,
                virtualAir.threads().size());
        assertTrue("threads added by 1,050 radios: " + added, added <= 2);
        assertEquals(1050, virtualAir.directory("city").size());
        // every radio sends one frame; the expected receivers by brute force (flat distance is within 0.1 %)
        long expected = 0;
        for (int i = 0; i < city.size(); i++) {
            for (int j = 0; j < city.size(); j++) {
                boolean ok = i != j && (i >= vehicles || j >= vehicles)
                        && Math.hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]) <= 400;
                if (ok) {
                    expected++;
                }
            }
        }
        long datagrams = 0;
        for (int i = 0; i < city.size(); i++) {
            city.get(i).send(gn(LinkAddress.mac(0x0200_0000_0000L + i), i % 1000));
            if (i % 100 == 99) { // in batches: bounded socket buffers on a loaded machine
                long want = sentSoFar(city, i + 1);
                assertTrue(await(() -> received(city) == want, DEADLINE_MS));
            }
        }
        for (UdpAirRadio r : city) {
            datagrams += r.statistics().datagramsSent();
        }
        long exp = expected;
        System.out.printf("1,050 radios, one frame each: %d datagrams (brute force says %d receivers), %d heard%n",
                datagrams, expected, heard.get());
        assertTrue(Math.abs(datagrams - exp) <= exp / 500 + 2); // cell-plane vs sphere at the 400 m edge
        long all = datagrams;
        assertTrue(await(() -> heard.get() == all, DEADLINE_MS));
        long outOfRange = city.stream().mapToLong(r -> r.statistics().droppedOutOfRange()).sum();
        assertEquals(0, outOfRange + city.stream().mapToLong(r -> r.statistics().droppedRole()).sum());
        assertTrue("far below every-to-every (1,101,450)", datagrams < 60_000);
    }

    private static long sentSoFar(List<UdpAirRadio> city, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += city.get(i).statistics().datagramsSent();
        }
        return s;
    }

    private static long received(List<UdpAirRadio> city) {
        return city.stream().mapToLong(r -> r.statistics().received()).sum();
    }

    @Test
    public void airExcludesGroupAndPeers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> radio("radio_id", "x", "air", "a", "group", "239.255.74.1:47474"));
        assertTrue(e.getMessage(), e.getMessage().contains("exclude each other"));
        e = assertThrows(IllegalArgumentException.class,
                () -> radio("radio_id", "x", "air", "a", "peers", new String[] {"127.0.0.1:4000"}));
        assertTrue(e.getMessage(), e.getMessage().contains("exclude each other"));
    }
}
