package org.qkdv2i.testdriver.internal;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link end whose block {@code n} falls due at epoch time {@code n / blocksPerSecond}. Both
 * ends read the same wall clock, so two JVMs on one machine emit the same blocks; a block one
 * end emits and the other misses (attach at different instants) is the KMM's to discard.
 *
 * <p>One scheduler thread per attached sink, started on attach and stopped on detach/close.
 */
final class TestLinkDriver implements QkdDriver {

    /** Name prefix of the emitter threads, so tests can check none is left behind. */
    static final String THREAD_PREFIX = "qkd-testdriver-";

    private static final Logger LOG = LoggerFactory.getLogger(TestLinkDriver.class);
    private static final double RAW_TO_SECRET = 4.0; // nominal sifting + PA overhead, for the status only

    private final LinkEnd end;
    private final BlockDeriver deriver;
    private final double blocksPerSecond;
    private final double qber;
    private final LongSupplier clockMillis;
    private final long tickMillis;

    /** Guards sink, nextN and executor; held while calling the sink, so calls never overlap. */
    private final ReentrantLock lock = new ReentrantLock();
    private KeyBlockSink sink;
    private long nextN;
    private ScheduledExecutorService executor;
    private Thread emitterThread;
    private volatile boolean closed;
    private volatile long emitted;

    TestLinkDriver(LinkEnd end, String seed, int blockBits, double blocksPerSecond, double qber,
            LongSupplier clockMillis) {
        this.end = Objects.requireNonNull(end, "end");
        if (!(blocksPerSecond > 0) || blocksPerSecond > 10_000) {
            throw new IllegalArgumentException("blocksPerSecond must be in (0, 10000], got " + blocksPerSecond);
        }
        if (!(qber >= 0 && qber <= 1)) {
            throw new IllegalArgumentException("qber must be in [0, 1], got " + qber);
        }
        this.deriver = new BlockDeriver(seed, end.linkId(), blockBits);
        this.blocksPerSecond = blocksPerSecond;
        this.qber = qber;
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.tickMillis = Math.max(5, Math.min(100, (long) (1000 / blocksPerSecond)));
    }

    @Override
    public LinkEnd linkEnd() {
        return end;
    }

    @Override
    public LinkStatus status() {
        Instant now = Instant.ofEpochMilli(clockMillis.getAsLong());
        if (closed) {
            return LinkStatus.of(LinkState.DOWN, "test driver stopped", now);
        }
        double secret = blocksPerSecond * deriver.blockBytes() * 8;
        return new LinkStatus(LinkState.UP, qber, secret, secret * RAW_TO_SECRET, Double.NaN,
                "test driver: key blocks derived from a shared seed", now);
    }

    /** The index of the newest block that is due now. */
    long currentN() {
        return (long) Math.floor(clockMillis.getAsLong() * blocksPerSecond / 1000.0);
    }

    /** Key block {@code n} as both ends derive it (fresh object; caller owns it). */
    KeyBlock block(long n) {
        byte[] key = deriver.key(n);
        try {
            Instant due = Instant.ofEpochMilli((long) Math.floor(n * 1000.0 / blocksPerSecond));
            return new KeyBlock(deriver.id(n), key, due, qber, Double.NaN);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    long emittedCount() {
        return emitted;
    }

    @Override
    public void attach(KeyBlockSink newSink) {
        Objects.requireNonNull(newSink, "sink");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("test link " + end.linkId() + " at " + end.localNodeId() + " is stopped");
            }
            sink = newSink;
            if (executor == null) {
                // no backlog, and not the block due now either: a previous instance of this link end
                // (configuration change, bundle update) may have emitted it moments ago, and an ID
                // must never reach the KMM twice (driver conformance kit, restart checks)
                nextN = Math.max(nextN, currentN() + 1);
                String name = THREAD_PREFIX + end.linkId() + "-" + end.localNodeId();
                executor = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    emitterThread = t;
                    return t;
                });
                executor.scheduleAtFixedRate(this::tick, 0, tickMillis, TimeUnit.MILLISECONDS);
            }
            safeStatus(newSink, status());
        } finally {
            lock.unlock();
        }
        LOG.info("test link {} at node {} attached, first block {}", end.linkId(), end.localNodeId(), nextN);
    }

    @Override
    public void detach(KeyBlockSink oldSink) {
        // the sink is cleared under the lock: from here on no call reaches it
        if (stopEmitting(oldSink, false)) {
            LOG.info("test link {} at node {} detached", end.linkId(), end.localNodeId());
        }
    }

    /** Stops for good: detaches any sink, ends the thread, forgets the seed. */
    void close() {
        stopEmitting(null, true);
        deriver.destroy();
    }

    /**
     * Clears the sink and ends the emitter thread. With {@code close} it stops for good;
     * otherwise only if {@code expected} is still the attached sink.
     *
     * @return whether anything was stopped
     */
    private boolean stopEmitting(KeyBlockSink expected, boolean close) {
        ScheduledExecutorService toStop;
        Thread thread;
        lock.lock();
        try {
            if (close) {
                closed = true;
            } else if (sink != expected) {
                return false;
            }
            sink = null;
            toStop = executor;
            thread = emitterThread;
            executor = null;
            emitterThread = null;
        } finally {
            lock.unlock();
        }
        stop(toStop, thread);
        return true;
    }

    private static void stop(ScheduledExecutorService ex, Thread thread) {
        if (ex == null) {
            return;
        }
        ex.shutdownNow();
        if (Thread.currentThread() == thread) {
            return; // a sink detaching from inside a callback: the thread ends after this tick
        }
        try {
            if (ex.awaitTermination(10, TimeUnit.SECONDS) && thread != null) {
                thread.join(10_000); // the worker may outlive termination by a moment; leave no thread
            } else if (!ex.isTerminated()) {
                LOG.warn("test driver thread {} did not stop within 10 s", thread == null ? "?" : thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        lock.lock();
        try {
            long due = currentN();
            for (long n = nextN; n <= due && !Thread.currentThread().isInterrupted(); n++) {
                KeyBlock b = block(n);
                nextN = n + 1;
                KeyBlockSink s = sink;
                if (s == null) {
                    b.destroy(); // generated with nobody to take it
                    continue;
                }
                try {
                    s.keyBlock(b); // ownership passes to the sink
                    emitted++;
                } catch (RuntimeException e) {
                    b.destroy();
                    LOG.warn("test link {} at node {}: sink refused block {}: {}", end.linkId(), end.localNodeId(),
                            b.id(), e.toString());
                }
            }
        } catch (RuntimeException e) {
            // never let an exception cancel the periodic task silently
            LOG.warn("test link {} at node {}: tick failed: {}", end.linkId(), end.localNodeId(), e.toString());
        } finally {
            lock.unlock();
        }
    }

    private void safeStatus(KeyBlockSink s, LinkStatus st) {
        try {
            s.status(st);
        } catch (RuntimeException e) {
            LOG.warn("test link {} at node {}: sink refused status: {}", end.linkId(), end.localNodeId(), e.toString());
        }
    }
}
