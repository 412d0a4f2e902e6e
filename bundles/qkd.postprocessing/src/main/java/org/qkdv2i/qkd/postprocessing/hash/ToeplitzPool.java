package org.qkdv2i.qkd.postprocessing.hash;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Idle {@link ToeplitzHash} instances (one thread each) to lend, by (n, m), bounded by the bytes the
 * idle ones hold; the least recently returned go first. An instance's NTT tables depend on the
 * sizes only, and its working buffers hold no key material at rest: {@link ToeplitzHash#apply}
 * zeroises the key's image and products before it returns, and what stays is the transform of the
 * public seed. So one pool may serve every link end of a framework: an end borrows an instance for
 * one privacy amplification and gives it back, and ends whose blocks have the same padded sizes
 * (both ends of a link) share the same few instances instead of keeping one each between rounds.
 * Thread-safe.
 *
 * @since 1.2
 */
public class ToeplitzPool {
    /** Configuration PID of the framework-wide pool service this bundle registers (property {@code maxMegabytes}, default 32). */
    public static final String SHARED_PID = "org.qkdv2i.qkd.postprocessing.ToeplitzPool";

    private final long maxIdleBytes;
    /** Idle instances by size, in order of return (access order over sizes). */
    private final Map<Long, ArrayDeque<ToeplitzHash>> idle = new LinkedHashMap<>(16, 0.75f, true);
    private long idleBytes;
    private long builds;

    public ToeplitzPool(long maxIdleBytes) {
        if (maxIdleBytes < 0) {
            throw new IllegalArgumentException("maxIdleBytes must not be negative");
        }
        this.maxIdleBytes = maxIdleBytes;
    }

    private static long key(int n, int m) {
        return ((long) n << 32) | (m & 0xFFFF_FFFFL);
    }

    /** An instance for n input and m output bits, idle or new; give it back with {@link #release}. */
    public ToeplitzHash borrow(int n, int m) {
        synchronized (idle) {
            ArrayDeque<ToeplitzHash> q = idle.get(key(n, m));
            if (q != null && !q.isEmpty()) {
                ToeplitzHash h = q.pop();
                idleBytes -= h.retainedBytes();
                if (q.isEmpty()) {
                    idle.remove(key(n, m));
                }
                return h;
            }
            builds++;
        }
        return new ToeplitzHash(n, m); // outside the lock: building the tables takes milliseconds
    }

    /** Returns a borrowed instance (null is ignored); the caller must not use it any more. */
    public void release(ToeplitzHash h) {
        if (h == null) {
            return;
        }
        long bytes = h.retainedBytes();
        if (bytes > maxIdleBytes) {
            return;
        }
        synchronized (idle) {
            idle.computeIfAbsent(key(h.inputBits(), h.outputBits()), k -> new ArrayDeque<>()).push(h);
            idleBytes += bytes;
            Iterator<ArrayDeque<ToeplitzHash>> eldestFirst = idle.values().iterator();
            while (idleBytes > maxIdleBytes && eldestFirst.hasNext()) {
                ArrayDeque<ToeplitzHash> q = eldestFirst.next();
                while (idleBytes > maxIdleBytes && !q.isEmpty()) {
                    idleBytes -= q.removeLast().retainedBytes();
                }
                if (q.isEmpty()) {
                    eldestFirst.remove();
                }
            }
        }
    }

    /** Bytes held by the idle instances. */
    public long idleBytes() {
        synchronized (idle) {
            return idleBytes;
        }
    }

    /** Idle instances. */
    public int idleCount() {
        synchronized (idle) {
            int c = 0;
            for (ArrayDeque<ToeplitzHash> q : idle.values()) {
                c += q.size();
            }
            return c;
        }
    }

    /** Instances built so far (borrows that found none idle). */
    public long builds() {
        synchronized (idle) {
            return builds;
        }
    }

    public long maxIdleBytes() {
        return maxIdleBytes;
    }
}
