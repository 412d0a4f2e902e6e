package org.qkdv2i.driver.etsi014.internal;

import java.util.Arrays;
import java.util.Objects;

import javax.security.auth.Destroyable;

/** One key as the vendor KME returned it; owns its bytes and zeroises them on {@link #destroy()}. */
final class VendorKey implements Destroyable {

    private final String id;
    private final byte[] key;
    private volatile boolean destroyed;

    /** Takes ownership of {@code key} (no copy). */
    VendorKey(String id, byte[] key) {
        this.id = Objects.requireNonNull(id, "id");
        this.key = Objects.requireNonNull(key, "key");
    }

    String id() {
        return id;
    }

    /** The key bytes themselves (not a copy): do not keep them, {@link #destroy()} zeroises this array. */
    byte[] bytes() {
        return key;
    }

    int bits() {
        return key.length * 8;
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
        return "VendorKey[" + id + "]";
    }

    static void destroyAll(Iterable<VendorKey> keys) {
        if (keys != null) {
            keys.forEach(VendorKey::destroy);
        }
    }
}
