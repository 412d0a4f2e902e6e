package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Test;

/** The shared tick scheduler: many stacks on few threads, stopping one, ticks that throw. */
public class TickSchedulerTest {
    private TickScheduler scheduler;

    @After
    public void tearDown() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5); // polling a condition with a deadline
        }
    }

    @Test
    public void manyStacksTickOnTwoThreads() throws Exception {
        scheduler = new TickScheduler("test-tick", 2);
        int stacks = 500;
        AtomicLong[] ticks = new AtomicLong[stacks];
        List<TickScheduler.Ticket> tickets = new ArrayList<>();
        java.util.Set<String> threadNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < stacks; i++) {
            AtomicLong c = ticks[i] = new AtomicLong();
            tickets.add(scheduler.schedule("s" + i, () -> {
                c.incrementAndGet();
                threadNames.add(Thread.currentThread().getName());
            }, 10));
        }
        assertEquals(stacks, scheduler.scheduled());
        await("every stack ticked 3 times", () -> java.util.Arrays.stream(ticks).allMatch(c -> c.get() >= 3));
        assertTrue(threadNames.toString(), threadNames.size() <= 2);
        assertTrue(threadNames.stream().allMatch(n -> n.startsWith("test-tick-")));
        assertEquals(2, scheduler.startedThreads().size());
        tickets.forEach(TickScheduler.Ticket::close);
        assertEquals(0, scheduler.scheduled());
    }

    @Test
    public void stoppingOneStackLeavesTheOthersTicking() throws Exception {
        scheduler = new TickScheduler("test-tick", 1);
        AtomicLong a = new AtomicLong();
        AtomicLong b = new AtomicLong();
        TickScheduler.Ticket ta = scheduler.schedule("a", a::incrementAndGet, 5);
        TickScheduler.Ticket tb = scheduler.schedule("b", b::incrementAndGet, 5);
        await("both tick", () -> a.get() >= 2 && b.get() >= 2);
        ta.close();
        ta.close(); // idempotent
        assertTrue(ta.isClosed());
        long aAfterClose = a.get(); // close() returned: no tick of a runs now or later
        long bAtClose = b.get();
        await("b goes on", () -> b.get() >= bAtClose + 10);
        assertEquals(aAfterClose, a.get());
        assertEquals(1, scheduler.scheduled());
        tb.close();
    }

    @Test
    public void closeWaitsForTheRunningTick() throws Exception {
        scheduler = new TickScheduler("test-tick", 2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        AtomicInteger tickEnded = new AtomicInteger();
        AtomicInteger closeReturned = new AtomicInteger();
        TickScheduler.Ticket t = scheduler.schedule("slow", () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tickEnded.compareAndSet(0, order.incrementAndGet());
        }, 5);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(() -> {
            t.close();
            closeReturned.set(order.incrementAndGet());
        }, "closer");
        closer.start();
        // the closer blocks on the running tick
        await("closer waiting", () -> closer.getState() == Thread.State.TIMED_WAITING
                || closer.getState() == Thread.State.WAITING);
        assertEquals(0, closeReturned.get());
        release.countDown();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals("the tick ended before close() returned", 1, tickEnded.get());
        assertEquals(2, closeReturned.get());
    }

    @Test
    public void aThrowingTickKillsNeitherItsStackNorTheThread() throws Exception {
        scheduler = new TickScheduler("test-tick", 1);
        AtomicLong thrown = new AtomicLong();
        AtomicLong healthy = new AtomicLong();
        TickScheduler.Ticket bad = scheduler.schedule("bad", () -> {
            if (thrown.incrementAndGet() % 2 == 0) {
                throw new AssertionError("an Error, too");
            }
            throw new IllegalStateException("broken tick");
        }, 5);
        TickScheduler.Ticket good = scheduler.schedule("good", healthy::incrementAndGet, 5);
        // a periodic task that throws is never run again by a bare ScheduledThreadPoolExecutor
        await("the throwing tick called again and again", () -> thrown.get() >= 10);
        long h = healthy.get();
        await("the other stack goes on", () -> healthy.get() >= h + 10);
        assertTrue(scheduler.failures() >= 10);
        assertEquals(1, scheduler.startedThreads().size());
        assertTrue(scheduler.startedThreads().get(0).isAlive());
        bad.close();
        good.close();
    }

    @Test
    public void aTickMayCloseItsOwnTicket() throws Exception {
        scheduler = new TickScheduler("test-tick", 1);
        AtomicLong n = new AtomicLong();
        TickScheduler.Ticket[] self = new TickScheduler.Ticket[1];
        CountDownLatch scheduled = new CountDownLatch(1);
        self[0] = scheduler.schedule("self", () -> {
            try {
                scheduled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            n.incrementAndGet();
            self[0].close(); // must not deadlock waiting for itself
        }, 5);
        scheduled.countDown();
        await("closed by itself", () -> self[0].isClosed());
        AtomicLong other = new AtomicLong();
        TickScheduler.Ticket o = scheduler.schedule("other", other::incrementAndGet, 5);
        await("the thread is free", () -> other.get() >= 5);
        assertEquals(1, n.get());
        o.close();
    }

    @Test
    public void threadCountIsChecked() {
        try {
            new TickScheduler("x", 0);
            fail("0 threads");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("threads"));
        }
    }
}
