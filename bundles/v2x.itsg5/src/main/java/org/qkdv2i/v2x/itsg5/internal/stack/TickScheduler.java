package org.qkdv2i.v2x.itsg5.internal.stack;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few threads on which many stacks' periodic ticks run (issue 8: 1,050 stacks in one JVM must
 * not mean 1,050 threads). Each stack gets a {@link Ticket}; closing it cancels only that stack's
 * task and waits for a tick that is running. A tick that throws is logged (one line per second at
 * most) and the stack keeps ticking; the threads never die of it. The ticks of one stack never run
 * concurrently (a periodic task of a {@link ScheduledThreadPoolExecutor} is not re-queued before it
 * ends). Phases are spread over the period so that a thousand stacks do not all wake at once.
 * Fixed delay: a late tick is late, it is not repeated to catch up.
 */
public final class TickScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TickScheduler.class);
    /** How long a close waits for a running tick before giving up (a tick should take microseconds). */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final String name;
    private final int threads;
    private final ScheduledThreadPoolExecutor executor;
    private final List<Thread> started = new ArrayList<>();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong phase = new AtomicLong();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Clock.systemUTC(), Duration.ofSeconds(1));

    /**
     * @param name prefix of the thread names ({@code <name>-<n>})
     * @param threads number of threads, 1..64
     */
    public TickScheduler(String name, int threads) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads " + threads + " outside 1..64");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, threads == 1 ? name : name + "-" + n.getAndIncrement());
            t.setDaemon(true);
            synchronized (started) {
                started.add(t);
            }
            return t;
        });
        // a stopped stack's task leaves the queue at once (stacks come and go with their configurations)
        executor.setRemoveOnCancelPolicy(true);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Runs {@code tick} every {@code periodMillis} until the returned ticket is closed.
     *
     * @param owner the stack's name, for the log
     */
    public Ticket schedule(String owner, Runnable tick, long periodMillis) {
        if (periodMillis < 1) {
            throw new IllegalArgumentException("period " + periodMillis + " ms must be positive");
        }
        Ticket t = new Ticket(owner, tick);
        // golden-ratio spread of the first delay over one period: consecutive stacks land far apart
        long initial = 1 + (long) (((phase.getAndIncrement() * 0.6180339887498949) % 1.0) * periodMillis);
        // fixed delay, not fixed rate: a tick only asks "is anything due now?", so ticks missed while
        // the host is overloaded are not worth catching up; at fixed rate 1,000 stacks behind by a
        // few seconds would queue up thousands of pointless ticks ahead of the stacks started last
        t.future = executor.scheduleWithFixedDelay(t::run, initial, periodMillis, TimeUnit.MILLISECONDS);
        live.incrementAndGet();
        return t;
    }

    /** Threads of this scheduler. */
    public int threads() {
        return threads;
    }

    /** Threads started so far (they start on demand, up to {@link #threads()}). */
    public List<Thread> startedThreads() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }

    /** Tickets scheduled and not closed. */
    public int scheduled() {
        return live.get();
    }

    /** Ticks that threw since the start. */
    public long failures() {
        return failures.get();
    }

    public String name() {
        return name;
    }

    /** Stops every tick (the component's deactivation; stacks close their tickets before). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("tick scheduler {}: a tick still runs after {} ms; threads left behind", name, STOP_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One stack's periodic tick. */
    public final class Ticket implements AutoCloseable {
        private final String owner;
        private final Runnable tick;
        /** Held while the tick runs; close() takes it to wait for the running tick. */
        private final ReentrantLock running = new ReentrantLock();
        private volatile boolean closed;
        private volatile ScheduledFuture<?> future;

        private Ticket(String owner, Runnable tick) {
            this.owner = owner;
            this.tick = tick;
        }

        private void run() {
            if (closed) {
                ScheduledFuture<?> f = future; // closed before schedule() stored the future
                if (f != null) {
                    f.cancel(false);
                }
                return;
            }
            running.lock();
            try {
                if (!closed) {
                    tick.run();
                }
            } catch (Throwable e) { // NOPMD: a throwing tick must not end the periodic task or the thread
                failures.incrementAndGet();
                failureLog.log("tick scheduler " + name + ": tick of stack " + owner + " failed: " + e);
            } finally {
                running.unlock();
            }
        }

        /**
         * Cancels this stack's task only and waits for its running tick to end (not when called
         * from the tick itself). Idempotent.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            live.decrementAndGet();
            if (running.isHeldByCurrentThread()) {
                return;
            }
            try {
                if (running.tryLock(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    running.unlock();
                } else {
                    LOG.warn("tick scheduler {}: tick of stack {} still runs after {} ms; stopping anyway", name,
                            owner, STOP_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public boolean isClosed() {
            return closed;
        }
    }
}
