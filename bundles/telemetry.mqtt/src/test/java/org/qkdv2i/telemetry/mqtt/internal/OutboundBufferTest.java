package org.qkdv2i.telemetry.mqtt.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class OutboundBufferTest {

    private static final byte[] P = {1};

    @Test
    public void alarmsGoFirstAndStatesCoalescePerTopic() {
        OutboundBuffer b = new OutboundBuffer(10);
        b.offer("s/1", new byte[] {1}, true, false);
        b.offer("s/1", new byte[] {2}, true, false);
        b.offer("a", P, false, true);
        assertEquals(2, b.size());
        OutboundBuffer.Message first = b.peek();
        assertTrue(first.alarm());
        b.acknowledged(first);
        assertEquals(2, b.peek().payload()[0]); // only the newest state of a topic is kept
        assertEquals(0, b.droppedState());
    }

    @Test
    public void aStateReplacedWhileInFlightIsKept() {
        OutboundBuffer b = new OutboundBuffer(10);
        b.offer("s", new byte[] {1}, true, false);
        OutboundBuffer.Message inFlight = b.peek();
        b.offer("s", new byte[] {2}, true, false);
        b.acknowledged(inFlight);
        assertEquals(2, b.peek().payload()[0]);
    }

    @Test
    public void overflowDropsOldestStateThenOldestAlarmAndCounts() {
        OutboundBuffer b = new OutboundBuffer(2);
        assertNull(b.offer("s1", P, true, false));
        assertNull(b.offer("a1", P, false, true));
        assertEquals("state s1", b.offer("a2", P, false, true));
        assertEquals("state s2", b.offer("s2", P, true, false)); // full of alarms: the new state goes
        assertEquals("alarm a1", b.offer("a3", P, false, true));
        assertEquals(2, b.droppedState());
        assertEquals(1, b.droppedAlarms());
        assertEquals("a2", b.peek().topic());
    }

    @Test
    public void acknowledgedEventsAndStatesLeaveTheBufferInOrder() {
        OutboundBuffer b = new OutboundBuffer(10);
        b.offer("identity", new byte[] {1}, false, false); // events are not coalesced
        b.offer("identity", new byte[] {2}, false, false);
        b.offer("s", new byte[] {3}, true, false);
        assertEquals(3, b.size());
        for (int expected = 1; expected <= 3; expected++) {
            OutboundBuffer.Message m = b.peek();
            assertEquals(expected, m.payload()[0]);
            b.acknowledged(m);
            b.acknowledged(m); // a second acknowledgement of the same message removes nothing else
        }
        assertEquals(0, b.size());
        assertNull(b.peek());
    }

    @Test
    public void inFlightMessagesAreSkippedUntilAcknowledgedOrResent() {
        OutboundBuffer b = new OutboundBuffer(10);
        b.offer("a", new byte[] {1}, false, true);
        b.offer("s", new byte[] {2}, true, false);
        OutboundBuffer.Message first = b.next();
        OutboundBuffer.Message second = b.next();
        assertEquals(1, first.payload()[0]);
        assertEquals(2, second.payload()[0]);
        assertNull("everything is in flight", b.next());
        assertEquals(2, b.inFlight());
        b.offer("a", new byte[] {3}, false, true); // a new alarm goes out before nothing else is left
        assertEquals(3, b.next().payload()[0]);
        b.acknowledged(first);
        b.resend(); // connection lost: the unacknowledged ones go out again, alarms first, in order
        assertEquals(0, b.inFlight());
        assertEquals(3, b.next().payload()[0]);
        assertEquals(2, b.next().payload()[0]);
        assertEquals(2, b.size());
    }
}
