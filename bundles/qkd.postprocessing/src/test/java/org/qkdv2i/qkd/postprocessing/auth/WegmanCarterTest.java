package org.qkdv2i.qkd.postprocessing.auth;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.Test;

public class WegmanCarterTest {

    private static byte[] psk(int bytes, long seed) {
        byte[] k = new byte[bytes];
        new SplittableRandom(seed).nextBytes(k);
        return k;
    }

    private static WegmanCarter[] pair(int bytes) {
        byte[] k = psk(bytes, 1);
        return new WegmanCarter[] {WegmanCarter.bootstrap(k.clone(), true), WegmanCarter.bootstrap(k, false)};
    }

    private static AuthenticationException.Reason failure(WegmanCarter wc, byte[] msg, byte[] tag) {
        try {
            wc.verify(msg, tag);
            fail("verification should fail");
            return null;
        } catch (AuthenticationException e) {
            return e.reason();
        }
    }

    @Test
    public void tagsVerifyInBothDirections() throws Exception {
        WegmanCarter[] p = pair(16 + 32 * 10);
        WegmanCarter alice = p[0], bob = p[1];
        for (int i = 0; i < 5; i++) {
            byte[] m = ("parities round " + i).getBytes(StandardCharsets.UTF_8);
            bob.verify(m, alice.tag(m));
            byte[] r = new byte[1000 + i];
            bob.verify(r, alice.tag(r)); // a second message in the same direction
            alice.verify(m, bob.tag(m));
        }
    }

    @Test
    public void everyFlippedMessageBitFails() throws Exception {
        int n = 40;
        WegmanCarter[] p = pair(16 + 32 * (8 * n + 2));
        WegmanCarter alice = p[0], bob = p[1];
        byte[] msg = new byte[n];
        new SplittableRandom(2).nextBytes(msg);
        for (int bit = 0; bit < 8 * n; bit++) {
            byte[] tag = alice.tag(msg);
            byte[] forged = msg.clone();
            forged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(AuthenticationException.Reason.TAG_MISMATCH, failure(bob, forged, tag));
        }
        // after all those failures the channel still works: pads stayed in step
        byte[] tag = alice.tag(msg);
        bob.verify(msg, tag);
    }

    @Test
    public void flippedTagBitsReplayAndTruncationFail() throws Exception {
        WegmanCarter[] p = pair(16 + 32 * 200);
        WegmanCarter alice = p[0], bob = p[1];
        byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
        for (int bit = 0; bit < 128; bit++) {
            byte[] tag = alice.tag(msg);
            tag[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(AuthenticationException.Reason.TAG_MISMATCH, failure(bob, msg, tag));
        }
        byte[] tag = alice.tag(msg);
        bob.verify(msg, tag);
        // replaying the same (message, tag) is checked against the next pad and sequence number
        assertEquals(AuthenticationException.Reason.TAG_MISMATCH, failure(bob, msg, tag));
        assertEquals(AuthenticationException.Reason.MALFORMED, failure(bob, msg, Arrays.copyOf(tag, 15)));
        // appending a byte changes the message
        byte[] t2 = alice.tag(msg);
        assertEquals(AuthenticationException.Reason.TAG_MISMATCH, failure(bob, Arrays.copyOf(msg, msg.length + 1), t2));
    }

    @Test
    public void padsAreNeverReusedAndExhaustionIsTyped() throws Exception {
        WegmanCarter[] p = pair(16 + 32 * 3); // 3 pads per direction
        WegmanCarter alice = p[0], bob = p[1];
        byte[] msg = new byte[32];
        byte[] t1 = alice.tag(msg), t2 = alice.tag(msg), t3 = alice.tag(msg);
        assertFalse(Arrays.equals(t1, t2));
        assertFalse(Arrays.equals(t2, t3));
        try {
            alice.tag(msg);
            fail("fourth tag must not reuse a pad");
        } catch (AuthenticationException e) {
            assertEquals(AuthenticationException.Reason.PAD_EXHAUSTED, e.reason());
        }
        bob.verify(msg, t1);
        bob.verify(msg, t2);
        bob.verify(msg, t3);
        assertEquals(AuthenticationException.Reason.PAD_EXHAUSTED, failure(bob, msg, t3));
        assertEquals(0, alice.availableSendBits());
        assertEquals(3 * 128, alice.spentKeyBits());
        assertEquals(3 * 128, bob.spentKeyBits());
    }

    @Test
    public void refillFromGeneratedKeyContinuesTheChannel() throws Exception {
        WegmanCarter[] p = pair(16 + 32);
        WegmanCarter alice = p[0], bob = p[1];
        byte[] m = {1, 2, 3};
        bob.verify(m, alice.tag(m));
        byte[] fresh = psk(64, 9);
        alice.refill(fresh.clone());
        bob.refill(fresh);
        assertArrayEquals(new byte[64], fresh); // the caller's copy was zeroised
        assertEquals(256, alice.availableSendBits());
        assertEquals(256, bob.availableReceiveBits());
        bob.verify(m, alice.tag(m));
        alice.verify(m, bob.tag(m));
        assertEquals(3 * 128, alice.spentKeyBits());
        alice.close();
        assertEquals(0, alice.availableSendBits());
    }

    @Test
    public void differentKeysDoNotVerify() throws Exception {
        WegmanCarter a = WegmanCarter.bootstrap(psk(80, 1), true);
        WegmanCarter b = WegmanCarter.bootstrap(psk(80, 2), false);
        byte[] m = {4, 5};
        assertEquals(AuthenticationException.Reason.TAG_MISMATCH, failure(b, m, a.tag(m)));
    }

    @Test
    public void transcriptCostsOnePadAndCatchesAnyChange() throws Exception {
        WegmanCarter[] p = pair(16 + 32 * 10);
        WegmanCarter alice = p[0], bob = p[1];
        byte[][] msgs = {{1, 2, 3}, new byte[40], {9}, {}};
        WegmanCarter.Transcript ta = alice.transcript(), tb = bob.transcript();
        for (byte[] m : msgs) {
            ta.add(m);
            tb.add(m);
        }
        tb.verify(ta.tag());
        assertEquals(128, alice.spentKeyBits());

        // a changed byte, a dropped message or a reordering each fail
        byte[][][] forged = {
            {{1, 2, 4}, new byte[40], {9}, {}},
            {{1, 2, 3}, new byte[40], {9}},
            {new byte[40], {1, 2, 3}, {9}, {}},
            {{1, 2, 3, 0}, new byte[40], {9}, {}},
        };
        for (byte[][] f : forged) {
            WegmanCarter.Transcript a2 = alice.transcript(), b2 = bob.transcript();
            for (byte[] m : msgs) {
                a2.add(m);
            }
            for (byte[] m : f) {
                b2.add(m);
            }
            assertEquals(AuthenticationException.Reason.TAG_MISMATCH, transcriptFailure(b2, a2.tag()));
        }
    }

    private static AuthenticationException.Reason transcriptFailure(WegmanCarter.Transcript t, byte[] tag) {
        try {
            t.verify(tag);
            fail("verification should fail");
            return null;
        } catch (AuthenticationException e) {
            return e.reason();
        }
    }
}
