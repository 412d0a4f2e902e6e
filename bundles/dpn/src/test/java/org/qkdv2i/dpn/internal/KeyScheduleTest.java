package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.Test;
import org.qkdv2i.zap.api.DeviceId;

public class KeyScheduleTest {

    private static final DeviceId A = new DeviceId("0000000000000000000000000000000a");
    private static final DeviceId B = new DeviceId("0000000000000000000000000000000b");
    private static final byte[] SECRET = new byte[32];
    private static final byte[] SALT = new byte[32];

    static {
        Arrays.fill(SECRET, (byte) 7);
        Arrays.fill(SALT, (byte) 9);
    }

    @Test
    public void bcHkdfMatchesRfc5869TestCase1() {
        // RFC 5869 A.1
        HexFormat h = HexFormat.of();
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(h.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                h.parseHex("000102030405060708090a0b0c"), h.parseHex("f0f1f2f3f4f5f6f7f8f9")));
        byte[] okm = new byte[42];
        g.generateBytes(okm, 0, 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", h.formatHex(okm));
    }

    @Test
    public void bothEndsDeriveTheSameKeysWhateverTheOrderOfIds() {
        try (KeySchedule.EpochKeys ab = KeySchedule.initial(SECRET, null, SALT, A, B);
                KeySchedule.EpochKeys ba = KeySchedule.initial(SECRET, null, SALT, B, A)) {
            // A is lower: A's send key is B's receive key
            assertArrayEquals(ab.sendKey(true), ba.receiveKey(false));
            assertArrayEquals(ab.receiveKey(true), ba.sendKey(false));
            assertFalse(Arrays.equals(ab.sendKey(true), ab.receiveKey(true)));
            assertArrayEquals(KeySchedule.export(ab, "v2x-psk", 16, A, B), KeySchedule.export(ba, "v2x-psk", 16, B, A));
        }
    }

    @Test
    public void everyInputChangesTheKeys() {
        byte[] qkd = new byte[32];
        Arrays.fill(qkd, (byte) 1);
        byte[] otherSalt = SALT.clone();
        otherSalt[0] ^= 1;
        try (KeySchedule.EpochKeys base = KeySchedule.initial(SECRET, null, SALT, A, B);
                KeySchedule.EpochKeys withQkd = KeySchedule.initial(SECRET, qkd, SALT, A, B);
                KeySchedule.EpochKeys salted = KeySchedule.initial(SECRET, null, otherSalt, A, B);
                KeySchedule.EpochKeys other = KeySchedule.initial(SECRET, null, SALT, A,
                        new DeviceId("0000000000000000000000000000000c"))) {
            assertFalse(Arrays.equals(base.sendKey(true), withQkd.sendKey(true)));
            assertFalse(Arrays.equals(base.sendKey(true), salted.sendKey(true)));
            assertFalse(Arrays.equals(base.sendKey(true), other.sendKey(true)));
            byte[] n1 = new byte[32];
            byte[] n2 = new byte[32];
            n2[0] = 1;
            try (KeySchedule.EpochKeys next = KeySchedule.next(base, null, n1, n2, A, B);
                    KeySchedule.EpochKeys swapped = KeySchedule.next(base, null, n2, n1, A, B);
                    KeySchedule.EpochKeys nextQkd = KeySchedule.next(base, qkd, n1, n2, A, B)) {
                assertEquals(1, next.epoch);
                assertFalse(Arrays.equals(base.sendKey(true), next.sendKey(true)));
                assertFalse(Arrays.equals(next.sendKey(true), swapped.sendKey(true)));
                assertFalse(Arrays.equals(next.sendKey(true), nextQkd.sendKey(true)));
                assertFalse(Arrays.equals(KeySchedule.export(base, "l", 16, A, B), KeySchedule.export(next, "l", 16, A, B)));
            }
        }
    }

    @Test
    public void closeZeroises() {
        KeySchedule.EpochKeys k = KeySchedule.initial(SECRET, null, SALT, A, B);
        k.close();
        byte[] zero = new byte[32];
        assertArrayEquals(zero, k.lowToHigh);
        assertArrayEquals(zero, k.highToLow);
        assertArrayEquals(zero, k.chain);
        assertArrayEquals(zero, k.exporter);
    }
}
