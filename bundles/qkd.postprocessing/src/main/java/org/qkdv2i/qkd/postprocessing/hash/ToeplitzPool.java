package org.qkdv2i.qkd.postprocessing.hash;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.qkdv2i.qkd.postprocessing.internal.Ntt;

/**
 * {@link ToeplitzHash}es for many users on shared NTT tables. Building a hash is mostly building
 * its twiddle tables (26–30 ms of CPU at 1.5–2.9·10^5 bits against 3–9 ms for one hash on this
 * machine), and those depend on the transform length only, are immutable and are public (powers of
 * a fixed root of unity): the pool keeps one set per length, least recently used first out when
 * they exceed the byte bound, and every hash it lends computes on them — at the same time, from
 * any number of threads. What is private to a borrower is the hash's working buffers (the key's
 * image and products, zeroised by {@link ToeplitzHash#apply} before it returns): allocated at the
 * first use and dropped on {@link #release}, so nobody holds them between blocks. One pool may
 * serve every link end of a framework. Thread-safe; a borrowed hash is for one thread.
 *
 * @since 1.2
 */
public class ToeplitzPool {
    /** Configuration PID of the framework-wide pool service this bundle registers (property {@code maxMegabytes}, default 32). */
    public static final String SHARED_PID = "org.qkdv2i.qkd.postprocessing.ToeplitzPool";

    private final long maxTableBytes;
    /** Tables by log2 of the transform length, in access order. */
    private final Map<Integer, Ntt> tables = new LinkedHashMap<>(8, 0.75f, true);
    private long tableBytes;
    private long builds;

    /** @param maxTableBytes bound of the kept tables' heap (the set in use is kept even if larger) */
    public ToeplitzPool(long maxTableBytes) {
        if (maxTableBytes < 0) {
            throw new IllegalArgumentException("maxTableBytes must not be negative");
        }
        this.maxTableBytes = maxTableBytes;
    }

    private Ntt tables(int log) {
        synchronized (tables) {
            Ntt t = tables.get(log);
            if (t != null) {
                return t;
            }
        }
        Ntt built = new Ntt(log); // outside the lock: milliseconds; a race builds twice, the first one in is kept
        synchronized (tables) {
            builds++;
            Ntt raced = tables.putIfAbsent(log, built);
            Ntt result = raced != null ? raced : built;
            if (raced == null) {
                tableBytes += built.retainedBytes();
            }
            Iterator<Ntt> eldestFirst = tables.values().iterator();
            while (tableBytes > maxTableBytes && eldestFirst.hasNext()) {
                Ntt t = eldestFirst.next();
                if (t != result) {
                    tableBytes -= t.retainedBytes();
                    eldestFirst.remove(); // hashes computing on it keep their reference
                }
            }
            return result;
        }
    }

    /** A hash for n input and m output bits on the pool's tables; give it back with {@link #release}. */
    public ToeplitzHash borrow(int n, int m) {
        return new ToeplitzHash(n, m, 1, ToeplitzHash.MAX_ROWS, this::tables);
    }

    /** Gives a borrowed hash back (null is ignored): its buffers are dropped; the caller must not use it any more. */
    public void release(ToeplitzHash h) {
        if (h != null) {
            h.releaseBuffers();
        }
    }

    /** Bytes held by the kept tables. */
    public long tableBytes() {
        synchronized (tables) {
            return tableBytes;
        }
    }

    /** Sets of tables kept (one per transform length). */
    public int tableCount() {
        synchronized (tables) {
            return tables.size();
        }
    }

    /** Sets of tables built so far. */
    public long builds() {
        synchronized (tables) {
            return builds;
        }
    }

    public long maxTableBytes() {
        return maxTableBytes;
    }
}
