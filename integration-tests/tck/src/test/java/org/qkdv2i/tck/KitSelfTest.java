package org.qkdv2i.tck;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;

/**
 * The kit's own parts, outside any framework: its sinks must catch what they are there to
 * catch (duplicates, bad values, calls after detach, overlapping calls), its loopback peer
 * channel must behave as the KMM's, and its profile must expand and override as documented.
 */
public class KitSelfTest {

    private KitKmm kmm;

    @After
    public void close() {
        if (kmm != null) {
            kmm.close();
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("tck."))
                .forEach(System::clearProperty);
    }

    private static KeyBlock block(UUID id, byte[] key, double qber, double eps) {
        return new KeyBlock(id, key, Instant.now(), qber, eps);
    }

    @Test
    public void recorderFlagsDuplicatesAndBadValuesAndKeepsNoKey() {
        EndRecorder r = new EndRecorder("A");
        UUID id = UUID.randomUUID();
        KeyBlock b = block(id, new byte[] {1, 2, 3, 4}, 0.02, Double.NaN);
        r.block(b, 1);
        assertTrue("the sink destroys what it took", b.isDestroyed());
        r.block(block(id, new byte[] {1, 2, 3, 4}, 0.02, Double.NaN), 1);
        assertEquals(List.of(id), r.duplicates());
        r.block(block(UUID.randomUUID(), new byte[] {9}, 1.5, 0.1), 1);
        r.block(block(UUID.randomUUID(), new byte[] {9}, 0.1, -0.1), 1);
        List<String> v = r.violations();
        assertEquals(v.toString(), 2, v.size());
        assertTrue(v.get(0), v.get(0).contains("QBER 1.5"));
        assertTrue(v.get(1), v.get(1).contains("epsilon -0.1"));
        // the same bytes give the same digest, other bytes another
        EndRecorder s = new EndRecorder("B");
        s.block(block(id, new byte[] {1, 2, 3, 4}, 0.02, Double.NaN), 1);
        assertEquals(r.get(id).digest, s.get(id).digest);
        UUID other = UUID.randomUUID();
        r.block(block(other, new byte[] {1, 2, 3, 5}, 0.02, Double.NaN), 1);
        s.block(block(other, new byte[] {1, 2, 3, 4}, 0.02, Double.NaN), 1);
        assertNotEquals(r.get(other).digest, s.get(other).digest);
        assertTrue("no key bytes in a record", !r.get(id).digest.contains("01020304"));
    }

    @Test
    public void sinkFlagsCallsAfterDetachAndOverlappingCalls() throws Exception {
        kmm = kit();
        KitKmm.Sink sink = kmm.new Sink("A", 1, kmm.a);
        sink.status(LinkStatus.of(LinkState.UP, "", Instant.now()));
        sink.keyBlock(block(UUID.randomUUID(), new byte[] {1}, 0, 0));
        assertTrue(kmm.a.violations().toString(), kmm.a.violations().isEmpty());
        sink.detached = true;
        sink.keyBlock(block(UUID.randomUUID(), new byte[] {1}, 0, 0));
        sink.status(LinkStatus.of(LinkState.UP, "", Instant.now()));
        List<String> v = kmm.a.violations();
        assertTrue(v.toString(), v.stream().anyMatch(s -> s.contains("keyBlock on sink #1 after detach()")));
        assertTrue(v.toString(), v.stream().anyMatch(s -> s.contains("status on sink #1 after detach()")));
        assertEquals("a block after detach is not recorded", 1, kmm.a.size());

        // a keyBlock call still in progress when status comes from another thread
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EndRecorder slowRec = new EndRecorder("B") {
            @Override
            void block(KeyBlock b, int generation) {
                inside.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.block(b, generation);
            }
        };
        KitKmm.Sink slow = kmm.new Sink("B", 2, slowRec);
        Thread t = new Thread(() -> slow.keyBlock(block(UUID.randomUUID(), new byte[] {7}, 0, 0)), "tck-selftest");
        t.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        slow.status(LinkStatus.of(LinkState.UP, "", Instant.now()));
        release.countDown();
        t.join(5000);
        assertTrue(slowRec.violations().toString(),
                slowRec.violations().stream().anyMatch(s -> s.contains("called concurrently")));
    }

