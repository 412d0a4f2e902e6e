package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.kmm.internal.Await;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKey;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKeysRequest;

/** Key relay over trusted nodes with in-process cores: 3 and 4 nodes in a chain. */
public class RelayTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Chain net;

    private Chain chain(String... nodes) throws Exception {
        net = new Chain(tmp.getRoot().toPath(), nodes);
        net.feed(4);
        net.route();
        return net;
    }

    @After
    public void close() {
        if (net != null) {
            net.close();
        }
    }

    private static List<UUID> ids(List<Key> keys) {
        return keys.stream().map(Key::id).collect(Collectors.toList());
    }

    private static void assertSameBytes(List<Key> a, List<Key> b) {
        assertEquals(ids(a), ids(b));
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals("bytes of key " + a.get(i).id(), a.get(i).bytes(), b.get(i).bytes());
        }
    }

    private static RelayStats stats(KmmCore core, String linkId) {
        return core.relayStats().stream().filter(s -> s.linkId().equals(linkId)).findFirst()
                .orElseThrow(() -> new AssertionError("no relay stats for " + linkId));
    }

    private void assertNotServable(String node, List<UUID> ids) {
        try {
            net.core(node).keysById("sz", "sa", ids);
            fail("relayed keys served at " + node + " although the relay failed");
        } catch (KeyManagerException e) {
            assertEquals(e.getMessage(), Reason.KEYS_NOT_FOUND, e.reason());
        }
    }

    @Test
    public void threeNodesTheTargetServesTheSameBytesOnceByDecKeys() throws Exception {
        chain("A", "B", "C");

        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz", 3, 256));
        List<Key> dec = net.core("C").keysById("sz", "sa", ids(enc));

        assertSameBytes(enc, dec);
        assertNotEquals("keys differ from each other", Arrays.toString(enc.get(0).bytes()),
                Arrays.toString(enc.get(1).bytes()));
        try {
            net.core("C").keysById("sz", "sa", ids(enc).subList(0, 1));
            fail("served twice");
        } catch (KeyManagerException e) {
            assertEquals(Reason.KEYS_NOT_FOUND, e.reason());
        }
        // the middle node keeps nothing servable
        assertEquals(0, net.core("B").waitingKeys());
        // ETSI 014 status of the relayed pair: what the first hop can carry (2 stored keys per key of 256 bits)
        long ownAB = net.own("A", "L-AB");
        assertEquals(ownAB / 2, net.core("A").status("sa", "sz").storedKeyCount());
    }

    @Test
    public void concurrentRelaysInBothDirectionsNeverShareALinkKeyOrAKey() throws Exception {
        chain("A", "B", "C");
        net.feed(20);
        // the other direction too: SAE sz at C asks for keys shared with sa at A
        for (String n : List.of("A", "B", "C")) {
            VirtualLink v = net.core(n).virtualLinks().get(0);
            net.core(n).putVirtualLink(new VirtualLink("V-2", "C", "A", v.nextHop(), v.prevHop()));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.ConcurrentHashMap<UUID, String> fromA = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ConcurrentHashMap<UUID, String> fromC = new java.util.concurrent.ConcurrentHashMap<>();
        List<java.util.concurrent.Future<?>> jobs = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            jobs.add(pool.submit(() -> relayMany("A", "sa", "sz", fromA)));
            jobs.add(pool.submit(() -> relayMany("C", "sz", "sa", fromC)));
        }
        for (java.util.concurrent.Future<?> f : jobs) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertEquals(4 * 10 * 2, fromA.size());
        assertEquals(4 * 10 * 2, fromC.size());
        java.util.Set<String> bytes = new java.util.HashSet<>(fromA.values());
        fromC.values().forEach(b -> assertTrue("key bytes relayed twice", bytes.add(b)));
        for (Map.Entry<UUID, String> e : fromA.entrySet()) {
            assertEquals(e.getValue(), Arrays.toString(net.core("C").keysById("sz", "sa", List.of(e.getKey())).get(0).bytes()));
        }
        for (Map.Entry<UUID, String> e : fromC.entrySet()) {
            assertEquals(e.getValue(), Arrays.toString(net.core("A").keysById("sa", "sz", List.of(e.getKey())).get(0).bytes()));
        }
        // each hop message used its own link key: 3 stored keys of 256 bits per message of 2 keys; B received
        // 40 messages from A and sent 40 to A
        assertEquals(80 * 3 * 256, stats(net.core("B"), "L-AB").linkKeyBits());
    }

    private Void relayMany(String node, String master, String slave, Map<UUID, String> got) throws Exception {
        for (int i = 0; i < 10; i++) {
            for (Key k : net.core(node).newKeys(new KeyRequest(master, slave, 2, 256))) {
                assertEquals(null, got.put(k.id(), Arrays.toString(k.bytes())));
            }
        }
        return null;
    }

    @Test
    public void fourNodesTheTargetServesTheSameBytes() throws Exception {
        chain("A", "B", "C", "D");

        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz", 2, 512));
        List<Key> dec = net.core("D").keysById("sz", "sa", ids(enc));

        assertSameBytes(enc, dec);
        assertEquals(512, dec.get(0).bits());
    }

    @Test
    public void linkKeySpentPerHopIsAccountedAtBothEndsOfEveryLink() throws Exception {
        chain("A", "B", "C");
        long ownAB = net.own("A", "L-AB");
        long ownBC = net.own("B", "L-BC");
        long peerAtB = net.peerHalf("B", "L-AB");
        long peerAtC = net.peerHalf("C", "L-BC");

        net.core("A").newKeys(new KeyRequest("sa", "sz", 2, 256));

        // 2 keys of 256 bits: 512 bits of pad + 256 bits of MAC key = 3 stored keys of 256 bits per hop
        long bits = 3 * 256;
        assertEquals(new RelayStats("L-AB", "B", 2, 0, bits, 0), stats(net.core("A"), "L-AB"));
        assertEquals(new RelayStats("L-AB", "A", 0, 2, bits, 0), stats(net.core("B"), "L-AB"));
        assertEquals(new RelayStats("L-BC", "C", 2, 0, bits, 0), stats(net.core("B"), "L-BC"));
        assertEquals(new RelayStats("L-BC", "B", 0, 2, bits, 0), stats(net.core("C"), "L-BC"));
        assertEquals(ownAB - 3, net.own("A", "L-AB"));
        assertEquals(ownBC - 3, net.own("B", "L-BC"));
        assertEquals(peerAtB - 3, net.peerHalf("B", "L-AB"));
        assertEquals(peerAtC - 3, net.peerHalf("C", "L-BC"));
        // consumed durably: a restart of the middle node does not bring the pads back
        net.restart("B");
        assertEquals(ownBC - 3, net.own("B", "L-BC"));
        assertEquals(peerAtB - 3, net.peerHalf("B", "L-AB"));
    }

    @Test
    public void aRestartOfTheTargetKeepsTheRelayedKeysServable() throws Exception {
        chain("A", "B", "C");
        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz", 2, 256));

        net.restart("C");

        assertSameBytes(enc, net.core("C").keysById("sz", "sa", ids(enc)));
    }

    @Test
    public void tamperedCiphertextIsRefusedAndNothingIsServed() throws Exception {
        chain("A", "B", "C");
        net.tamper.put("B>C", r -> {
            List<ExtKey> keys = r.keys().stream().map(k -> {
                byte[] v = k.value().clone();
                v[0] ^= 1;
                return new ExtKey(k.keyId(), v, k.extension());
            }).toList();
            return new ExtKeysRequest(keys, r.initiatorSaeId(), r.targetSaeIds(), r.ackCallbackUrl(),
                    r.virtualLink(), r.initiatorNode(), r.targetNode(), r.link(), r.linkKeyIds(), r.keySize(), r.mac());
        });
        long peerAtC = net.peerHalf("C", "L-BC");

        KeyManagerException e = refused(() -> net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256)));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("MAC") && e.getMessage().contains("node C"));
        assertEquals(0, net.core("C").waitingKeys());
        assertNotServable("C", List.of(relayedIds("B>C").get(0)));
        // the pad is spent although the tag failed: it can never be tried again
        assertEquals(peerAtC - 2, net.peerHalf("C", "L-BC"));
    }

    @Test
    public void aTamperedMacIsRefusedAtTheFirstHop() throws Exception {
        chain("A", "B", "C");
        net.tamper.put("A>B", r -> {
            byte[] mac = r.mac().clone();
            mac[15] ^= (byte) 0x80;
            return new ExtKeysRequest(r.keys(), r.initiatorSaeId(), r.targetSaeIds(), r.ackCallbackUrl(),
                    r.virtualLink(), r.initiatorNode(), r.targetNode(), r.link(), r.linkKeyIds(), r.keySize(), mac);
        });

        KeyManagerException e = refused(() -> net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256)));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("MAC") && e.getMessage().contains("node B"));
        assertTrue("B must not forward a message that failed authentication", relayedIds("B>C").isEmpty());
        assertEquals(0, net.core("C").waitingKeys());
    }

    @Test
    public void padKeysTheNextNodeLacksAreKeyNotPresentAndNothingIsConsumedThere() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        // B's end of L-BC got a block C's end never saw: B's first own stored keys are unknown at C
        net.block("B", "C", true, false);
        net.feed(4);
        net.route();
        long peerAtC = net.peerHalf("C", "L-BC");
        // no sync can tell B which stored keys C holds: B pads with its oldest ones
        net.noInventory.add("B>C");

        KeyManagerException e = refused(() -> net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256)));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("key not present"));
        assertEquals("nothing consumed at C", peerAtC, net.peerHalf("C", "L-BC"));
        assertEquals(0, net.core("C").waitingKeys());
    }

    @Test
    public void aRelayWhoseHopLackedThePadIsTriedAgainWithOtherStoredKeys() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        net.block("B", "C", true, false, 4); // at most 4 of B's oldest own stored keys of L-BC unknown at C
        net.feed(4);
        net.route();
        long peerAtC = net.peerHalf("C", "L-BC");

        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256));

        assertSameBytes(enc, net.core("C").keysById("sz", "sa", ids(enc)));
        assertEquals("only the attempt that arrived consumed pad at C", peerAtC - 2, net.peerHalf("C", "L-BC"));
    }

    @Test
    public void afterAnInventorySyncTheHopUsesStoredKeysTheNextNodeConfirmed() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        net.block("B", "C", true, false); // B's oldest own stored keys of L-BC are unknown at C
        net.feed(4);
        net.route();
        assertTrue(net.core("B").sync("L-BC", false).complete());
        long peerAtC = net.peerHalf("C", "L-BC");

        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256));

        assertSameBytes(enc, net.core("C").keysById("sz", "sa", ids(enc)));
        assertEquals(peerAtC - 2, net.peerHalf("C", "L-BC"));
    }

    @Test
    public void aHopWithNoConfirmedStoredKeysSyncsFirstAndAvoidsThoseTheNextNodeLacks() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        net.block("B", "C", true, false); // B's first own stored keys are unknown at C
        net.feed(4);
        net.route();
        long peerAtC = net.peerHalf("C", "L-BC");

        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256));

        assertSameBytes(enc, net.core("C").keysById("sz", "sa", ids(enc)));
        assertEquals("one attempt, pad C holds", peerAtC - 2, net.peerHalf("C", "L-BC"));
    }

    @Test
    public void aHopShortOfConfirmedStoredKeysSyncsAtOnceInsteadOfFailing() throws Exception {
        chain("A", "B", "C");
        for (String[] l : new String[][] {{"A", "L-AB"}, {"B", "L-AB"}, {"B", "L-BC"}, {"C", "L-BC"}}) {
            assertTrue(net.core(l[0]).sync(l[1], true).complete());
        }
        // newer blocks: neither confirmed by the next node nor below the watermark it last reported
        net.clock.advanceSeconds(1);
        net.feed(4);

        // about 128 confirmed stored keys per half and link: the second request needs the new ones
        List<Key> first = net.core("A").newKeys(new KeyRequest("sa", "sz", 100, 256));
        assertSameBytes(first, net.core("C").keysById("sz", "sa", ids(first)));
        List<Key> second = net.core("A").newKeys(new KeyRequest("sa", "sz", 100, 256));
        assertSameBytes(second, net.core("C").keysById("sz", "sa", ids(second)));
    }

    @Test(timeout = 60_000)
    public void concurrentHopsShortOfConfirmedStoredKeysShareTheSyncAndNeverAPad() throws Exception {
        chain("A", "B", "C");
        for (String[] l : new String[][] {{"A", "L-AB"}, {"B", "L-AB"}, {"B", "L-BC"}, {"C", "L-BC"}}) {
            assertTrue(net.core(l[0]).sync(l[1], true).complete());
        }
        net.clock.advanceSeconds(1);
        net.feed(4);
        int syncsBefore = net.inventories.get("B>C").get();

        // six relays of 40 keys at once: ~246 stored keys per link, ~128 confirmed
        int n = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<List<Key>>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                runs.add(pool.submit(() -> {
                    go.await();
                    return net.core("A").newKeys(new KeyRequest("sa", "sz", 40, 256));
                }));
            }
            go.countDown();
            java.util.Set<UUID> seen = new java.util.HashSet<>();
            for (java.util.concurrent.Future<List<Key>> f : runs) {
                List<Key> enc = f.get();
                assertSameBytes(enc, net.core("C").keysById("sz", "sa", ids(enc)));
                enc.forEach(k -> assertTrue("key IDs unique", seen.add(k.id())));
            }
        } finally {
            pool.shutdownNow();
        }
        int syncs = net.inventories.get("B>C").get() - syncsBefore;
        assertTrue(syncs + " syncs of L-BC for " + n + " relays", syncs >= 1 && syncs < n);
    }

    @Test
    public void aRelayFailingAfterTheTargetStoredItIsVoidedAtEveryHop() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C", "D");
        net.peerTimeoutMillis = 1000;
        for (String n : List.of("A", "B", "C", "D")) {
            net.restart(n); // with the short timeout
        }
        net.feed(4);
        net.route();
        // D stores the keys and acknowledges; C's acknowledgement to B is lost: B and A time out
        net.lostAcks.add("C>B");

        KeyManagerException e = refused(() -> net.core("A").newKeys(new KeyRequest("sa", "sz", 2, 256)));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("failed"));
        List<UUID> ids = relayedIds("C>D");
        assertEquals(2, ids.size());
        Await.until("D destroys the keys it stored", () -> net.core("D").waitingKeys() == 0);
        for (String[] hop : new String[][] {{"A", "L-AB"}, {"B", "L-AB"}, {"B", "L-BC"}, {"C", "L-BC"},
            {"C", "L-CD"}, {"D", "L-CD"}}) {
            Await.until(hop[0] + " counts the voided keys on " + hop[1],
                    () -> stats(net.core(hop[0]), hop[1]).voided() == 2);
        }
        assertNotServable("D", ids);
        // every node keeps the void in its store: A and B voided on their own (their hop failed), C and D
        // were told over ext_keys/void
        for (String n : List.of("A", "B", "C", "D")) {
            Await.until(n + " records the void", () -> net.core(n).voidedKeyRecords() == 2);
        }
        // durable: the void survives a restart of the target (and of every node)
        net.restart("D");
        assertNotServable("D", ids);
        for (String n : List.of("A", "B", "C", "D")) {
            net.restart(n);
            assertEquals(n + " after a restart", 2, net.core(n).voidedKeyRecords());
        }
        KeyManagerException e2 = refused(() -> net.core("D").keysById("sz", "sa", ids));
        assertTrue(e2.getMessage(), e2.getMessage().contains("voided over the relay"));
    }

    /** dec_keys at {@code node} for {@code id}, which must be refused: the refusal. */
    private KeyManagerException decRefused(String node, UUID id) {
        try {
            net.core(node).keysById("sz", "sa", List.of(id));
        } catch (KeyManagerException e) {
            return e;
        }
        throw new AssertionError("key " + id + " served at " + node);
    }

    @Test
    public void aRelayedKeyVoidedOverTheRelayStaysVoidAfterRestarts() throws Exception {
        chain("A", "B", "C");
        Key old = net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256)).get(0);

        net.core("A").voidKey("sa", "sz", old.id(), "SAE suspects compromise");

        // the ext_keys/void reaches C over B in the background
        Await.until("C destroys the relayed key", () -> net.core("C").waitingKeys() == 0);
        KeyManagerException before = decRefused("C", old.id());
        assertEquals(Reason.KEYS_NOT_FOUND, before.reason());
        assertTrue(before.getMessage(), before.getMessage().contains(old.id().toString())
                && before.getMessage().contains("voided over the relay") && before.getMessage().contains("by node B"));
        assertEquals("the middle node records the void durably", 1, net.core("B").voidedKeyRecords());

        net.restart("B");
        net.restart("C");

        KeyManagerException after = decRefused("C", old.id());
        assertEquals(Reason.KEYS_NOT_FOUND, after.reason());
        assertEquals("the same clear message after a restart", before.getMessage(), after.getMessage());
        assertEquals(1, net.core("B").voidedKeyRecords());
        assertEquals(1, net.core("C").voidedKeyRecords());
        // a void that comes again after the restart changes nothing (idempotent, the first reason stays)
        net.core("C").extVoid("B", new PeerTransport.ExtVoid(List.of(old.id()), Chain.VLINK, "C"));
        assertEquals(before.getMessage(), decRefused("C", old.id()).getMessage());
    }

    @Test
    public void aRerouteWhileKeysAreUnderWayLetsThemFinishOnTheOldPath() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C", "D");
        net.directory.saes.put("sz2", "C");
        net.feed(4);
        net.core("A").putVirtualLink(new VirtualLink("V-AC", "A", "C", null, "B"));
        net.core("B").putVirtualLink(new VirtualLink("V-AC", "A", "C", "A", "C"));
        net.core("C").putVirtualLink(new VirtualLink("V-AC", "A", "C", "B", null));
        // the controller reroutes V-AC (same ID) while a hop is on its way from B to C: C now expects it from D
        net.tamper.put("B>C", r -> {
            try {
                net.core("C").putVirtualLink(new VirtualLink("V-AC", "A", "C", "D", null));
                net.core("B").removeVirtualLink("V-AC");
            } catch (KeyManagerException e) {
                throw new AssertionError(e);
            }
            return r;
        });

        List<Key> enc = net.core("A").newKeys(new KeyRequest("sa", "sz2", 1, 256));

        assertSameBytes(enc, net.core("C").keysById("sz2", "sa", ids(enc)));
        assertEquals(List.of(new VirtualLink("V-AC", "A", "C", "D", null)), net.core("C").virtualLinks());
    }

    @Test
    public void withoutAVirtualLinkTheRequestNamesTheMissingRoute() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        net.feed(1);

        KeyManagerException e = refused(() -> net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256)));

        assertEquals(Reason.BAD_REQUEST, e.reason());
        assertEquals("no route to SAE sz at node C: no virtual link joins A and C", e.getMessage());
    }

    @Test
    public void aVirtualLinkMustFitTheNodeAndUsePeers() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        KmmCore b = net.core("B");
        KeyManagerException notPeer = refused(() -> {
            b.putVirtualLink(new VirtualLink("V-x", "A", "E", "A", "E"));
            return null;
        });
        assertEquals(Reason.BAD_REQUEST, notPeer.reason());
        assertTrue(notPeer.getMessage(), notPeer.getMessage().contains("hop E of virtual link V-x is not a peer of node B"));
        KeyManagerException misplaced = refused(() -> {
            b.putVirtualLink(new VirtualLink("V-y", "B", "C", "A", "C"));
            return null;
        });
        assertTrue(misplaced.getMessage(), misplaced.getMessage().contains("does not fit node B"));
        assertTrue(b.virtualLinks().isEmpty());

        b.putVirtualLink(new VirtualLink("V-z", "A", "C", "A", "C"));
        b.putVirtualLink(new VirtualLink("V-z", "C", "A", "C", "A")); // replaced (rerouted)
        assertEquals(List.of(new VirtualLink("V-z", "C", "A", "C", "A")), b.virtualLinks());
        assertTrue(b.removeVirtualLink("V-z"));
        assertFalse(b.removeVirtualLink("V-z"));
    }

    @Test
    public void aHopFromANodeThatIsNotThePreviousHopIsRefused() throws Exception {
        chain("A", "B", "C");
        net.core("A").newKeys(new KeyRequest("sa", "sz", 1, 256));
        ExtKeysRequest seen = net.sent.get(0).getValue();
        // the same message claiming to come from C: C is not B's previous hop towards A
        try {
            net.core("B").extKeys("C", seen);
            fail("accepted");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
        }
    }

    /** Key IDs of the ext_keys sent over hop "X>Y" (first message). */
    private List<UUID> relayedIds(String hop) {
        return net.sent.stream().filter(e -> e.getKey().equals(hop)).findFirst()
                .map(Map.Entry::getValue).map(r -> r.keys().stream().map(ExtKey::keyId).toList()).orElse(List.of());
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws KeyManagerException;
    }

    private static KeyManagerException refused(Call c) {
        try {
            c.run();
        } catch (KeyManagerException e) {
            return e;
        }
        throw new AssertionError("succeeded");
    }
}
