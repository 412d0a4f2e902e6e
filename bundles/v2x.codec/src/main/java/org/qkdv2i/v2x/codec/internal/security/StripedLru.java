package org.qkdv2i.v2x.codec.internal.security;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded map from full SHA-256 keys to values, least recently used first out, for the shared
 * verification memos ({@link MessageVerdictMemo}, {@link ParsedMessages}). Thread-safe: up to 16
 * stripes chosen by the key's first octet (uniform for SHA-256), each an access-ordered
 * {@link LinkedHashMap} under its own lock; the total never exceeds the capacity (0 holds nothing).
 * A new capacity is a new instance.
 *
 * @param <V> the remembered value
 */
final class StripedLru<V> {

    static final int MAX_STRIPES = 16;

    private final Stripe<V>[] stripes;
    private final int capacity;

    @SuppressWarnings("unchecked")
    StripedLru(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be at least 0, was " + capacity);
        }
        int n = Math.max(1, Math.min(MAX_STRIPES, capacity));
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe<>(capacity / n); // n × (capacity / n) ≤ capacity
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** The value under {@code key}, or {@code null}; marks it recently used. */
    V get(byte[] key) {
        return stripe(key).get(ByteBuffer.wrap(key));
    }

    /** Stores {@code value} unless {@code key} has one; returns the value already there, or {@code null}. */
    V putIfAbsent(byte[] key, V value) {
        return stripe(key).putIfAbsent(ByteBuffer.wrap(key), value);
    }

    int size() {
        int n = 0;
        for (Stripe<V> s : stripes) {
            n += s.size();
        }
        return n;
    }

    private Stripe<V> stripe(byte[] key) {
        return stripes[(key[0] & 0xFF) % stripes.length];
    }

    private static final class Stripe<V> {
        private final Map<ByteBuffer, V> entries;
        private final int max;

        Stripe(int max) {
            this.max = max;
            this.entries = new LinkedHashMap<>(Math.min(max, 1024) * 4 / 3 + 1, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, V> eldest) {
                    return size() > Stripe.this.max;
                }
            };
        }

        synchronized V get(ByteBuffer k) {
            return entries.get(k);
        }

        synchronized V putIfAbsent(ByteBuffer k, V v) {
            return max > 0 ? entries.putIfAbsent(k, v) : null;
        }

        synchronized int size() {
            return entries.size();
        }
    }
}