    @Test
    public void loopbackCarriesMessagesOnlyBetweenAttachedEnds() throws Exception {
        kmm = kit();
        KitKmm.Sink a = kmm.new Sink("A", 1, kmm.a);
        KitKmm.Sink b = kmm.new Sink("B", 2, kmm.b);
        PeerChannel fromA = a.peerChannel(m -> ("A asked: " + new String(m, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        // B has no handler yet
        assertFails(fromA, "hello".getBytes(StandardCharsets.UTF_8), "no driver attached");
        PeerChannel fromB = b.peerChannel(m -> {
            if (m.length == 0) {
                throw new PeerChannelException("empty message refused");
            }
            return m.clone();
        });
        byte[] reply = fromA.request("ping".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(5,
                TimeUnit.SECONDS);
        assertArrayEquals("ping".getBytes(StandardCharsets.UTF_8), reply);
        assertEquals("A asked: pong", new String(fromB.request("pong".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        assertFails(fromA, new byte[0], "empty message refused");
        assertFails(fromA, new byte[PeerChannel.MAX_MESSAGE_BYTES + 1], "refused (limit");
        // once B's sink is detached its handler is gone, and A's own channel stops after A's detach
        b.detached = true;
        assertFails(fromA, "x".getBytes(StandardCharsets.UTF_8), "no driver attached");
        a.detached = true;
        assertFails(fromA, "x".getBytes(StandardCharsets.UTF_8), "detached");
    }

    @Test
    public void keyMaterialInAPeerMessageIsAViolation() throws Exception {
        kmm = kit();
        KitKmm.Sink a = kmm.new Sink("A", 1, kmm.a);
        KitKmm.Sink b = kmm.new Sink("B", 2, kmm.b);
        b.peerChannel(m -> new byte[0]);
        PeerChannel fromA = a.peerChannel(m -> new byte[0]);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        // an honest message: IDs only
        UUID honest = UUID.randomUUID();
        fromA.request(("{\"fetch\":[\"" + honest + "\"]}").getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        kmm.b.block(block(honest, key.clone(), 0, 0), 2);
        assertTrue(kmm.b.violations().toString(), kmm.b.violations().isEmpty());
        // a message that carries the key, Base64-encoded
        UUID leaked = UUID.randomUUID();
        byte[] key2 = new byte[32];
        new java.security.SecureRandom().nextBytes(key2);
        fromA.request(("{\"k\":\"" + java.util.Base64.getEncoder().encodeToString(key2) + "\"}")
                .getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        kmm.b.block(block(leaked, key2.clone(), 0, 0), 2);
        assertTrue(kmm.b.violations().toString(),
                kmm.b.violations().stream().anyMatch(v -> v.contains("key material of block " + leaked)));
    }

    private static void assertFails(PeerChannel ch, byte[] msg, String why) throws Exception {
        try {
            ch.request(msg).toCompletableFuture().get(5, TimeUnit.SECONDS);
            fail("expected a PeerChannelException: " + why);
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof PeerChannelException);
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains(why));
        }
    }

    @Test
    public void profileExpandsPlaceholdersOnceAndReadsConfigFiles() throws Exception {
        Path dir = Files.createTempDirectory("tck-selftest");
        Path driver = Files.write(dir.resolve("driver.jar"), new byte[] {0});
        Path prof = dir.resolve("p.properties");
        Files.writeString(prof, String.join("\n",
                "driver=" + driver,
                "pid=com.example.Link",
                "a.port=${port:classical}",
                "a.key=${hex:auth:16}",
                "a.only=a",
                "b.port=${port:classical}",
                "b.key=${hex:auth:16}",
                "change.x=1",
                "change.a.y=2",
                "change.expect.blockQber=0.05",
                "blocks=5"));
        System.setProperty("tck.profile", prof.toString());
        Profile p = Profile.load();
        assertEquals("com.example.Link", p.pid);
        assertEquals("the same port name gives the same port", p.configA.get("port"), p.configB.get("port"));
        assertEquals(32, ((String) p.configA.get("key")).length());
        assertEquals(p.configA.get("key"), p.configB.get("key"));
        assertEquals("a second load agrees", p.configA.get("port"), Profile.load().configA.get("port"));
        assertEquals(Map.of("x", "1", "y", "2"), p.changeA);
        assertEquals(Map.of("x", "1"), p.changeB);
        assertEquals(0.05, p.expectBlockQber, 0);
        assertEquals(5, p.blocks);

        // -Dtck.config.a replaces the a.* lines; .config values keep their types
        Path cfg = dir.resolve("a.config");
        Files.writeString(cfg, "linkId=\"A-B\"\nblockBits=I\"2048\"\nport=\"${port:classical}\"\n");
        System.setProperty("tck.config.a", cfg.toString());
        System.setProperty("tck.blocks", "7");
        Profile q = Profile.load();
        assertEquals(2048, q.configA.get("blockBits"));
        assertEquals(p.configA.get("port"), q.configA.get("port"));
        assertTrue("a.* of the profile dropped", !q.configA.containsKey("only"));
        assertEquals(7, q.blocks);

        // a profile of another PID is ignored when -Dtck.pid names a different one
        System.setProperty("tck.pid", "org.other.Link");
        try {
            Profile.load();
            fail("the other driver's profile must not be used");
        } catch (IllegalArgumentException | IllegalStateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("driver")
                    || expected.getMessage().contains("configuration"));
        }
    }

    /** A KitKmm on a context nobody calls (the tracker is never opened). */
    private static KitKmm kit() throws Exception {
        BundleContext ctx = (BundleContext) Proxy.newProxyInstance(KitSelfTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        Path dir = Files.createTempDirectory("tck-selftest");
        Path driver = Files.write(dir.resolve("driver.jar"), new byte[] {0});
        Path prof = dir.resolve("p.properties");
        Files.writeString(prof, "driver=" + driver + "\npid=x.Y\na.k=1\nb.k=1\n");
        System.setProperty("tck.profile", prof.toString());
        return new KitKmm(ctx, Profile.load());
    }
}
