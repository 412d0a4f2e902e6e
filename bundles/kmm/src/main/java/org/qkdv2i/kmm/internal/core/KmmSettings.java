package org.qkdv2i.kmm.internal.core;

/**
 * Runtime settings of one KMM core; all but {@code nodeId} and {@code storedKeyBits}
 * may change while the node runs.
 *
 * @param reserveFirst every key is reserved at the peer KMM before it is delivered (one round
 *                     trip per request); otherwise keys cut from stored keys the peer has
 *                     confirmed are delivered at once and recorded at the peer afterwards
 * @param recordWaitMillis how long dec_keys waits for the record of a key the peer delivered
 *                     (its assignment is usually on the wire) before asking the peer for it
 */
public record KmmSettings(String nodeId, int storedKeyBits, int minKeyBits, int maxKeyBits,
        int maxKeysPerRequest, long maxKeysPerLink, long lowWaterKeys, long keyLifetimeSeconds,
        int maxSaeIdCount, long peerTimeoutMillis, long freshKeyGraceMillis, long lostKeyMarginMillis,
        long peerFullSyncSeconds, boolean reserveFirst, long recordWaitMillis) {

    public static final long DEFAULT_PEER_TIMEOUT_MILLIS = 5000;
    public static final long DEFAULT_FRESH_KEY_GRACE_MILLIS = 1000;
    public static final long DEFAULT_LOST_KEY_MARGIN_MILLIS = 2000;
    public static final long DEFAULT_PEER_FULL_SYNC_SECONDS = 300;
    public static final long DEFAULT_RECORD_WAIT_MILLIS = 10;

    /** With the default full sync period. */
    public KmmSettings(String nodeId, int storedKeyBits, int minKeyBits, int maxKeyBits, int maxKeysPerRequest,
            long maxKeysPerLink, long lowWaterKeys, long keyLifetimeSeconds, int maxSaeIdCount,
            long peerTimeoutMillis, long freshKeyGraceMillis, long lostKeyMarginMillis) {
        this(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink, lowWaterKeys,
                keyLifetimeSeconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis, lostKeyMarginMillis,
                DEFAULT_PEER_FULL_SYNC_SECONDS, false, DEFAULT_RECORD_WAIT_MILLIS);
    }

    public KmmSettings {
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId is required");
        }
        if (storedKeyBits <= 0 || storedKeyBits % 8 != 0) {
            throw new IllegalArgumentException("storedKeyBits must be a positive multiple of 8, got " + storedKeyBits);
        }
        if (minKeyBits <= 0 || minKeyBits % 8 != 0 || maxKeyBits < minKeyBits || maxKeyBits % 8 != 0) {
            throw new IllegalArgumentException("key sizes must be positive multiples of 8 with minKeyBits <= maxKeyBits, got "
                    + minKeyBits + ".." + maxKeyBits);
        }
        if (maxKeysPerRequest < 1 || maxKeysPerLink < 1 || lowWaterKeys < 0 || keyLifetimeSeconds < 0
                || maxSaeIdCount < 0 || peerTimeoutMillis < 1 || freshKeyGraceMillis < 0 || lostKeyMarginMillis < 0
                || peerFullSyncSeconds < 0 || recordWaitMillis < 0) {
            throw new IllegalArgumentException("maxKeysPerRequest, maxKeysPerLink and peerTimeoutMillis must be >= 1; "
                    + "lowWaterKeys, keyLifetimeSeconds, maxSaeIdCount, freshKeyGraceMillis, lostKeyMarginMillis and "
                    + "peerFullSyncSeconds, recordWaitMillis >= 0");
        }
    }

    /** Defaults of the Node configuration, for tests. */
    public static KmmSettings defaults(String nodeId) {
        return new KmmSettings(nodeId, 256, 64, 4096, 128, 100_000, 100, 86_400, 8, DEFAULT_PEER_TIMEOUT_MILLIS,
                DEFAULT_FRESH_KEY_GRACE_MILLIS, DEFAULT_LOST_KEY_MARGIN_MILLIS);
    }

    public KmmSettings withLifetime(long seconds) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink,
                lowWaterKeys, seconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis, lostKeyMarginMillis,
                peerFullSyncSeconds, reserveFirst, recordWaitMillis);
    }

    public KmmSettings withCapacity(long keys, long lowWater) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, keys,
                lowWater, keyLifetimeSeconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis, lostKeyMarginMillis,
                peerFullSyncSeconds, reserveFirst, recordWaitMillis);
    }

    public KmmSettings withPeer(long timeoutMillis, long graceMillis) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink,
                lowWaterKeys, keyLifetimeSeconds, maxSaeIdCount, timeoutMillis, graceMillis, lostKeyMarginMillis,
                peerFullSyncSeconds, reserveFirst, recordWaitMillis);
    }

    public KmmSettings withLostKeyMargin(long millis) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink,
                lowWaterKeys, keyLifetimeSeconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis, millis,
                peerFullSyncSeconds, reserveFirst, recordWaitMillis);
    }

    public KmmSettings withReserveFirst(boolean reserve) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink,
                lowWaterKeys, keyLifetimeSeconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis,
                lostKeyMarginMillis, peerFullSyncSeconds, reserve, recordWaitMillis);
    }

    public KmmSettings withFullSync(long seconds) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink,
                lowWaterKeys, keyLifetimeSeconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis,
                lostKeyMarginMillis, seconds, reserveFirst, recordWaitMillis);
    }

    public KmmSettings withRecordWait(long millis) {
        return new KmmSettings(nodeId, storedKeyBits, minKeyBits, maxKeyBits, maxKeysPerRequest, maxKeysPerLink,
                lowWaterKeys, keyLifetimeSeconds, maxSaeIdCount, peerTimeoutMillis, freshKeyGraceMillis,
                lostKeyMarginMillis, peerFullSyncSeconds, reserveFirst, millis);
    }
}
