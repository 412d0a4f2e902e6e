package org.qkdv2i.driver.sim.fso.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.await;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.config;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.freePort;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.linkConfig;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.Sink;
import org.qkdv2i.driver.sim.fso.internal.channel.MessageType;
import org.qkdv2i.driver.sim.fso.internal.channel.PadStore;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkState;

/**
 * Whole link ends over TCP with their pad stores in real files: a restarted end never uses a pad
 * index again, a tampered store keeps the end DOWN, a connection cut in mid-round resynchronises,
 * and a bootstrap key too small for a round says so.
 */
public class PadPersistenceTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    private final List<FsoLinkComponent> components = new ArrayList<>();
    private final List<Socket> relaySockets = new CopyOnWriteArrayList<>();
    private ServerSocket relay;

    @After
    public void stopAll() throws IOException {
        for (FsoLinkComponent c : components) {
            c.deactivate();
        }
        if (relay != null) {
            relay.close();
        }
        for (Socket s : relaySockets) {
            s.close();
        }
        // close() joins the link thread for 10 s; a round's distillation is not interruptible and, on a loaded
        // runner, may outlast that (seen in a stress run: "did not stop within 10 s"): the thread must end, so
        // await it rather than sample it at once
        FsoLinkDriverTest.awaitNoLinkThreads();
    }

    private FsoLinkComponent start(Map<String, Object> cfg, Sink sink) {
        FsoLinkComponent c = new FsoLinkComponent(null, config(cfg), Clock.systemUTC());
        components.add(c);
        c.driver().attach(sink);
        return c;
    }

    private void stop(FsoLinkComponent c) {
        components.remove(c);
        c.deactivate();
    }

    /**
     * Every block Alice delivered from {@code from} on is at Bob exactly once, under the same ID
     * with the same bytes, and no block ID was delivered twice at either end.
     */
    private static void assertSameBlocks(Sink alice, Sink bob, int from) {
        // Alice delivers a round's block on Bob's CONFIRM, Bob just after sending it: with rounds unpaced
        // Alice may be a block ahead at any moment. Compare the blocks Alice has now, once Bob has them too.
        int n = alice.blockCount();
        await("Bob holds Alice's blocks " + from + " to " + (n - 1), 30_000, () -> {
            for (int i = from; i < n; i++) {
                if (!PqFallbackTest.holds(bob, alice.block(i).id())) {
                    return false;
                }
            }
            return true;
        });
        assertUniqueIds("Alice", alice);
        assertUniqueIds("Bob", bob);
        for (int i = from; i < n; i++) {
            KeyBlock a = alice.block(i);
            KeyBlock b = null;
            for (int j = 0; j < bob.blockCount(); j++) {
                if (bob.block(j).id().equals(a.id())) {
                    b = bob.block(j);
                }
            }
            assertTrue("block " + a.id() + " only at Alice", b != null);
            assertEquals("bits of block " + a.id(), a.bits(), b.bits());
            assertArrayEquals("bytes of block " + a.id(), a.key(), b.key());
        }
    }

    private static void assertUniqueIds(String end, Sink s) {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < s.blockCount(); i++) {
            assertTrue(end + " delivered block ID " + s.block(i).id() + " twice", seen.add(s.block(i).id()));
        }
    }

    @Test
    public void aRestartedEndUsesOnlyPadIndicesBeyondAllItUsedBefore() throws Exception {
        int qp = freePort(), cp = freePort();
        Map<String, Object> aliceCfg = linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        Sink as = new Sink(), bs = new Sink();
        FsoLinkComponent bob = start(linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath()), bs);
        FsoLinkComponent alice = start(aliceCfg, as);
        await("a block at both ends", 120_000, () -> as.blockCount() >= 1 && bs.blockCount() >= 1);
        PadStore old = alice.driver().padStore();
        stop(alice); // mid-round, most likely: Bob sees the channel drop
        int bobBefore = bs.blockCount(); // Bob may still finish the round Alice left (his CONFIRM sent)
        long[] usedAB = old.taken(0), usedBA = old.taken(1);
        assertTrue(usedAB[1] >= 0 && usedBA[1] >= 0);

        Sink as2 = new Sink();
        FsoLinkComponent alice2 = start(aliceCfg, as2); // same stateDir, new component and driver
        await("a block after the restart", 120_000, () -> as2.blockCount() >= 1);
        PadStore now = alice2.driver().padStore();
        assertTrue("Alice->Bob: first pad after restart " + now.taken(0)[0] + ", last before " + usedAB[1],
                now.taken(0)[0] > usedAB[1]);
        assertTrue("Bob->Alice: first pad after restart " + now.taken(1)[0] + ", last before " + usedBA[1],
                now.taken(1)[0] > usedBA[1]);
        // the restarted end's block IDs are new ones: one ID never names two different keys
        Set<UUID> before = new HashSet<>();
        for (int j = 0; j < as.blockCount(); j++) {
            before.add(as.block(j).id());
        }
        for (int j = 0; j < bobBefore; j++) {
            before.add(bs.block(j).id());
        }
        UUID first = as2.block(0).id();
        assertTrue("the restarted Alice delivered block ID " + first + " again", !before.contains(first));
        await("Bob's copy of the block", 30_000, () -> {
            for (int j = bobBefore; j < bs.blockCount(); j++) {
                if (bs.block(j).id().equals(first)) {
                    return true;
                }
            }
            return false;
        });
        assertSameBlocks(as2, bs, 0);
        // the status of the round is published after its block is delivered: await it
        await("Bob UP or DEGRADED", 30_000, () -> {
            LinkState st = bob.driver().status().state();
            return st == LinkState.UP || st == LinkState.DEGRADED;
        });
    }

    @Test
    public void aTamperedPadStoreKeepsTheEndDownInsteadOfBootstrappingAgain() throws Exception {
        int qp = freePort(), cp = freePort();
        Map<String, Object> aliceCfg = linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        Sink as = new Sink(), bs = new Sink();
        start(linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath()), bs);
        FsoLinkComponent alice = start(aliceCfg, as);
        await("a block at both ends", 120_000, () -> as.blockCount() >= 1 && bs.blockCount() >= 1);
        Path file = alice.driver().padStore().file();
        stop(alice);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 100] ^= 1;
        Files.write(file, bytes);

        Sink as2 = new Sink();
        FsoLinkComponent alice2 = start(aliceCfg, as2);
        await("down", 30_000, () -> alice2.driver().status().state() == LinkState.DOWN
                && alice2.driver().status().reason().contains("tampered"));
        assertTrue(alice2.driver().status().reason(), alice2.driver().status().reason().contains(file.getFileName().toString()));
        assertNull("no pads from a fresh bootstrap", alice2.driver().padStore());
        assertEquals(0, as2.blockCount());
        assertArrayEquals("the refused file is kept as it was", bytes, Files.readAllBytes(file));
    }

    @Test
    public void aConnectionCutInMidRoundResynchronisesAndKeysFlowAgain() throws Exception {
        int qp = freePort(), cp = freePort();
        relay = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger cuts = new AtomicInteger(), connections = new AtomicInteger();
        Thread acceptor = new Thread(() -> relayLoop(cp, MessageType.VERIFY, armed, cuts, connections), "test-relay");
        acceptor.setDaemon(true);
        acceptor.start();
        Map<String, Object> aliceCfg = linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        aliceCfg.put("classicalPort", relay.getLocalPort()); // Alice's classical frames go through the relay
        Sink as = new Sink(), bs = new Sink();
        FsoLinkComponent bob = start(linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath()), bs);
        FsoLinkComponent alice = start(aliceCfg, as);
        await("a block at both ends", 120_000, () -> as.blockCount() >= 1 && bs.blockCount() >= 1);

        // the relay swallows Alice's next VERIFY and hangs up: Alice has spent a pad Bob never saw
        armed.set(true);
        await("the cut", 120_000, () -> cuts.get() == 1);
        int aBefore = as.blockCount();
        long aliceNext = alice.driver().padStore().next(0);
        await("two blocks after the cut", 120_000, () -> as.blockCount() >= aBefore + 2);
        assertTrue("reconnected", connections.get() >= 2);
        assertTrue(bob.driver().padStore().taken(0)[1] >= aliceNext); // Bob jumped over the pads Alice spent alone
        await("Bob has them too", 30_000, () -> bs.blockCount() >= aBefore + 2);
        assertSameBlocks(as, bs, 0);
        // the status of the round is published after its block is delivered: await it
        await("Alice UP or DEGRADED", 30_000, () -> {
            LinkState st = alice.driver().status().state();
            return st == LinkState.UP || st == LinkState.DEGRADED;
        });
    }

    /**
     * Relays Alice's classical connections to Bob frame by frame; when armed, swallows the first
     * frame of type {@code trap} (either direction) and hangs up both sides.
     */
    private void relayLoop(int bobPort, MessageType trap, AtomicBoolean armed, AtomicInteger cuts,
            AtomicInteger connections) {
        try {
            while (true) {
                Socket a = relay.accept();
                Socket b = new Socket(InetAddress.getLoopbackAddress(), bobPort);
                a.setTcpNoDelay(true); // one write per frame, no Nagle stall on Cascade's round trips
                b.setTcpNoDelay(true);
                relaySockets.add(a);
                relaySockets.add(b);
                connections.incrementAndGet();
                Thread up = new Thread(() -> pumpFrames(a, b, trap, armed, cuts), "test-relay-up");
                Thread down = new Thread(() -> pumpFrames(b, a, trap, armed, cuts), "test-relay-down");
                up.setDaemon(true);
                down.setDaemon(true);
                up.start();
                down.start();
            }
        } catch (IOException closed) {
            // test over
        }
    }

    /** Forwards frames from a to b one by one; when armed, drops the first {@code trap} and closes both sides. */
    private static void pumpFrames(Socket a, Socket b, MessageType trap, AtomicBoolean armed, AtomicInteger cuts) {
        try {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(a.getInputStream(), 1 << 16));
            OutputStream out = b.getOutputStream();
            while (true) {
                int code = in.readUnsignedByte();
                int len = in.readInt();
                MessageType type = MessageType.of(code);
                byte[] rest = new byte[len + (type.untagged() ? 0 : 24)];
                in.readFully(rest);
                if (type == trap && armed.compareAndSet(true, false)) {
                    closeBoth(a, b);
                    cuts.incrementAndGet();
                    return;
                }
                java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(5 + rest.length);
                DataOutputStream d = new DataOutputStream(frame);
                d.writeByte(code);
                d.writeInt(len);
                d.write(rest);
                out.write(frame.toByteArray());
                out.flush();
            }
        } catch (IOException ignored) {
            // closed
        }
        closeBoth(a, b);
    }

    private static void closeBoth(Socket a, Socket b) {
        try {
            a.close();
            b.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Test
    public void aRefillOnlyBobMadeBeforeTheChannelDroppedIsRolledBackAndKeysFlowAgain() throws Exception {
        int qp = freePort(), cp = freePort();
        relay = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger cuts = new AtomicInteger(), connections = new AtomicInteger();
        Thread acceptor = new Thread(() -> relayLoop(cp, MessageType.CONFIRM, armed, cuts, connections), "test-relay");
        acceptor.setDaemon(true);
        acceptor.start();
        Map<String, Object> aliceCfg = linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        aliceCfg.put("classicalPort", relay.getLocalPort());
        Sink as = new Sink(), bs = new Sink();
        start(linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath()), bs);
        FsoLinkComponent alice = start(aliceCfg, as);
        await("a block at both ends", 120_000, () -> as.blockCount() >= 1 && bs.blockCount() >= 1);

        // Bob's CONFIRM never reaches Alice: Bob refills his pads from the block and delivers it, Alice does neither
        armed.set(true);
        await("the cut", 120_000, () -> cuts.get() == 1);
        int aBefore = as.blockCount();
        // at least: the reconnect and a next round may have added Bob's next block before this poll
        await("Bob's lone block", 30_000, () -> bs.blockCount() >= aBefore + 1);
        // only if the reconnect rolls Bob's refill back do the two ends' pads line up again
        await("two blocks after the cut", 120_000, () -> as.blockCount() >= aBefore + 2);
        assertTrue("reconnected", connections.get() >= 2);
        await("Bob has them too", 30_000, () -> bs.blockCount() >= aBefore + 3);
        assertSameBlocks(as, bs, 0);
        // the status of the round is published after its block is delivered: await it
        await("Alice UP or DEGRADED", 30_000, () -> {
            LinkState st = alice.driver().status().state();
            return st == LinkState.UP || st == LinkState.DEGRADED;
        });
    }

    @Test
    public void aBootstrapKeyTooSmallForARoundIsReportedAsExhausted() throws Exception {
        int qp = freePort(), cp = freePort();
        byte[] psk = new byte[16 + 2 * 16 * 3];
        new SplittableRandom(5).nextBytes(psk);
        Map<String, Object> aliceCfg = linkConfig(FsoLinkConfig.Role.ALICE, qp, cp, tmp.getRoot().toPath());
        Map<String, Object> bobCfg = linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath());
        aliceCfg.put("authKeyHex", HexFormat.of().formatHex(psk));
        bobCfg.put("authKeyHex", HexFormat.of().formatHex(psk));
        Sink as = new Sink(), bs = new Sink();
        FsoLinkComponent bob = start(bobCfg, bs);
        FsoLinkComponent alice = start(aliceCfg, as);
        await("both down, exhausted", 30_000,
                () -> alice.driver().status().reason().startsWith(PadStore.EXHAUSTED)
                        && bob.driver().status().reason().startsWith(PadStore.EXHAUSTED));
        assertEquals(LinkState.DOWN, alice.driver().status().state());
        assertEquals(LinkState.DOWN, bob.driver().status().state());
        assertEquals(0, as.blockCount() + bs.blockCount());
        try (Stream<Path> files = Files.list(tmp.getRoot().toPath().resolve("A"))) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".bin")).count());
        }
    }
}
