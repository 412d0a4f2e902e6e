package org.qkdv2i.kmm.api;

import java.util.Objects;

/**
 * The QoS of a key stream (ETSI GS QKD 004 V2.1.1 §6.1, OPEN_CONNECT {@code QoS}). What an
 * application asks for in {@link KeyStreams#open}; what the KMM grants (or counter-proposes)
 * in {@link OpenResult#qos()}.
 *
 * @param keyChunkSize     bytes of key per GET_KEY (one index)
 * @param maxBps           most key bits per second the stream may draw; 0 = no maximum
 * @param minBps           key bits per second the stream needs guaranteed; 0 = best effort
 * @param jitter           most deviation of the delivery time the application tolerates, ms
 * @param priority         priority of the stream (higher first when key is scarce)
 * @param timeout          how long a GET_KEY may wait for key, ms; 0 = never wait
 * @param ttl              lifetime of the stream, seconds; 0 = until CLOSE
 * @param metadataMimetype MIME type of the metadata GET_KEY returns ({@code application/json})
 */
public record StreamQos(int keyChunkSize, long maxBps, long minBps, int jitter, int priority, int timeout,
        int ttl, String metadataMimetype) {

    /** The only metadata MIME type served. */
    public static final String JSON = "application/json";

    public StreamQos {
        metadataMimetype = metadataMimetype == null || metadataMimetype.isBlank() ? JSON : metadataMimetype;
        if (keyChunkSize <= 0) {
            throw new IllegalArgumentException("key_chunk_size must be positive, was " + keyChunkSize);
        }
        if (maxBps < 0 || minBps < 0 || jitter < 0 || timeout < 0 || ttl < 0) {
            throw new IllegalArgumentException("max_bps, min_bps, jitter, timeout and ttl cannot be negative");
        }
        if (maxBps > 0 && minBps > maxBps) {
            throw new IllegalArgumentException("min_bps " + minBps + " exceeds max_bps " + maxBps);
        }
    }

    /** Best effort: chunks of {@code keyChunkSize} bytes, no rate, waits up to {@code timeout} ms, no TTL. */
    public static StreamQos bestEffort(int keyChunkSize, int timeout) {
        return new StreamQos(keyChunkSize, 0, 0, 0, 0, timeout, 0, JSON);
    }

    public StreamQos withMinBps(long bps) {
        return new StreamQos(keyChunkSize, maxBps, bps, jitter, priority, timeout, ttl, metadataMimetype);
    }

    public StreamQos withTimeout(int millis) {
        return new StreamQos(keyChunkSize, maxBps, minBps, jitter, priority, millis, ttl, metadataMimetype);
    }

    public StreamQos withTtl(int seconds) {
        return new StreamQos(keyChunkSize, maxBps, minBps, jitter, priority, timeout, seconds, metadataMimetype);
    }

    public StreamQos withKeyChunkSize(int bytes) {
        return new StreamQos(bytes, maxBps, minBps, jitter, priority, timeout, ttl, metadataMimetype);
    }

    public StreamQos withMetadataMimetype(String type) {
        return new StreamQos(keyChunkSize, maxBps, minBps, jitter, priority, timeout, ttl,
                Objects.requireNonNull(type, "type"));
    }
}
