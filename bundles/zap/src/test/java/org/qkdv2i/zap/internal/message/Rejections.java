package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;

final class Rejections {

    private Rejections() {
    }

    static MessageRejectedException assertRejected(Reason expected, ProtectedChannel channel, byte[] wire) {
        try {
            channel.open(wire);
        } catch (MessageRejectedException e) {
            assertEquals("reason (" + e.getMessage() + ")", expected, e.reason());
            return e;
        }
        fail("accepted a message that should be refused as " + expected);
        return null;
    }

    static byte[] flip(byte[] wire, int index) {
        byte[] copy = wire.clone();
        copy[index] ^= 0x02; // not the lowest bit: sequence number 1 would become the impossible 0 (MALFORMED)
        return copy;
    }
}
