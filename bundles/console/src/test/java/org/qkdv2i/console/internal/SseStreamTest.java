package org.qkdv2i.console.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.Test;

/**
 * The SSE stream's promise: every city event once, in order, even while live events race with the
 * replay from {@code City.events} (a page reconnecting during a busy scenario).
 */
public class SseStreamTest {

    private final StringBuffer written = new StringBuffer();
    private final AtomicBoolean ended = new AtomicBoolean();

    /** A Jetty Response that completes every write at once (like a fast client). */
    private Response response() {
        return (Response) Proxy.newProxyInstance(Response.class.getClassLoader(), new Class<?>[] {Response.class},
                (p, m, a) -> {
                    if (m.getName().equals("write")) {
                        ByteBuffer b = (ByteBuffer) a[1];
                        written.append(StandardCharsets.UTF_8.decode(b));
                        ((Callback) a[2]).succeeded();
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private final Callback done = Callback.from(() -> ended.set(true), x -> ended.set(true));

    private static String frame(long seq) {
        return "id: " + seq + "\nevent: city\ndata: {}\n\n";
    }

    private List<Long> ids() {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^id: (\\d+)$").matcher(written);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    @Test
    public void liveEventsHeldDuringReplayFollowItOnceAndInOrder() {
        SseStream s = new SseStream(response(), done, 0, 1 << 20, () -> { });
        s.live(3, frame(3)); // arrives before the replay got that far
        s.live(4, frame(4));
        s.replayed(1, frame(1));
        s.replayed(2, frame(2));
        s.replayed(3, frame(3));
        s.replayDone();
        s.live(4, frame(4)); // a duplicate
        s.live(5, frame(5));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ids());
    }

    @Test
    public void resumingAfterLastEventIdSkipsWhatTheClientHas() {
        SseStream s = new SseStream(response(), done, 7, 1 << 20, () -> { });
        for (long i = 5; i <= 9; i++) {
            s.replayed(i, frame(i));
        }
        s.replayDone();
        assertEquals(List.of(8L, 9L), ids());
    }

    @Test
    public void concurrentLiveEventsAndReplayGiveEveryEventOnceInOrder() throws Exception {
        int n = 20_000;
        SseStream s = new SseStream(response(), done, 0, 64 << 20, () -> { });
        Thread engine = new Thread(() -> {
            for (long i = 1; i <= n; i++) {
                s.live(i, frame(i));
            }
        });
        engine.start();
        // the replay of what the engine had when the page connected, racing with the live feed
        for (long i = 1; i <= n / 2; i++) {
            s.replayed(i, frame(i));
        }
        s.replayDone();
        engine.join();
        List<Long> ids = ids();
        assertEquals(n, ids.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, ids.get(i).longValue());
        }
    }

    @Test
    public void aStreamOverItsQueueLimitIsClosedAndRemoved() throws Exception {
        // a client whose writes never complete: frames queue up to the limit, then the stream ends
        List<Callback> pending = new ArrayList<>();
        Response stuck = (Response) Proxy.newProxyInstance(Response.class.getClassLoader(),
                new Class<?>[] {Response.class}, (p, m, a) -> {
                    pending.add((Callback) a[2]);
                    return null;
                });
        AtomicBoolean removed = new AtomicBoolean();
        SseStream s = new SseStream(stuck, done, 0, 1000, () -> removed.set(true));
        s.replayDone();
        for (long i = 1; i <= 100 && !s.closed(); i++) {
            s.live(i, frame(i) + "x".repeat(50));
        }
        assertTrue(s.closed());
        ConsoleHttpTest.waitFor(removed::get, "the stream to leave the hub");
        ConsoleHttpTest.waitFor(ended::get, "the response to end");
    }
}
