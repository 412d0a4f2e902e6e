package org.qkdv2i.sdn.api;

/**
 * {@code app_qos}: the quality of service an application asks for (uint32 leaves).
 *
 * @param maxBandwidth              most key bits per second the application may take; null if absent
 * @param minBandwidth              least key bits per second it needs; null if absent
 * @param jitter                    largest key delivery jitter, ms; null if absent
 * @param ttl                       longest a key may wait unused in the store, s; null if absent
 * @param clientsSharedPathEnable   clients may share a path; null if absent (YANG default false)
 * @param clientsSharedKeysRequired clients must share keys; null if absent (YANG default false)
 */
public record AppQos(Long maxBandwidth, Long minBandwidth, Long jitter, Long ttl, Boolean clientsSharedPathEnable,
        Boolean clientsSharedKeysRequired) {

    public AppQos {
        Checks.uint32(maxBandwidth, "max_bandwidth");
        Checks.uint32(minBandwidth, "min_bandwidth");
        Checks.uint32(jitter, "jitter");
        Checks.uint32(ttl, "ttl");
    }

    /** The four basic leaves, no augmentation. */
    public static AppQos of(Long maxBandwidth, Long minBandwidth, Long jitter, Long ttl) {
        return new AppQos(maxBandwidth, minBandwidth, jitter, ttl, null, null);
    }
}
