package org.qkdv2i.radio.udp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread serving many radios: a selector over their non-blocking sockets, and the
 * timed deliveries of radios with latency. A radio belongs to exactly one shard, so everything
 * it does on reception (judging, its random source, its ordering state, its listeners) runs on
 * that one thread, in arrival order.
 */
final class AirShard {
    private static final Logger LOG = LoggerFactory.getLogger(AirShard.class);
    /** Datagrams read from one socket before the others get a turn. */
    private static final int BURST = 64;
    /** Waits shorter than this are parked out rather than given to select (whose timeout is in ms). */
    private static final long SHORT_WAIT_NS = 1_000_000L;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timed> timed = new PriorityQueue<>(); // this thread only
    private final ByteBuffer buffer = ByteBuffer.allocate(AirDatagram.MAX_DATAGRAM + 1); // this thread only
    private long timedSequence; // this thread only
    private volatile boolean running = true;

    private record Timed(long dueNs, long sequence, Runnable action) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            int c = Long.compare(dueNs - o.dueNs, 0); // nanoTime order, overflow-safe
            return c != 0 ? c : Long.compare(sequence, o.sequence); // equal due times keep their order
        }
    }

    AirShard(String name) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean inShard() {
        return Thread.currentThread() == thread;
    }

    Thread thread() {
        return thread;
    }

    /** Registers a radio's non-blocking socket; its datagrams go to {@code radio.readable}. */
    void register(DatagramChannel channel, UdpAirRadio radio) {
        execute(() -> {
            try {
                channel.register(selector, SelectionKey.OP_READ, radio);
            } catch (IOException | CancelledKeyException e) {
                LOG.debug("virtual air: radio {} closed before its socket was registered", radio.radioId());
            }
        });
    }

    /** Runs {@code task} on this shard's thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on this shard's thread and waits for it (at most {@code timeoutMs}); runs it here if on the thread. */
    void executeAndWait(Runnable task, long timeoutMs) {
        if (inShard() || !running) {
            task.run();
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        execute(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        try {
            done.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code action} at {@code dueNs} (System.nanoTime) on this thread; only called from this thread. */
    void schedule(long dueNs, Runnable action) {
        timed.add(new Timed(dueNs, timedSequence++, action));
    }

    /** This shard's reusable receive buffer (only on this thread). */
    ByteBuffer buffer() {
        return buffer;
    }

    private void run() {
        while (running) {
            try {
                for (Runnable t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                runDue();
                long wait = timed.isEmpty() ? -1 : timed.peek().dueNs - System.nanoTime();
                int n;
                if (wait < 0 && !timed.isEmpty()) {
                    n = selector.selectNow();
                } else if (wait < 0) {
                    n = selector.select();
                } else if (wait < SHORT_WAIT_NS) {
                    n = selector.selectNow();
                    if (n == 0 && tasks.isEmpty()) {
                        LockSupport.parkNanos(this, wait); // sub-millisecond latency stays sub-millisecond
                    }
                } else {
                    n = selector.select(Math.max(1, wait / 1_000_000L));
                }
                if (n > 0 || !selector.selectedKeys().isEmpty()) { // keys left over by a failed turn too
                    var it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (k.isValid()) {
                            ((UdpAirRadio) k.attachment()).readable((DatagramChannel) k.channel(), this, BURST);
                        }
                    }
                }
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // a radio's defect must not stop the air for every other radio of the shard
                LOG.warn("virtual-air I/O thread {}: {} at {}", thread.getName(), e.toString(), where(e));
                LOG.debug("virtual-air I/O thread {}: the whole trace", thread.getName(), e);
            }
        }
    }

    private void runDue() {
        long now = System.nanoTime();
        for (Timed t = timed.peek(); t != null && t.dueNs - now <= 0; t = timed.peek()) {
            timed.poll();
            try {
                t.action.run();
            } catch (RuntimeException e) {
                LOG.warn("virtual-air I/O thread {}: a delivery failed: {} at {}", thread.getName(), e.toString(), where(e));
                LOG.debug("virtual-air I/O thread {}: the whole trace", thread.getName(), e);
            }
        }
    }

    /** The first frame outside the JDK: the code (a radio's listener, a stack) whose defect it is. */
    static String where(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (!f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")) {
                return f.toString();
            }
        }
        return e.getStackTrace().length > 0 ? e.getStackTrace()[0].toString() : "?";
    }

    void close() {
        running = false;
        try {
            selector.close(); // wakes the thread with a ClosedSelectorException
        } catch (IOException e) {
            LOG.debug("virtual air: closing a selector: {}", e.getMessage());
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
