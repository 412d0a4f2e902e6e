package org.qkdv2i.qkd.postprocessing.auth;

import java.util.Arrays;

/**
 * A pool of one-time-pad bytes for one direction of Wegman–Carter authentication. Bytes are
 * handed out once, in order, and zeroised in the pool as they leave it; nothing is ever handed out
 * twice. Thread-safe.
 */
public final class AuthKeyStore {
    private byte[] pool;
    private int start;
    private int end;
    private long spentBits;

    public AuthKeyStore(byte[] initial) {
        pool = initial.clone();
        start = 0;
        end = pool.length;
    }

    /** Takes the next {@code bytes} pad bytes (the caller zeroises them after use). */
    public synchronized byte[] take(int bytes) throws AuthenticationException {
        if (end - start < bytes) {
            throw new AuthenticationException(AuthenticationException.Reason.PAD_EXHAUSTED,
                    "authentication key store exhausted");
        }
        byte[] out = Arrays.copyOfRange(pool, start, start + bytes);
        Arrays.fill(pool, start, start + bytes, (byte) 0);
        start += bytes;
        spentBits += 8L * bytes;
        return out;
    }

    /** Appends fresh pad bytes (e.g. from generated QKD key); the caller's array is not kept. */
    public synchronized void refill(byte[] fresh) {
        int live = end - start;
        byte[] next = new byte[live + fresh.length];
        System.arraycopy(pool, start, next, 0, live);
        System.arraycopy(fresh, 0, next, live, fresh.length);
        Arrays.fill(pool, (byte) 0);
        pool = next;
        start = 0;
        end = next.length;
    }

    public synchronized long availableBits() {
        return 8L * (end - start);
    }

    /** Pad bits handed out so far. */
    public synchronized long spentBits() {
        return spentBits;
    }

    /** Zeroises the remaining pool. */
    public synchronized void wipe() {
        Arrays.fill(pool, (byte) 0);
        start = end = 0;
    }
}
