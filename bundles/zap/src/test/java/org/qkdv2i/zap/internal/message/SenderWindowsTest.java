package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;

public class SenderWindowsTest {

    @Test
    public void sendersAreIndependentAndCheckChangesNothing() {
        SenderWindows w = new SenderWindows(4, "test");
        assertNull(w.check(1, 10));
        assertEquals(0, w.size()); // a check alone records no sender
        w.accept(1, 10, 100, 0);
        w.accept(2, 10, 100, 0);
        assertEquals(Reason.REPLAYED, w.check(1, 10));
        assertEquals(Reason.REORDERED, w.check(2, 5));
        assertNull(w.check(3, 1));
    }

    @Test
    public void whenFullExpiredSendersGoFirstThenTheLeastRecentlyHeard() {
        SenderWindows w = new SenderWindows(4, "test");
        for (long s = 0; s < SenderWindows.MAX_SENDERS; s++) {
            w.accept(s, 1, s < 10 ? 100 : 5_000, 0); // senders 0-9 last heard at t=100
        }
        w.accept(-1, 1, 5_000, 1_000); // full: the ten heard before t=1000 are dropped
        assertEquals(SenderWindows.MAX_SENDERS - 9, w.size());
        assertNull(w.check(0, 1)); // forgotten (a replay of it would be EXPIRED by then)
        assertEquals(Reason.REPLAYED, w.check(10, 1));

        for (long s = 0; w.size() < SenderWindows.MAX_SENDERS; s++) {
            w.accept(100_000 + s, 1, 5_000, 1_000);
        }
        w.check(10, 1); // sender 10 heard "recently" (access order), 11 is now the eldest
        w.accept(-2, 1, 5_000, 1_000); // nothing expired: the least recently heard goes
        assertEquals(SenderWindows.MAX_SENDERS, w.size());
        assertEquals(Reason.REPLAYED, w.check(10, 1));
        assertNull(w.check(11, 1));
    }
}
