package org.qkdv2i.qkd.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

import javax.security.auth.Destroyable;

/**
 * A block of secret key that both ends of a link hold under the same ID.
 *
 * <p>The block owns a private copy of the key bytes; {@link #destroy()} overwrites them
 * with zeros. {@link #toString()} never shows key material.
 */
public final class KeyBlock implements Destroyable {

    private final UUID id;
    private final byte[] key;
    private final Instant created;
    private final double qber;
    private final double epsilon;
    private volatile boolean destroyed;

    /**
     * @param id      block ID both ends agree on
     * @param key     key bytes; copied, so the caller should zeroise its own array
     * @param created when the block was distilled
     * @param qber    QBER of the round that produced it, 0..1 (NaN if the device does not say)
     * @param epsilon composable security parameter of the block (NaN if unknown)
     */
    public KeyBlock(UUID id, byte[] key, Instant created, double qber, double epsilon) {
        this.id = Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("a key block holds at least one byte");
        }
        this.key = key.clone();
        this.created = Objects.requireNonNull(created, "created");
        this.qber = qber;
        this.epsilon = epsilon;
    }

    public UUID id() {
        return id;
    }

    /** Number of key bits (always a multiple of 8). */
    public int bits() {
        return key.length * 8;
    }

    /** A copy of the key bytes; the caller zeroises it when done. */
    public byte[] key() {
        if (destroyed) {
            throw new IllegalStateException("key block " + id + " was destroyed");
        }
        return key.clone();
    }

    public Instant created() {
        return created;
    }

    public double qber() {
        return qber;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "KeyBlock[" + id + ", " + bits() + " bits, created " + created + "]";
    }
}
