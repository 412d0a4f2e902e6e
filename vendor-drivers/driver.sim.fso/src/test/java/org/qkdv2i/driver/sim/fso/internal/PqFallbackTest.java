package org.qkdv2i.driver.sim.fso.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.await;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.config;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.freePort;
import static org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.linkConfig;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.driver.sim.fso.internal.FsoLinkDriverTest.Sink;
import org.qkdv2i.driver.sim.fso.internal.channel.PadStore;
import org.qkdv2i.driver.sim.fso.internal.channel.PqIdentity;
import org.qkdv2i.driver.sim.fso.internal.channel.PqRebootstrap;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

/**
 * Two link ends over TCP with the post-quantum fallback (paper §5): a link whose authKeyHex is too
 * small for a round re-bootstraps with ML-KEM + ML-DSA and delivers identical keys at both ends; a
 * wrong peer key keeps it DOWN naming the cause; without the fallback at one end it behaves as
 * before; a link down longer than pqAfterDownSeconds re-bootstraps although pads are left.
 */
@SuppressWarnings("unchecked")
public class PqFallbackTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    private final List<FsoLinkComponent> components = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @After
    public void stopAll() {
        for (FsoLinkComponent c : components) {
            c.deactivate();
        }
        if (originalErr != null) {
            System.setErr(originalErr);
        }
        // close() joins the link thread for 10 s; a round's distillation is not interruptible and, on a loaded
        // runner, may outlast that (seen in a stress run: "did not stop within 10 s"): the thread must end, so
        // await it rather than sample it at once
        FsoLinkDriverTest.awaitNoLinkThreads();
    }

    /** slf4j-simple writes to System.err as it is at each call: keep a copy of what the links log. */
    private void captureLog() {
        originalErr = System.err;
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (log) {
                    log.write(b);
                }
                originalErr.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (log) {
                    log.write(b, off, len);
                }
                originalErr.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    private String logText() {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }

    private FsoLinkComponent start(Map<String, Object> cfg, Sink sink) {
        FsoLinkComponent c = new FsoLinkComponent(null, config(cfg), Clock.systemUTC());
        components.add(c);
        c.driver().attach(sink);
        return c;
    }

    /** Three pads per direction: fewer than a connection and one key round need. */
    private static byte[] tinyPsk() {
        byte[] psk = new byte[16 + 2 * 16 * 3];
        new SplittableRandom(5).nextBytes(psk);
        return psk;
    }

    private Path stateDir(boolean alice) {
        return tmp.getRoot().toPath().resolve(alice ? "A" : "B");
    }

    /** The public key the end will use, generated ahead in its state directory as the driver would. */
    private String publicKey(boolean alice, byte[] psk) throws Exception {
        try (PqIdentity id = PqIdentity.open(stateDir(alice), "fso-1", alice ? "A" : "B", alice, psk)) {
            return id.publicKeyBase64();
        }
    }

    private Map<String, Object> pqConfig(FsoLinkConfig.Role role, int qp, int cp, byte[] psk, String peerKey) {
        Map<String, Object> m = linkConfig(role, qp, cp, tmp.getRoot().toPath());
        m.put("authKeyHex", HexFormat.of().formatHex(psk));
        m.put("pqFallback", true);
        m.put("pqPeerPublicKey", peerKey);
        return m;
    }

    static boolean holds(Sink s, java.util.UUID id) {
        for (int j = 0; j < s.blockCount(); j++) {
            if (s.block(j).id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static List<LinkStatus> statuses(Sink s) {
        synchronized (s) {
            return new ArrayList<>(s.statuses);
        }
    }

    private static void assertSameBlocks(Sink alice, Sink bob) {
        // Alice delivers a round's block on Bob's CONFIRM, Bob just after sending it: with rounds unpaced
        // Alice may be a block ahead at any moment. Compare the blocks Alice has now, once Bob has them too.
        int n = alice.blockCount();
        await("Bob holds Alice's first " + n + " blocks", 30_000, () -> {
            for (int i = 0; i < n; i++) {
                if (!holds(bob, alice.block(i).id())) {
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < n; i++) {
            KeyBlock a = alice.block(i);
            KeyBlock b = null;
            for (int j = 0; j < bob.blockCount(); j++) {
                if (bob.block(j).id().equals(a.id())) {
                    b = bob.block(j);
                }
            }
            assertTrue("block " + a.id() + " only at Alice", b != null);
            assertArrayEquals("bytes of block " + a.id(), a.key(), b.key());
        }
    }

    @Test
    public void aTinyAuthKeyIsExhaustedAndTheLinkRecoversPostQuantum() throws Exception {
        captureLog();
        int qp = freePort(), cp = freePort();
        byte[] psk = tinyPsk();
        String keyA = publicKey(true, psk), keyB = publicKey(false, psk);
        Sink as = new Sink(), bs = new Sink();
        FsoLinkComponent bob = start(pqConfig(FsoLinkConfig.Role.BOB, qp, cp, psk, keyA), bs);
        FsoLinkComponent alice = start(pqConfig(FsoLinkConfig.Role.ALICE, qp, cp, psk, keyB), as);
        await("blocks at both ends", 120_000, () -> as.blockCount() >= 2 && bs.blockCount() >= 2);
        await("Bob has Alice's blocks", 30_000, () -> bs.blockCount() >= as.blockCount());
        assertSameBlocks(as, bs);
        assertEquals(keyA, alice.driver().pqPublicKey());
        assertEquals(keyB, bob.driver().pqPublicKey());
        assertEquals(1, alice.driver().pqRebootstraps());
        assertEquals(1, bob.driver().pqRebootstraps());
        assertEquals(1, alice.driver().padStore().generation());
        assertEquals(1, bob.driver().padStore().generation());
        // the first block replaced the exchange's hash key with QKD key at both ends
        assertFalse(alice.driver().padStore().pqKeyed());
        assertFalse(bob.driver().padStore().pqKeyed());
        // the pads are refilled from the keys: at the bootstrap level again after each round
        assertTrue(alice.driver().padStore().available(0) > 3);
        await("Alice UP or DEGRADED", 30_000, () -> {
            LinkState st = alice.driver().status().state();
            return st == LinkState.UP || st == LinkState.DEGRADED;
        });
        String text = logText();
        assertTrue(text, text.contains("FSO link fso-1 at node A: " + PqRebootstrap.LOG_LINE));
        assertTrue(text, text.contains("FSO link fso-1 at node B: " + PqRebootstrap.LOG_LINE));
        assertTrue("own public key logged at start", text.contains(keyA) && text.contains(keyB));
        assertFalse("no key material in the log", text.contains(HexFormat.of().formatHex(psk, 16, 48)));
    }

    @Test
    public void aWrongPeerPublicKeyKeepsTheLinkDownNamingTheCause() throws Exception {
        int qp = freePort(), cp = freePort();
        byte[] psk = tinyPsk();
        String keyA = publicKey(true, psk);
        String stranger;
        try (PqIdentity s = PqIdentity.open(tmp.getRoot().toPath().resolve("X"), "fso-1", "B", false, psk)) {
            stranger = s.publicKeyBase64();
        }
        Sink as = new Sink(), bs = new Sink();
        FsoLinkComponent bob = start(pqConfig(FsoLinkConfig.Role.BOB, qp, cp, psk, keyA), bs);
        FsoLinkComponent alice = start(pqConfig(FsoLinkConfig.Role.ALICE, qp, cp, psk, stranger), as);
        // the ends retry every second: three refusals in a row at Alice, the cause named each time
        // the history holds the three refusals; the current status may already name the next retry's
        // cause (e.g. Bob's port closed between his retries): await a refusal as the current status too
        await("three refusals at Alice, a refusal her current status", 60_000, () -> statuses(as).stream()
                .filter(st -> st.reason().contains("wrong peer public key")).count() >= 3
                && isRefusal(alice.driver().status()));
        await("Bob down, refused by A", 30_000, () -> bob.driver().status().state() == LinkState.DOWN
                && bob.driver().status().reason().contains(PqRebootstrap.REFUSED + " by A"));
        for (Sink s : List.of(as, bs)) {
            for (LinkStatus st : statuses(s)) {
                assertTrue(st.toString(), st.state() == LinkState.DOWN || st.state() == LinkState.STARTING);
            }
        }
        assertEquals(0, as.blockCount() + bs.blockCount());
        assertEquals("nothing stored from a refused exchange", 0, alice.driver().padStore().generation());
        assertEquals(0, bob.driver().padStore().generation());
    }

    private static boolean isRefusal(LinkStatus a) {
        return a.state() == LinkState.DOWN && a.reason().startsWith(PqRebootstrap.REFUSED)
                && a.reason().contains("wrong peer public key");
    }

    @Test
    public void withoutTheFallbackAtThePeerTheLinkStaysDownExhaustedAsBefore() throws Exception {
        int qp = freePort(), cp = freePort();
        byte[] psk = tinyPsk();
        String keyB = publicKey(false, psk);
        Files.walk(stateDir(false)).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Map<String, Object> bobCfg = linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath());
        bobCfg.put("authKeyHex", HexFormat.of().formatHex(psk)); // pqFallback left at its default, false
        Sink as = new Sink(), bs = new Sink();
        FsoLinkComponent bob = start(bobCfg, bs);
        FsoLinkComponent alice = start(pqConfig(FsoLinkConfig.Role.ALICE, qp, cp, psk, keyB), as);
        // one snapshot per end inside the await: each retry publishes its status anew, so a second read
        // after the await could see the next retry's cause
        await("both down, exhausted, Alice naming the peer's missing fallback", 30_000, () -> {
            LinkStatus a = alice.driver().status(), b = bob.driver().status();
            return a.reason().startsWith(PadStore.EXHAUSTED) && a.reason().contains("pqFallback is off at the peer")
                    && b.reason().startsWith(PadStore.EXHAUSTED) && b.state() == LinkState.DOWN;
        });
        assertEquals(0, as.blockCount() + bs.blockCount());
        assertEquals(null, bob.driver().pqPublicKey());
        try (Stream<Path> files = Files.list(stateDir(false))) {
            assertTrue("no identity generated without the fallback",
                    files.noneMatch(f -> f.getFileName().toString().startsWith("pq-identity")));
        }
    }

    @Test
    public void aLinkDownLongerThanPqAfterDownSecondsReBootstrapsAlthoughPadsAreLeft() throws Exception {
        int qp = freePort(), cp = freePort();
        byte[] psk = new byte[16 + 2 * 16 * 2048];
        new SplittableRandom(99).nextBytes(psk);
        String keyA = publicKey(true, psk), keyB = publicKey(false, psk);
        Map<String, Object> aliceCfg = pqConfig(FsoLinkConfig.Role.ALICE, qp, cp, psk, keyB);
        aliceCfg.put("pqAfterDownSeconds", 1L);
        Sink as = new Sink(), bs = new Sink();
        long started = System.nanoTime();
        FsoLinkComponent alice = start(aliceCfg, as);
        // Bob is not there yet: Alice has had no channel for over a second (the condition, not a sleep)
        await("Alice down for more than pqAfterDownSeconds", 30_000,
                () -> System.nanoTime() - started > 1_500_000_000L && alice.driver().status().state() == LinkState.DOWN);
        FsoLinkComponent bob = start(pqConfig(FsoLinkConfig.Role.BOB, qp, cp, psk, keyA), bs);
        await("blocks at both ends", 120_000, () -> as.blockCount() >= 1 && bs.blockCount() >= 1);
        await("Bob has Alice's blocks", 30_000, () -> bs.blockCount() >= as.blockCount());
        assertSameBlocks(as, bs);
        assertEquals(1, alice.driver().padStore().generation());
        assertEquals(1, bob.driver().padStore().generation());
        assertEquals(1, alice.driver().pqRebootstraps());
    }

    @Test
    public void theOwnPublicKeyIsPublishedAsAServicePropertyWithNothingSecret() throws Exception {
        int qp = freePort(), cp = freePort();
        byte[] psk = tinyPsk();
        String keyA = publicKey(true, psk);
        List<java.util.Dictionary<String, ?>> registered = new ArrayList<>();
        org.osgi.framework.BundleContext context = (org.osgi.framework.BundleContext) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] { org.osgi.framework.BundleContext.class },
                        (proxy, m, args) -> {
                            if (m.getName().equals("registerService")) {
                                registered.add((java.util.Dictionary<String, ?>) args[2]);
                                return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                                        new Class<?>[] { org.osgi.framework.ServiceRegistration.class },
                                        (p, rm, rargs) -> null);
                            }
                            throw new UnsupportedOperationException(m.getName());
                        });
        Map<String, Object> withPq = pqConfig(FsoLinkConfig.Role.ALICE, qp, cp, psk, "");
        components.add(new FsoLinkComponent(context, config(withPq), Clock.systemUTC()));
        Map<String, Object> without = linkConfig(FsoLinkConfig.Role.BOB, qp, cp, tmp.getRoot().toPath());
        components.add(new FsoLinkComponent(context, config(without), Clock.systemUTC()));
        assertEquals(2, registered.size());
        assertEquals(keyA, registered.get(0).get(FsoLinkComponent.PQ_PUBLIC_KEY));
        assertEquals(null, registered.get(1).get(FsoLinkComponent.PQ_PUBLIC_KEY));
        for (java.util.Dictionary<String, ?> props : registered) {
            for (java.util.Enumeration<String> k = props.keys(); k.hasMoreElements();) {
                String name = k.nextElement();
                assertFalse(name, String.valueOf(props.get(name)).contains(HexFormat.of().formatHex(psk, 0, 16)));
                assertFalse(name, name.toLowerCase(java.util.Locale.ROOT).contains("authkey"));
            }
        }
    }

    /**
     * Four pads per direction carry the link (each key round refills what it spends) until a relay
     * swallows Alice's VERIFY and hangs up: the pads Alice spent alone leave fewer than a round
     * needs after the ends resynchronise, and the link continues post-quantum.
     */
    @Test
    public void keysFlowOnATinyKeyUntilItRunsOutThenFlowAgainPostQuantum() throws Exception {
        int qp = freePort(), cp = freePort();
        byte[] psk = new byte[16 + 2 * 16 * 4];
        new SplittableRandom(7).nextBytes(psk);
        String keyA = publicKey(true, psk), keyB = publicKey(false, psk);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.ServerSocket relay = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> relay(relay, cp, armed, cuts), "test-relay");
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, Object> aliceCfg = pqConfig(FsoLinkConfig.Role.ALICE, qp, cp, psk, keyB);
            aliceCfg.put("classicalPort", relay.getLocalPort());
            Sink as = new Sink(), bs = new Sink();
            FsoLinkComponent bob = start(pqConfig(FsoLinkConfig.Role.BOB, qp, cp, psk, keyA), bs);
            FsoLinkComponent alice = start(aliceCfg, as);
            await("blocks on the tiny key", 120_000, () -> as.blockCount() >= 2 && bs.blockCount() >= 2);
            assertEquals("still the configured key", 0, alice.driver().padStore().generation());
            assertEquals(0, alice.driver().pqRebootstraps());

            armed.set(true);
            await("the cut", 120_000, () -> cuts.get() == 1);
            int before = as.blockCount();
            await("blocks after the cut", 120_000, () -> as.blockCount() >= before + 2);
            await("Bob has Alice's blocks", 30_000, () -> bs.blockCount() >= as.blockCount());
            assertSameBlocks(as, bs);
            assertEquals(1, alice.driver().pqRebootstraps());
            assertEquals(1, bob.driver().pqRebootstraps());
            assertEquals(1, alice.driver().padStore().generation());
            assertEquals(1, bob.driver().padStore().generation());
            assertFalse(bob.driver().padStore().pqKeyed());
        } finally {
            for (FsoLinkComponent c : components) {
                c.deactivate();
            }
            components.clear();
        }
    }

    /** Relays Alice's classical connections to Bob frame by frame; when armed, swallows a VERIFY and hangs up. */
    private static void relay(java.net.ServerSocket relay, int bobPort, java.util.concurrent.atomic.AtomicBoolean armed,
            java.util.concurrent.atomic.AtomicInteger cuts) {
        try {
            while (true) {
                java.net.Socket a = relay.accept();
                java.net.Socket b = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), bobPort);
                a.setTcpNoDelay(true);
                b.setTcpNoDelay(true);
                for (java.net.Socket[] dir : List.of(new java.net.Socket[] { a, b }, new java.net.Socket[] { b, a })) {
                    Thread t = new Thread(() -> pump(dir[0], dir[1], armed, cuts), "test-relay-pump");
                    t.setDaemon(true);
                    t.start();
                }
            }
        } catch (java.io.IOException closed) {
            // test over
        }
    }

    private static void pump(java.net.Socket from, java.net.Socket to, java.util.concurrent.atomic.AtomicBoolean armed,
            java.util.concurrent.atomic.AtomicInteger cuts) {
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(from.getInputStream()));
            java.io.DataOutputStream out = new java.io.DataOutputStream(to.getOutputStream());
            while (true) {
                int code = in.readUnsignedByte();
                int len = in.readInt();
                org.qkdv2i.driver.sim.fso.internal.channel.MessageType type =
                        org.qkdv2i.driver.sim.fso.internal.channel.MessageType.of(code);
                byte[] rest = new byte[len + (type.untagged() ? 0 : 24)];
                in.readFully(rest);
                if (type == org.qkdv2i.driver.sim.fso.internal.channel.MessageType.VERIFY
                        && armed.compareAndSet(true, false)) {
                    cuts.incrementAndGet();
                    break;
                }
                java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(5 + rest.length);
                java.io.DataOutputStream d = new java.io.DataOutputStream(frame);
                d.writeByte(code);
                d.writeInt(len);
                d.write(rest);
                out.write(frame.toByteArray());
                out.flush();
            }
        } catch (java.io.IOException closed) {
            // one side hung up
        }
        try {
            from.close();
            to.close();
        } catch (java.io.IOException ignored) {
            // closing anyway
        }
    }
}
