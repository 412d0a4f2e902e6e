package org.qkdv2i.zap.internal.message;

import java.time.Clock;

import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;

/** What the three channel kinds share: segment binding, the age check, the closed state. */
abstract class ChannelBase implements ProtectedChannel {

    /** Generation times up to this far ahead of the receiver's clock are tolerated (clock skew). */
    static final long FUTURE_SKEW_MILLIS = 1_000;

    protected final ChannelOptions options;
    protected final Clock clock;
    protected final byte[] segmentBytes;
    protected final int segmentHash;
    protected final long maxAgeMillis;
    /** For log lines and exception messages: kind, channel, segment; never key material. */
    protected final String name;
    protected volatile boolean closed;

    ChannelBase(String name, ChannelOptions options) {
        this.options = options;
        this.clock = options.clock();
        this.segmentBytes = Bytes.utf8(options.segment());
        this.segmentHash = Bytes.segmentHash(options.segment());
        this.maxAgeMillis = options.maxAge().toMillis();
        this.name = name + " (segment " + options.segment() + ")";
    }

    static MessageRejectedException reject(Reason reason, String detail) {
        return new MessageRejectedException(reason, detail);
    }

    protected void checkOpen() throws MessageRejectedException {
        if (closed) {
            throw reject(Reason.CLOSED, name + " is closed");
        }
    }

    protected void checkNotClosedForSend() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    protected void checkSegment(int received) throws MessageRejectedException {
        if (received != segmentHash) {
            throw reject(Reason.CROSS_SEGMENT, name + ": message protected for another segment (tag "
                    + String.format("%08x", received) + ")");
        }
    }

    /** EXPIRED when older than maxAge, or generated more than the skew in the future. */
    protected void checkAge(long generationTime, long now) throws MessageRejectedException {
        if (generationTime > now + FUTURE_SKEW_MILLIS) {
            throw reject(Reason.EXPIRED, name + ": generated " + (generationTime - now) + " ms in the future");
        }
        if (now - generationTime > maxAgeMillis) {
            throw reject(Reason.EXPIRED, name + ": " + (now - generationTime) + " ms old, maximum " + maxAgeMillis + " ms");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
