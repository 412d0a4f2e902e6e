package org.qkdv2i.kmm.api;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

import javax.security.auth.Destroyable;

/** A delivered key. The holder zeroises it with {@link #destroy()} when done. */
public final class Key implements Destroyable {

    private final UUID id;
    private final byte[] bytes;
    private volatile boolean destroyed;

    /** @param bytes taken over, not copied: the key now owns the array */
    public Key(UUID id, byte[] bytes) {
        this.id = Objects.requireNonNull(id, "id");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    public UUID id() {
        return id;
    }

    public int bits() {
        return bytes.length * 8;
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        if (destroyed) {
            throw new IllegalStateException("key " + id + " was destroyed");
        }
        return bytes.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "Key[" + id + ", " + bits() + " bits]";
    }
}
