package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.junit.Test;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;

public class ReplayWindowTest {

    private static void accept(ReplayWindow w, long seq) {
        assertNull("seq " + seq + " refused", w.check(seq));
        w.accept(seq);
    }

    @Test
    public void strictOrderAcceptsOnlyIncreasingNumbers() {
        ReplayWindow w = new ReplayWindow(0);
        accept(w, 1);
        accept(w, 2);
        accept(w, 5); // gap: lost, not reordered
        assertEquals(Reason.REPLAYED, w.check(5));
        assertEquals(Reason.REORDERED, w.check(4));
        assertEquals(Reason.REORDERED, w.check(1));
        accept(w, 6);
    }

    @Test
    public void windowAcceptsLateNumbersOnceAndRefusesBeyondIt() {
        ReplayWindow w = new ReplayWindow(64);
        accept(w, 100);
        accept(w, 36); // exactly 64 behind
        assertEquals(Reason.REORDERED, w.check(35));
        assertEquals(Reason.REPLAYED, w.check(36));
        assertEquals(Reason.REPLAYED, w.check(100));
        accept(w, 99);
        assertEquals(Reason.REPLAYED, w.check(99));
        accept(w, 101);
        assertEquals(Reason.REORDERED, w.check(36)); // slid out
        accept(w, 37);
    }

    @Test
    public void slotsReusedAfterTheWindowSlidesAreClear() {
        ReplayWindow w = new ReplayWindow(8);
        for (long s = 1; s <= 9; s++) {
            accept(w, s);
        }
        accept(w, 12); // slides by 3: slots of 10 and 11 held 1 and 2, must be clear now
        accept(w, 10);
        accept(w, 11);
        assertEquals(Reason.REPLAYED, w.check(4));
        accept(w, 1000); // jump beyond the window clears everything
        accept(w, 995);
        assertEquals(Reason.REORDERED, w.check(991));
    }

    @Test
    public void agreesWithAReferenceSetOnPseudoRandomArrivals() {
        int size = 32;
        ReplayWindow w = new ReplayWindow(size);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long highest = 0;
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 20_000; i++) {
            long seq = Math.max(1, highest + r.nextInt(48) - 40);
            Reason expected = highest != 0 && seq <= highest
                    ? (highest - seq > size ? Reason.REORDERED : seen.contains(seq) ? Reason.REPLAYED : null)
                    : null;
            assertEquals("seq " + seq + " highest " + highest, expected, w.check(seq));
            if (expected == null) {
                w.accept(seq);
                seen.add(seq);
                highest = Math.max(highest, seq);
            }
        }
    }
}
