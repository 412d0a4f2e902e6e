package org.qkdv2i.testdriver.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdRole;

public class TestLinkDriverTest {

    private final List<TestLinkDriver> drivers = new ArrayList<>();

    @After
    public void closeAll() {
        drivers.forEach(TestLinkDriver::close);
        await("no test driver thread left", () -> emitterThreads() == 0);
    }

    private TestLinkDriver driver(String local, String peer, QkdRole role, String seed, double bps,
            java.util.function.LongSupplier clock) {
        TestLinkDriver d = new TestLinkDriver(new LinkEnd("A-B", local, peer, role), seed, 256, bps, 0.03, clock);
        drivers.add(d);
        return d;
    }

    /** Collects what a driver delivers, keeping copies of the bytes and checking calls never overlap. */
    static final class Sink implements KeyBlockSink {
        final Map<UUID, byte[]> blocks = Collections.synchronizedMap(new HashMap<>());
        final List<LinkStatus> statuses = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inside = new AtomicInteger();
        final AtomicBoolean overlapped = new AtomicBoolean();

        @Override
        public void keyBlock(KeyBlock block) {
            if (inside.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            assertFalse(block.isDestroyed());
            byte[] prev = blocks.put(block.id(), block.key());
            if (prev != null) {
                overlapped.set(true); // the same block twice is as wrong as overlapping calls
            }
            block.destroy();
            inside.decrementAndGet();
        }

        @Override
        public void status(LinkStatus status) {
            statuses.add(status);
        }
    }

    @Test
    public void bothEndsEmitIdenticalBlocksWithIdenticalIds() {
        TestLinkDriver a = driver("A", "B", QkdRole.TRANSMITTER, "shared", 200, System::currentTimeMillis);
        TestLinkDriver b = driver("B", "A", QkdRole.RECEIVER, "shared", 200, System::currentTimeMillis);
        Sink sa = new Sink();
        Sink sb = new Sink();
        a.attach(sa);
        b.attach(sb);
        await("20 common blocks", () -> common(sa, sb).size() >= 20);
        a.detach(sa);
        b.detach(sb);
        for (UUID id : common(sa, sb)) {
            assertArrayEquals("block " + id, sa.blocks.get(id), sb.blocks.get(id));
        }
        assertFalse(sa.overlapped.get() || sb.overlapped.get());
    }

    @Test
    public void differentSeedsShareNoBlock() {
        TestLinkDriver a = driver("A", "B", QkdRole.TRANSMITTER, "one", 200, System::currentTimeMillis);
        TestLinkDriver b = driver("B", "A", QkdRole.RECEIVER, "two", 200, System::currentTimeMillis);
        Sink sa = new Sink();
        Sink sb = new Sink();
        a.attach(sa);
        b.attach(sb);
        await("blocks at both ends", () -> sa.blocks.size() >= 10 && sb.blocks.size() >= 10);
        a.detach(sa);
        b.detach(sb);
        assertTrue(common(sa, sb).isEmpty());
    }

    @Test
    public void emitsBlocksAsTheyFallDueWithoutBacklog() {
        AtomicLong now = new AtomicLong(1_000_000_000L); // ms; 20 blocks/s -> block n due at n*50 ms
        TestLinkDriver d = driver("A", "B", QkdRole.TRANSMITTER, "seed", 20, now::get);
        Sink s = new Sink();
        d.attach(s);
        now.addAndGet(50); // the next block falls due (the one due at attach is never emitted)
        await("the first block after attach", () -> s.blocks.size() == 1);
        assertTrue(s.blocks.containsKey(d.block(20_000_001L).id()));
        now.addAndGet(500); // ten more fall due
        await("ten more blocks", () -> s.blocks.size() == 11);
        assertFalse("the block due at attach", s.blocks.containsKey(d.block(20_000_000L).id()));
        for (long n = 20_000_001L; n <= 20_000_011L; n++) {
            KeyBlock expected = d.block(n);
            assertArrayEquals(expected.key(), s.blocks.get(expected.id()));
            expected.destroy();
        }
    }

