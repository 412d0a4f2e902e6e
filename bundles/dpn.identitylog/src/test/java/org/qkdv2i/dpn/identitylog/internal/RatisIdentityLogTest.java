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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Three Ratis replicas over real sockets on 127.0.0.1 (gRPC transport unless
 * {@code -Didentitylog.transport=netty}): an enrolment on one is seen on the others (and in the
 * third's own signed head); the third is stopped, the majority goes on, and the restarted
 * replica catches up from its storage and the leader; peers' signed heads cross-check, and
 * forged ones (tampered, signed by another key, rolled back) are detected. Once with the third
 * replica stopped and restarted in this JVM, once with it in a child JVM killed with SIGKILL.
 */
public class RatisIdentityLogTest {

    private static final long DEADLINE_MS = 30_000;
    private static final String TRANSPORT = System.getProperty("identitylog.transport", NodeSettings.GRPC);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Map<String, IdentityLogNode> nodes = new LinkedHashMap<>();
    private Map<String, InetSocketAddress> peers;

    private final List<Process> processes = new ArrayList<>();

    @After
    public void stopAll() throws InterruptedException {
        nodes.values().forEach(IdentityLogNode::close);
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private NodeSettings settings(String id) {
        return new NodeSettings("bs-log", id, peers, tmp.getRoot().toPath().resolve(id), null,
                Duration.ofSeconds(20), Duration.ZERO, Duration.ofMillis(1000), TRANSPORT);
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

    /** Starts replica {@code id} in a child JVM (same class path), output to a file. */
    private Process startProcess(String id) throws IOException {
        StringBuilder spec = new StringBuilder();
        peers.forEach((k, v) -> spec.append(spec.length() == 0 ? "" : ",").append(k).append('=')
                .append(v.getHostString()).append(':').append(v.getPort()));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=target",
                "-cp", System.getProperty("java.class.path"), ReplicaProcess.class.getName(), "bs-log", id,
                spec.toString(), tmp.getRoot().toPath().resolve(id).toString(), TRANSPORT);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "replica-" + id + ".out").toFile()));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** bs-c stopped (its Raft server closed) and restarted on its storage, all in this JVM. */
    @Test
    public void replicatesSurvivesAStoppedReplicaAndDetectsForgedHeads() throws Exception {
        scenario(false);
    }

    /**
     * bs-c in a child JVM, killed with SIGKILL (no shutdown hook, no flush) and restarted on its
     * storage. Head queries reach it while its JVM is still starting: this is the run that caught
     * the stuck ordered stream of Ratis' async stale reads (see {@link RatisReplicator#query}).
     */
    @Test
    public void aReplicaKilledWithSigkillCatchesUp() throws Exception {
        scenario(true);
    }

    private void scenario(boolean sigkill) throws Exception {
        peers = new LinkedHashMap<>();
        for (String id : List.of("bs-a", "bs-b", "bs-c")) {
            peers.put(id, InetSocketAddress.createUnresolved("127.0.0.1", freePort()));
        }
        IdentityLogNode a = start("bs-a");
        IdentityLogNode b = start("bs-b");
        // two of three are a majority: they elect a leader, and bs-c joins as a follower (killing a
        // leader works too, but costs an election and the clients' failover on a loaded machine)
        assertTrue("a leader is elected", await(() -> a.leader() != null, DEADLINE_MS));
        Process c = sigkill ? startProcess("bs-c") : null;
        if (!sigkill) {
            start("bs-c");
        }
        LinkedBlockingQueue<String> seenOnB = new LinkedBlockingQueue<>();
        b.addListener((id, revoked) -> seenOnB.add(id + (revoked ? " revoked" : " enrolled")));

        // enrol on one, see it on the others (whoever leads: the client finds the leader)
        IdentityRecord r1 = record(1);
        LogEntry e1 = a.enrol(r1);
        assertTrue("bs-b sees the enrolment", await(() -> b.find(r1.id()).filter(r1::equals).isPresent(), DEADLINE_MS));
        assertEquals(r1.id() + " enrolled", seenOnB.poll(DEADLINE_MS, TimeUnit.MILLISECONDS));
        assertArrayEquals(e1.leafHash(), b.entries(0, 1).get(0).leafHash());
        assertTrue("every replica pinned its tree-head key", await(() -> peers.keySet().stream()
                .allMatch(p -> a.pinnedKey(p) != null && b.pinnedKey(p) != null), DEADLINE_MS));
        // bs-c's own signed head says it holds the same tree
        assertTrue("bs-c's signed head shows the enrolment", await(() -> headOf(a, "bs-c", 1), DEADLINE_MS));
        SignedTreeHead cOldHead = a.lastSeenHead("bs-c");
        assertArrayEquals(a.treeHead().rootHash(), cOldHead.rootHash());

        // stop bs-c (or kill it: no shutdown at all), write with the majority, restart it on its storage
        if (sigkill) {
            c.destroyForcibly();
            assertTrue(c.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS));
        } else {
            nodes.remove("bs-c").close();
        }
        IdentityRecord r2 = record(2);
        b.enrol(r2);
        a.revoke(r1.id(), "PUF helper data tampered");
        assertTrue(await(() -> a.size() == 3 && b.size() == 3 && b.isRevoked(r1.id()), DEADLINE_MS));
        assertEquals(r2.id() + " enrolled", seenOnB.poll(DEADLINE_MS, TimeUnit.MILLISECONDS));
        assertEquals(r1.id() + " revoked", seenOnB.poll(DEADLINE_MS, TimeUnit.MILLISECONDS));

        if (sigkill) {
            startProcess("bs-c");
        } else {
            start("bs-c");
        }
        assertTrue("the restarted bs-c catches up (its signed head, same key, size 3)",
                await(() -> headOf(a, "bs-c", 3), DEADLINE_MS));
        SignedTreeHead cNewHead = a.lastSeenHead("bs-c");
        assertArrayEquals(a.treeHead().rootHash(), cNewHead.rootHash());
        // (a peer a little behind the asker answers only once it caught up: hence await)
        assertTrue("bs-b cross-checks bs-c too", await(() -> headOf(b, "bs-c", 3), DEADLINE_MS));
        assertTrue(await(() -> headOf(b, "bs-a", 3), DEADLINE_MS));
        assertTrue(await(() -> headOf(a, "bs-b", 3), DEADLINE_MS));
        assertTrue(a.forgedHeads().isEmpty());

        // forged heads: tampered root, signed by an impostor's key, and a genuine but rolled-back head
        byte[] root = cNewHead.rootHash();
        root[0] ^= 1;
        SignedTreeHead tampered = new SignedTreeHead(cNewHead.logId(), cNewHead.treeSize(), cNewHead.timestamp(),
                root, cNewHead.signature());
        assertForged(a, "bs-c", tampered, "signature does not verify");
        TreeHeadSigner impostor = SigningKeyStore.ephemeral(new SecureRandom());
        assertForged(a, "bs-c", impostor.sign("bs-log", 3, cNewHead.timestamp(), cNewHead.rootHash()),
                "signature does not verify");
        assertTrue("the old head itself is genuine", a.verifyTreeHead("bs-c", cOldHead));
        assertForged(a, "bs-c", cOldHead, "tree shrank from size 3 to 1");
        assertEquals(3, a.forgedHeads().size());
        assertEquals("bs-c", a.forgedHeads().get(0).peer());
        assertEquals("a forged head does not replace the last good one", 3, a.lastSeenHead("bs-c").treeSize());
        assertTrue(await(() -> headOf(a, "bs-c", 3), DEADLINE_MS));
    }

    /** True once {@code checker} fetched a head of {@code peer} of size {@code size} that cross-checks. */
    private static boolean headOf(IdentityLogNode checker, String peer, long size) {
        try {
            return checker.crossCheck(peer).ok() && checker.lastSeenHead(peer).treeSize() == size;
        } catch (org.qkdv2i.dpn.api.IdentityLogException e) {
            return false;
        }
    }

    private static void assertForged(IdentityLogNode checker, String peer, SignedTreeHead head, String why) {
        Verdict v = checker.crossCheck(peer, head);
        assertEquals(v.detail(), Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains(why));
        assertFalse(v.ok());
        assertNotNull(checker.forgedHeads());
    }
}
