package org.qkdv2i.zap.internal.message;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ReplayWindow} per sender, for the channels whose key is shared by more than one
 * sender (the 1609.2 PSK, used by both ends; a broadcast group key). Bounded: when full, senders
 * whose last message is already past the maximum age are dropped first (a replay of theirs would
 * be refused as expired anyway), then the least recently heard one (logged: its recent messages
 * could be replayed until they expire). Not thread-safe: the owning channel serialises access.
 */
final class SenderWindows {

    private static final Logger LOG = LoggerFactory.getLogger(SenderWindows.class);

    static final int MAX_SENDERS = 1024;

    private static final class Entry {
        final ReplayWindow window;
        long lastGenerationTime;

        Entry(int size) {
            window = new ReplayWindow(size);
        }
    }

    private final int windowSize;
    private final String channelName;
    private final LinkedHashMap<Long, Entry> senders = new LinkedHashMap<>(16, 0.75f, true);

    SenderWindows(int windowSize, String channelName) {
        this.windowSize = windowSize;
        this.channelName = channelName;
    }

    /** @return null if sender's {@code seq} may be accepted; never changes state */
    Reason check(long sender, long seq) {
        Entry e = senders.get(sender);
        return e == null ? null : e.window.check(seq);
    }

    /** Records an authenticated, checked message. */
    void accept(long sender, long seq, long generationTime, long expiredBefore) {
        Entry e = senders.get(sender);
        if (e == null) {
            if (senders.size() >= MAX_SENDERS) {
                evict(expiredBefore);
            }
            e = new Entry(windowSize);
            senders.put(sender, e);
        }
        e.window.accept(seq);
        e.lastGenerationTime = Math.max(e.lastGenerationTime, generationTime);
    }

    int size() {
        return senders.size();
    }

    private void evict(long expiredBefore) {
        senders.values().removeIf(e -> e.lastGenerationTime < expiredBefore);
        if (senders.size() >= MAX_SENDERS) {
            Iterator<Map.Entry<Long, Entry>> it = senders.entrySet().iterator();
            Map.Entry<Long, Entry> eldest = it.next();
            it.remove();
            LOG.warn("{}: replay state of sender {} dropped ({} senders heard within the maximum age)", channelName,
                    Long.toHexString(eldest.getKey()), MAX_SENDERS);
        }
    }
}