    @Test
    public void aNewInstanceInTheSameSlotRepeatsNoBlock() {
        AtomicLong now = new AtomicLong(1_000_000_000L); // 20 blocks/s: block n due at n*50 ms
        TestLinkDriver first = driver("A", "B", QkdRole.TRANSMITTER, "seed", 20, now::get);
        Sink s = new Sink();
        first.attach(s);
        now.addAndGet(100);
        await("two blocks", () -> s.blocks.size() == 2);
        first.detach(s);
        first.close();
        // restarted (configuration change, bundle update) within the same 50 ms slot, same sink
        TestLinkDriver second = driver("A", "B", QkdRole.TRANSMITTER, "seed", 20, now::get);
        second.attach(s);
        now.addAndGet(100);
        await("two more blocks", () -> s.blocks.size() == 4);
        assertFalse("an ID delivered twice", s.overlapped.get());
        // the same instance detached and attached again in one slot repeats nothing either
        second.detach(s);
        second.attach(s);
        now.addAndGet(50);
        await("one more block", () -> s.blocks.size() == 5);
        assertFalse("an ID delivered twice after re-attach", s.overlapped.get());
    }

    @Test
    public void detachStopsTheThreadAndNoCallFollows() {
        TestLinkDriver d = driver("A", "B", QkdRole.TRANSMITTER, "seed", 500, System::currentTimeMillis);
        Sink s = new Sink();
        d.attach(s);
        await("thread running", () -> emitterThreads() == 1);
        await("some blocks", () -> s.blocks.size() >= 5);
        d.detach(s);
        int after = s.blocks.size();
        assertEquals("thread gone right after detach", 0, emitterThreads());
        // re-attach starts a fresh thread, detach ends it again
        Sink s2 = new Sink();
        d.attach(s2);
        await("blocks after re-attach", () -> s2.blocks.size() >= 3);
        d.detach(s2);
        assertEquals(0, emitterThreads());
        assertEquals("no call after detach returned", after, s.blocks.size());
    }

    @Test
    public void statusIsUpWithConfiguredQberAndRatesThenDownAfterClose() {
        TestLinkDriver d = driver("A", "B", QkdRole.TRANSMITTER, "seed", 20, System::currentTimeMillis);
        Sink s = new Sink();
        d.attach(s);
        assertEquals(1, s.statuses.size());
        LinkStatus st = s.statuses.get(0);
        assertEquals(LinkState.UP, st.state());
        assertEquals(0.03, st.qber(), 1e-12);
        assertEquals(20 * 256, st.secretKeyRate(), 1e-9);
        assertTrue(st.rawKeyRate() > st.secretKeyRate());
        d.close();
        assertEquals(LinkState.DOWN, d.status().state());
        assertEquals(0, emitterThreads());
        try {
            d.attach(new Sink());
            fail("a closed driver must refuse a sink");
        } catch (IllegalStateException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @Test
    public void sinkThatThrowsDoesNotStopTheLink() {
        TestLinkDriver d = driver("A", "B", QkdRole.TRANSMITTER, "seed", 200, System::currentTimeMillis);
        AtomicInteger calls = new AtomicInteger();
        KeyBlockSink bad = new KeyBlockSink() {
            @Override
            public void keyBlock(KeyBlock block) {
                calls.incrementAndGet();
                throw new IllegalStateException("full");
            }

            @Override
            public void status(LinkStatus status) {
            }
        };
        d.attach(bad);
        await("keeps calling", () -> calls.get() >= 5);
        d.detach(bad);
    }

    private static Set<UUID> common(Sink a, Sink b) {
        Set<UUID> c;
        synchronized (a.blocks) {
            c = new HashSet<>(a.blocks.keySet());
        }
        synchronized (b.blocks) {
            c.retainAll(b.blocks.keySet());
        }
        return c;
    }

    static long emitterThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(TestLinkDriver.THREAD_PREFIX)).count();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000L); // poll, do not spin a core
        }
    }
}
