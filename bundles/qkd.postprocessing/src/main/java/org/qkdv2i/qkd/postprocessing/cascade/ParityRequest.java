package org.qkdv2i.qkd.postprocessing.cascade;

import java.nio.ByteBuffer;

/**
 * Bob → Alice: "send me the parities of these ranges". Either the start of a pass (all top-level
 * block parities of pass {@code topLevelPass}) or a batch of sub-block ranges, each given as
 * positions [from, to) in the shuffled order of a pass. Contains no key bits.
 *
 * @param topLevelPass pass whose top-level parities are wanted, or −1
 * @param pass         pass of each range
 * @param from         first position of each range (in that pass's order)
 * @param to           end (exclusive) of each range
 */
public record ParityRequest(int topLevelPass, int[] pass, int[] from, int[] to) {
    public ParityRequest {
        if (pass.length != from.length || from.length != to.length) {
            throw new IllegalArgumentException("range arrays differ in length");
        }
    }

    public int count() {
        return pass.length;
    }

    /** Wire form: int topLevelPass, int count, then count × (byte pass, int from, int to). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(8 + 9 * pass.length);
        b.putInt(topLevelPass).putInt(pass.length);
        for (int i = 0; i < pass.length; i++) {
            b.put((byte) pass[i]).putInt(from[i]).putInt(to[i]);
        }
        return b.array();
    }

    public static ParityRequest decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        int top = b.getInt();
        int c = b.getInt();
        if (c < 0 || data.length != 8 + 9L * c) {
            throw new IllegalArgumentException("malformed parity request");
        }
        int[] p = new int[c], f = new int[c], t = new int[c];
        for (int i = 0; i < c; i++) {
            p[i] = b.get();
            f[i] = b.getInt();
            t[i] = b.getInt();
        }
        return new ParityRequest(top, p, f, t);
    }
}
