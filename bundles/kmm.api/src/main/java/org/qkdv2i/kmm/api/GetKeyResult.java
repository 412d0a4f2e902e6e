package org.qkdv2i.kmm.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import javax.security.auth.Destroyable;

/**
 * Answer of GET_KEY (ETSI GS QKD 004 V2.1.1 §6.2): a status, and with {@code SUCCESSFUL} the key
 * buffer of one index and its metadata. The holder zeroises the buffer with {@link #destroy()}.
 */
public final class GetKeyResult implements Destroyable {

    private final StreamStatus status;
    private final byte[] keyBuffer;
    private final long index;
    private final byte[] metadata;
    private final int metadataSize;
    private volatile boolean destroyed;

    /**
     * @param keyBuffer    taken over, not copied (null unless {@code SUCCESSFUL})
     * @param index        the index the key belongs to (-1 when none)
     * @param metadata     the metadata (empty when none was asked for or none fits)
     * @param metadataSize bytes of metadata: with {@code METADATA_SIZE_INSUFFICIENT} the size needed
     */
    public GetKeyResult(StreamStatus status, byte[] keyBuffer, long index, byte[] metadata, int metadataSize) {
        this.status = Objects.requireNonNull(status, "status");
        this.keyBuffer = keyBuffer;
        this.index = index;
        this.metadata = metadata == null ? new byte[0] : metadata;
        this.metadataSize = metadataSize;
    }

    /** A failure without key. */
    public static GetKeyResult failed(StreamStatus status, long index) {
        return new GetKeyResult(status, null, index, null, 0);
    }

    public StreamStatus status() {
        return status;
    }

    /** A copy of the key buffer; empty unless {@code SUCCESSFUL}. */
    public byte[] keyBuffer() {
        if (destroyed) {
            throw new IllegalStateException("key buffer of index " + index + " was destroyed");
        }
        return keyBuffer == null ? new byte[0] : keyBuffer.clone();
    }

    public long index() {
        return index;
    }

    /** A copy of the metadata bytes (UTF-8 JSON with the default MIME type). */
    public byte[] metadata() {
        return metadata.clone();
    }

    /** The metadata as text (UTF-8). */
    public String metadataText() {
        return new String(metadata, StandardCharsets.UTF_8);
    }

    public int metadataSize() {
        return metadataSize;
    }

    @Override
    public void destroy() {
        if (keyBuffer != null) {
            Arrays.fill(keyBuffer, (byte) 0);
        }
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "GetKeyResult[" + status + ", index " + index + "]"; // never the key
    }
}
