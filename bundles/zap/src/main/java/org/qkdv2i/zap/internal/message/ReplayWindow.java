package org.qkdv2i.zap.internal.message;

import org.qkdv2i.zap.api.MessageRejectedException.Reason;

/**
 * Sliding-window replay check over sequence numbers (RFC 4303 §3.4.3 style, as a ring of
 * {@code window + 1} bits): a number may arrive up to {@code window} behind the highest
 * accepted one, once. With {@code window == 0} every number must exceed the highest accepted
 * (strict order; gaps are allowed, a stream transport does not lose messages). {@link #check}
 * never changes state; only {@link #accept} does, after the message was authenticated. Not
 * thread-safe: the owning channel serialises access.
 */
final class ReplayWindow {

    private final int window;
    private final int size;
    private final long[] bits;
    /** Highest accepted sequence number; 0 = none yet (senders start at 1). */
    private long highest;

    ReplayWindow(int window) {
        this.window = window;
        this.size = window + 1;
        this.bits = new long[(size + 63) / 64];
    }

    /** @return null if {@code seq} (≥ 1) may be accepted, else why not */
    Reason check(long seq) {
        if (highest == 0 || seq > highest) {
            return null;
        }
        if (window == 0) {
            return seq == highest ? Reason.REPLAYED : Reason.REORDERED;
        }
        if (highest - seq > window) {
            return Reason.REORDERED;
        }
        return isSet(seq) ? Reason.REPLAYED : null;
    }

    /** Records {@code seq}, which {@link #check} accepted. */
    void accept(long seq) {
        if (seq > highest) {
            if (highest == 0 || seq - highest >= size) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long s = highest + 1; s < seq; s++) {
                    clear(s);
                }
            }
            highest = seq;
        }
        set(seq);
    }

    long highest() {
        return highest;
    }

    private int slot(long seq) {
        return (int) Long.remainderUnsigned(seq, size);
    }

    private boolean isSet(long seq) {
        int i = slot(seq);
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long seq) {
        int i = slot(seq);
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long seq) {
        int i = slot(seq);
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
