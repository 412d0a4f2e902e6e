package org.qkdv2i.v2x.api.message;

/**
 * DENM {@code ManagementContainer} (EN 302 637-3 v1.3.1). Times are TimestampIts
 * (0..4398046511103 ms since 2004-01-01T00:00:00Z). Optional components are {@code null}
 * when absent; {@code validityDuration} (0..86400 s) is {@code DEFAULT 600}: {@code null}
 * means "not encoded", which a receiver reads as 600 ({@link #effectiveValidityDuration()}).
 *
 * @param transmissionInterval TransmissionInterval (1..10000 ms), {@code null} when absent
 * @param stationType see {@link StationType}
 */
public record ManagementContainer(ActionId actionId, long detectionTime, long referenceTime, Termination termination,
        ReferencePosition eventPosition, RelevanceDistance relevanceDistance,
        RelevanceTrafficDirection relevanceTrafficDirection, Integer validityDuration, Integer transmissionInterval,
        int stationType) {

    /** {@code defaultValidity INTEGER ::= 600} (EN 302 637-3). */
    public static final int DEFAULT_VALIDITY = 600;
    /** Largest TimestampIts. */
    public static final long TIMESTAMP_ITS_MAX = 4398046511103L;
    /** 2004-01-01T00:00:00Z in Unix milliseconds: the epoch of TimestampIts. */
    public static final long ITS_EPOCH_UNIX_MILLIS = 1072915200000L;

    public ManagementContainer {
        Check.notNull("actionID", actionId);
        Check.range("detectionTime", detectionTime, 0, TIMESTAMP_ITS_MAX);
        Check.range("referenceTime", referenceTime, 0, TIMESTAMP_ITS_MAX);
        Check.notNull("eventPosition", eventPosition);
        Check.optional("validityDuration", validityDuration, 0, 86400);
        Check.optional("transmissionInterval", transmissionInterval, 1, 10000);
        Check.range("stationType", stationType, 0, 255);
    }

    /** A container with only the mandatory components. */
    public static ManagementContainer of(ActionId actionId, long detectionTime, long referenceTime,
            ReferencePosition eventPosition, int stationType) {
        return new ManagementContainer(actionId, detectionTime, referenceTime, null, eventPosition, null, null, null,
                null, stationType);
    }

    /** The validity in seconds, 600 when the component was not encoded. */
    public int effectiveValidityDuration() {
        return validityDuration == null ? DEFAULT_VALIDITY : validityDuration;
    }

    /**
     * TimestampIts for a Unix time in milliseconds, leap seconds ignored. TS 102 894-2 counts
     * elapsed (TAI) milliseconds since the epoch: a caller that needs exactness adds the leap
     * seconds inserted since 2004 (five, the last at the end of 2016).
     */
    public static long timestampItsOfUnixMillis(long unixMillis) {
        return unixMillis - ITS_EPOCH_UNIX_MILLIS;
    }
}
