package org.qkdv2i.sdn.api;

/**
 * How much key a PHYS link's pool holds at this node: a QKD-V2I augmentation of
 * {@code qkdl_performance} (JSON member {@code qkdv2i-sdn:key_pool}), since ETSI GS QKD 015
 * reports rates but not the stored key a controller weighs paths by (paper §5: serving
 * from the pools while no path exists).
 *
 * @param ownKeys  stored keys this node may hand to its master SAEs (and spend on relay)
 * @param peerKeys stored keys reserved for the peer's master SAEs
 * @param capacity most keys the pool holds (both halves)
 * @param keyBits  size of one stored key, bits
 */
public record KeyPool(long ownKeys, long peerKeys, long capacity, int keyBits) {

    public KeyPool {
        Checks.uint32(ownKeys, "own_keys");
        Checks.uint32(peerKeys, "peer_keys");
        Checks.uint32(capacity, "capacity");
        Checks.uint32((long) keyBits, "key_bits");
    }

    /** Bits this node can spend: own keys × key size. */
    public long ownBits() {
        return ownKeys * keyBits;
    }

    /** Fill level of the pool, 0..1 (0 when the capacity is 0). */
    public double level() {
        return capacity == 0 ? 0 : Math.min(1.0, (double) (ownKeys + peerKeys) / capacity);
    }
}
