package org.qkdv2i.systemtest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.harness.EtsiClient;
import org.qkdv2i.harness.NodeProcess;
import org.qkdv2i.harness.TestNetwork;

/**
 * Two trusted nodes A and B as two JVM processes, linked by the test driver (both ends
 * derive identical key blocks from a shared seed), SAE-A served by KME A and SAE-B by
 * KME B, all traffic over real sockets with mutual TLS.
 */
public class TwoNodeIT {

    private static final String SAE_A = "SAE-A";
    private static final String SAE_B = "SAE-B";
    private static final int KEY_BITS = 256;

    private TestNetwork net;
    private EtsiClient saeA;
    private EtsiClient saeB;

    @Before
    public void startNodes() throws Exception {
        net = TestNetwork.fromSystemProperties("two-nodes")
                .node("A").node("B").sae(SAE_A, "A").sae(SAE_B, "B").link("A", "B")
                .keySupply(8192, 50)
                .start();
        saeA = net.client(SAE_A);
        saeB = net.client(SAE_B);
        net.awaitStoredKeys(SAE_A, SAE_B, 200, Duration.ofSeconds(60));
        net.awaitStoredKeys(SAE_B, SAE_A, 200, Duration.ofSeconds(60));
    }

    @After
    public void stopNodes() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void aNodeStoppedBySigtermClosesItsKeyStore() throws Exception {
        EtsiClient.Response enc = saeA.encKeys(SAE_B, 1, KEY_BITS);
        assertEquals(bodyOf(enc), 200, enc.status());
        NodeProcess b = net.get("B");
        b.close(); // Process.destroy(): SIGTERM
        String log = Files.readString(b.log());
        assertTrue("stopped, not killed:\n" + b.tail(), log.contains("node B: key store closed"));
        try (Stream<Path> files = Files.walk(b.log().getParent())) {
            // a clean close leaves everything in the store file: no journal to replay
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("keys.journal."))
                    .toList());
        }
    }

    @Test
    public void keyFromAIsServedOnceAtBWithTheSameBytes() throws Exception {
        EtsiClient.Response enc = saeA.encKeys(SAE_B, 3, KEY_BITS);
        assertEquals(bodyOf(enc), 200, enc.status());
        assertEquals(3, enc.keys().size());
        List<String> ids = enc.keys().stream().map(EtsiClient.Key::id).toList();

        EtsiClient.Response dec = saeB.decKeys(SAE_A, ids);
        assertEquals(bodyOf(dec), 200, dec.status());
        assertEquals(enc.keys(), dec.keys());

        EtsiClient.Response again = saeB.decKeys(SAE_A, ids.subList(0, 1));
        assertEquals(400, again.status());
        assertEquals("one or more keys specified are not found on KME", again.body().get("message").asText());
    }

    @Test
    public void bothSidesAskingAtOnceForTenSecondsNeverShareAKey() throws Exception {
        Map<String, String> fromA = new ConcurrentHashMap<>();
        Map<String, String> fromB = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            jobs.add(pool.submit(() -> hammer(saeA, SAE_B, fromA, duplicates, stop)));
            jobs.add(pool.submit(() -> hammer(saeB, SAE_A, fromB, duplicates, stop)));
        }
        Instant end = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(end)) {
            pool.awaitTermination(100, TimeUnit.MILLISECONDS);
        }
        stop.set(true);
        for (Future<?> f : jobs) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertEquals("the same key ID was handed out twice on one side", 0, duplicates.get());
        assertTrue("too few keys to prove anything: A " + fromA.size() + ", B " + fromB.size(),
                fromA.size() > 100 && fromB.size() > 100);
        Set<String> shared = new HashSet<>(fromA.keySet());
        shared.retainAll(fromB.keySet());
        assertEquals("key IDs handed to both SAE pairs", Set.of(), shared);
        Set<String> bytes = new HashSet<>(fromA.values());
        for (String v : fromB.values()) {
            assertTrue("key bytes handed to both SAE pairs", bytes.add(v));
        }
        // every key is then served at the other end with the same bytes
        assertServedAtPeer(saeB, SAE_A, fromA);
        assertServedAtPeer(saeA, SAE_B, fromB);
    }

    private static void hammer(EtsiClient client, String slave, Map<String, String> got, AtomicInteger duplicates,
            AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                EtsiClient.Response r = client.encKeys(slave, 4, KEY_BITS);
                if (r.status() == 200) {
                    for (EtsiClient.Key k : r.keys()) {
                        if (got.putIfAbsent(k.id(), k.base64()) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                } else if (r.status() != 503) {
                    throw new AssertionError("enc_keys answered " + r.status() + " " + r.body());
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError("enc_keys failed: " + e, e);
            }
        }
    }

    private static void assertServedAtPeer(EtsiClient slave, String master, Map<String, String> keys)
            throws Exception {
        List<String> ids = new ArrayList<>(keys.keySet());
        for (int i = 0; i < ids.size(); i += 64) {
            List<String> batch = ids.subList(i, Math.min(ids.size(), i + 64));
            EtsiClient.Response dec = slave.decKeys(master, batch);
            assertEquals(bodyOf(dec), 200, dec.status());
            for (EtsiClient.Key k : dec.keys()) {
                assertEquals("bytes of key " + k.id(), keys.get(k.id()), k.base64());
            }
        }
    }

    @Test
    public void killNineOfBLosesAndDuplicatesNothing() throws Exception {
        Map<String, String> deliveredToA = new ConcurrentHashMap<>();
        Map<String, String> deliveredToB = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        // SAE-A keeps asking; while B is down its KME must refuse (503) rather than hand out
        // keys that B cannot serve later.
        Future<?> master = pool.submit(() -> {
            while (!stop.get()) {
                try {
                    EtsiClient.Response r = saeA.encKeys(SAE_B, 2, KEY_BITS);
                    if (r.status() == 200) {
                        for (EtsiClient.Key k : r.keys()) {
                            if (deliveredToA.putIfAbsent(k.id(), k.base64()) != null) {
                                duplicates.incrementAndGet();
                            }
                        }
                    } else if (r.status() == 503) {
                        refused.incrementAndGet();
                    } else {
                        throw new AssertionError("enc_keys answered " + r.status() + " " + r.body());
                    }
                } catch (AssertionError e) {
                    throw e;
                } catch (Exception e) {
                    throw new AssertionError("enc_keys failed: " + e, e);
                }
            }
        });
        // SAE-B fetches a part of them before the crash
        awaitCount(deliveredToA, 100);
        List<String> early = new ArrayList<>(deliveredToA.keySet()).subList(0, 50);
        EtsiClient.Response before = saeB.decKeys(SAE_A, early);
        assertEquals(bodyOf(before), 200, before.status());
        before.keys().forEach(k -> deliveredToB.put(k.id(), k.base64()));

        NodeProcess b = net.get("B");
        b.kill();
        int refusedAtKill = refused.get();
        // A must notice that B is gone and refuse, not hand out keys B could never serve
        awaitTrue(() -> refused.get() >= refusedAtKill + 5, "KME A kept serving while its peer was dead");
        int atKill = deliveredToA.size();
        b.start(net.nodeJar());
        awaitCount(deliveredToA, atKill + 100);
        stop.set(true);
        master.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(0, duplicates.get());

        // keys fetched before the crash stay gone
        EtsiClient.Response resurrected = saeB.decKeys(SAE_A, early.subList(0, 1));
        assertEquals("a delivered key came back after kill -9", 400, resurrected.status());
        // every other key SAE-A got is served at B exactly once with the same bytes
        Map<String, String> rest = new HashMap<>(deliveredToA);
        rest.keySet().removeAll(deliveredToB.keySet());
        assertServedAtPeer(saeB, SAE_A, rest);
        for (String id : rest.keySet()) {
            assertEquals("key " + id + " served twice", 400, saeB.decKeys(SAE_A, List.of(id)).status());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String failure)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(failure);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static void awaitCount(Map<?, ?> map, int n) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (map.size() < n) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("only " + map.size() + " keys delivered, expected " + n);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static String bodyOf(EtsiClient.Response r) {
        return "HTTP " + r.status() + " " + r.body();
    }

}
