package org.qkdv2i.dpn.identitylog.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.dpn.identitylog.TestRecords.await;
import static org.qkdv2i.dpn.identitylog.TestRecords.record;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.dpn.identitylog.internal.HeadCrossCheck.Status;
import org.qkdv2i.dpn.identitylog.internal.HeadCrossCheck.Verdict;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * Three Ratis replicas in one JVM over real gRPC sockets on 127.0.0.1: an enrolment on one is
 * seen on the others; a follower killed and restarted on its storage catches up; peers' heads
 * cross-check, and forged ones (tampered, rolled back, signed by another key) are detected.
 */
public class RatisIdentityLogTest {

    private static final long DEADLINE_MS = 30_000;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Map<String, IdentityLogNode> nodes = new LinkedHashMap<>();
    private Map<String, InetSocketAddress> peers;

    @After
    public void stopAll() {
        nodes.values().forEach(IdentityLogNode::close);
    }

    private NodeSettings settings(String id) {
        return new NodeSettings("bs-log", id, peers, tmp.getRoot().toPath().resolve(id), null,
                Duration.ofSeconds(20), Duration.ZERO, Duration.ofMillis(1000));
    }

    private IdentityLogNode start(String id) throws IOException {
        IdentityLogNode n = IdentityLogNode.start(settings(id));
        nodes.put(id, n);
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Test
    public void replicatesSurvivesARestartAndDetectsForgedHeads() throws Exception {
        peers = new LinkedHashMap<>();
        for (String id : List.of("bs-a", "bs-b", "bs-c")) {
            peers.put(id, InetSocketAddress.createUnresolved("127.0.0.1", freePort()));
        }
        for (String id : peers.keySet()) {
            start(id);
        }
        IdentityLogNode a = nodes.get("bs-a");
        LinkedBlockingQueue<String> seenOnC = new LinkedBlockingQueue<>();
        nodes.get("bs-c").addListener((id, revoked) -> seenOnC.add(id + (revoked ? " revoked" : " enrolled")));

        // enrol on one, see it on the others (whoever leads: the client finds the leader)
        IdentityRecord r1 = record(1);
        LogEntry e1 = a.enrol(r1);
        for (IdentityLogNode n : nodes.values()) {
            assertTrue(n.selfId() + " sees the enrolment",
                    await(() -> n.find(r1.id()).filter(r1::equals).isPresent(), DEADLINE_MS));
        }
        assertEquals(r1.id() + " enrolled", seenOnC.poll(DEADLINE_MS, TimeUnit.MILLISECONDS));
        assertTrue("every replica pinned its tree-head key",
                await(() -> nodes.values().stream().allMatch(n -> peers.keySet().stream()
                        .allMatch(p -> n.pinnedKey(p) != null)), DEADLINE_MS));
        for (IdentityLogNode n : nodes.values()) {
            assertArrayEquals(n.selfId(), e1.leafHash(), n.entries(e1.index(), e1.index() + 1).get(0).leafHash());
            assertArrayEquals(n.selfId() + "'s key as pinned", n.treeHeadKey(), a.pinnedKey(n.selfId()));
        }

        // kill a follower, keep writing with the majority, restart it on its storage: it catches up
        assertTrue("a leader is elected", await(() -> a.leader() != null, DEADLINE_MS));
        String victimId = peers.keySet().stream().filter(id -> !id.equals(a.leader())).findFirst().orElseThrow();
        IdentityLogNode survivor = nodes.values().stream().filter(n -> !n.selfId().equals(victimId)).findFirst()
                .orElseThrow();
        SignedTreeHead victimOldHead = nodes.get(victimId).treeHead();
        byte[] victimKey = nodes.get(victimId).treeHeadKey();
        nodes.remove(victimId).close();

        IdentityRecord r2 = record(2);
        survivor.enrol(r2);
        survivor.revoke(r1.id(), "PUF helper data tampered");
        long size = survivor.size();
        assertEquals(3, size);

        IdentityLogNode restarted = start(victimId);
        assertTrue("the restarted replica catches up",
                await(() -> restarted.size() == size && restarted.isRevoked(r1.id())
                        && restarted.find(r2.id()).isPresent(), DEADLINE_MS));
        assertArrayEquals("its key survived the restart (encrypted at rest)", victimKey, restarted.treeHeadKey());
        for (IdentityLogNode n : nodes.values()) {
            assertTrue(n.selfId(), await(() -> n.size() == size, DEADLINE_MS));
            assertArrayEquals(n.selfId() + " has the same tree", survivor.treeHead().rootHash(),
                    n.treeHead().rootHash());
        }

        // cross-check: honest heads verify, with consistency from the head seen before
        Verdict first = survivor.crossCheck(victimId, victimOldHead);
        assertEquals(first.detail(), Status.OK, first.status());
        Verdict honest = survivor.crossCheck(victimId);
        assertEquals(honest.detail(), Status.OK, honest.status());
        assertEquals(size, survivor.lastSeenHead(victimId).treeSize());
        assertTrue(survivor.forgedHeads().isEmpty());

        SignedTreeHead genuine = restarted.treeHead();
        byte[] root = genuine.rootHash();
        root[0] ^= 1;
        SignedTreeHead tampered = new SignedTreeHead(genuine.logId(), genuine.treeSize(), genuine.timestamp(), root,
                genuine.signature());
        assertForged(survivor, victimId, tampered, "signature does not verify");

        TreeHeadSigner impostor = SigningKeyStore.ephemeral(new SecureRandom());
        SignedTreeHead impostorHead = impostor.sign("bs-log", genuine.treeSize(), genuine.timestamp(),
                genuine.rootHash());
        assertForged(survivor, victimId, impostorHead, "signature does not verify");

        // validly signed by the victim, but older than a head it already showed: a rollback
        assertForged(survivor, victimId, victimOldHead, "tree shrank from size 3 to 1");

        assertEquals(3, survivor.forgedHeads().size());
        assertEquals(victimId, survivor.forgedHeads().get(0).peer());
    }

    private static void assertForged(IdentityLogNode checker, String peer, SignedTreeHead head, String why) {
        Verdict v = checker.crossCheck(peer, head);
        assertEquals(v.detail(), Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains(why));
        assertFalse(v.ok());
        assertNotNull(checker.forgedHeads());
    }
}
