package org.qkdv2i.dpn.identitylog.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.dpn.identitylog.TestRecords.record;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.Test;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.identitylog.internal.EntryCodec.Leaf;
import org.qkdv2i.dpn.identitylog.internal.Wire.MalformedException;
import org.qkdv2i.zap.api.IdentityRecord;

public class EntryCodecTest {

    @Test
    public void enrolmentRoundTripsAndEncodesTheSameBytesEveryTime() throws Exception {
        IdentityRecord r = record(3);
        Leaf leaf = Leaf.enrol(r, 1_790_000_123_456L);
        byte[] a = EntryCodec.encode(leaf);
        assertArrayEquals("deterministic", a, EntryCodec.encode(Leaf.enrol(record(3), 1_790_000_123_456L)));
        Leaf back = EntryCodec.decode(a);
        assertEquals(r, back.record());
        assertEquals(leaf.timestamp(), back.timestamp());
        assertArrayEquals("decode . encode is the identity", a, EntryCodec.encode(back));
        // layout: version, type, 16-byte ID, timestamp
        assertEquals(1, a[0]);
        assertEquals(1, a[1]);
        assertArrayEquals(HexFormat.of().parseHex(r.id().value()), Arrays.copyOfRange(a, 2, 18));
        assertEquals(1_790_000_123_456L, ByteBuffer.wrap(a, 18, 8).getLong());
        LogEntry e = back.at(7, Merkle.leafHash(a));
        assertArrayEquals(Merkle.leafHash(a), e.leafHash());
    }

    @Test
    public void revocationRoundTrips() throws Exception {
        Leaf leaf = Leaf.revoke(record(4).id(), "stolen vehicle — reported", 42);
        byte[] a = EntryCodec.encode(leaf);
        assertEquals(2, a[1]);
        Leaf back = EntryCodec.decode(a);
        assertEquals(LogEntry.Type.REVOKE, back.type());
        assertEquals("stolen vehicle — reported", back.reason());
        assertEquals(record(4).id(), back.deviceId());
    }

    @Test
    public void differentRecordsGiveDifferentLeaves() {
        IdentityRecord r = record(5);
        IdentityRecord otherZone = new IdentityRecord(r.id(), r.name(), r.role(), r.kind(), r.zone() + "x",
                r.measurementDigest(), r.mlDsaPublicKey(), r.mlKemPublicKey(), r.enrolledAt());
        assertTrue(!Arrays.equals(EntryCodec.encode(Leaf.enrol(r, 1)), EntryCodec.encode(Leaf.enrol(otherZone, 1))));
        assertTrue(!Arrays.equals(EntryCodec.encode(Leaf.enrol(r, 1)), EntryCodec.encode(Leaf.enrol(r, 2))));
    }

    @Test
    public void malformedEncodingsAreRefusedWithAReason() {
        byte[] good = EntryCodec.encode(Leaf.enrol(record(6), 1));
        assertMalformed(Arrays.copyOf(good, good.length + 1), "trailing");
        assertMalformed(Arrays.copyOf(good, good.length - 1), "");
        assertMalformed(Arrays.copyOf(good, 10), "field of 16 bytes, 8 left");
        byte[] v = good.clone();
        v[0] = 9;
        assertMalformed(v, "version 9");
        byte[] t = good.clone();
        t[1] = 7;
        assertMalformed(t, "unknown entry type 7");
        byte[] role = EntryCodec.encode(Leaf.enrol(record(6), 1));
        // the role string follows the name ("dev-6": u16 5 + 5 bytes) at offset 26
        int roleAt = 26 + 2 + 5 + 2;
        role[roleAt] = 'X';
        assertMalformed(role, "unknown DeviceRole");
        byte[] utf = EntryCodec.encode(Leaf.revoke(record(6).id(), "ab", 1));
        utf[utf.length - 1] = (byte) 0xC3;
        assertMalformed(utf, "not UTF-8");
    }

    private static void assertMalformed(byte[] b, String why) {
        try {
            EntryCodec.decode(b);
            fail("decoded a malformed entry");
        } catch (MalformedException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        } catch (IllegalArgumentException e) {
            fail("a malformed entry must be a MalformedException, got " + e);
        }
    }
}
