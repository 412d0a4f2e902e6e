package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

public class SecurityViewsTest {

    private static final String ID_A = "00112233445566778899aabbccddeeff";
    private static final String ID_B = "ffeeddccbbaa99887766554433221100";

    @Test
    public void dausSortedByNameWithUnknownsAsDash() {
        String out = SecurityViews.daus(List.of(
                new SecurityViews.Dau("rsu-7", ID_B, "DAU_V", "RSU", "east", "not enrolled"),
                new SecurityViews.Dau("bs-E", ID_A, "DAU_N", "BASE_STATION", "east", null)));
        assertEquals(""
                + "NAME   DEVICE                            KIND   ROLE          ZONE  LOG\n"
                + "-----  --------------------------------  -----  ------------  ----  ------------\n"
                + "bs-E   00112233445566778899aabbccddeeff  DAU_N  BASE_STATION  east  -\n"
                + "rsu-7  ffeeddccbbaa99887766554433221100  DAU_V  RSU           east  not enrolled\n", out);
    }

    @Test
    public void noDauIsOneLineSayingWhatToConfigure() {
        assertEquals(SecurityViews.NO_DAU + "\n", SecurityViews.daus(List.of()));
    }

    @Test
    public void logShowsTheSignedTreeHeadThenEntries() {
        IdentityRecord rec = TestRecords.record("rsu-7", DeviceRole.RSU, DauKind.DAU_V, "east");
        byte[] leaf0 = filled(32, 0xab);
        byte[] leaf1 = filled(32, 0x01);
        SignedTreeHead head = new SignedTreeHead("city-log", 2, 1_795_000_000_000L, filled(32, 0x5c), new byte[3309]);
        String out = SecurityViews.log(head, List.of(
                new LogEntry(1, LogEntry.Type.REVOKE, rec.id(), null, "stolen  vehicle", 1_795_000_000_500L, leaf1),
                new LogEntry(0, LogEntry.Type.ENROL, rec.id(), rec, null, 1_795_000_000_000L, leaf0)), 0, 2);
        String[] lines = out.split("\n");
        assertEquals("log        city-log", lines[0]);
        assertEquals("size       2", lines[1]);
        assertEquals("timestamp  2026-11-18T11:06:40Z", lines[2]);
        assertEquals("root hash  " + "5c".repeat(32), lines[3]);
        assertEquals("signature  ML-DSA-65, 3309 bytes", lines[4]);
        assertEquals("", lines[5]);
        assertTrue(lines[6], lines[6].matches("INDEX +TYPE +DEVICE +NAME +TIME +LEAF HASH +DETAIL"));
        // sorted by index; whitespace runs in a reason collapse to one blank (one row per entry)
        assertTrue(lines[8], lines[8].matches("    0  ENROL   " + rec.id() + "  rsu-7  2026-11-18T11:06:40Z      "
                + "ab".repeat(32) + "  RSU DAU_V zone east"));
        assertTrue(lines[9], lines[9].matches("    1  REVOKE  " + rec.id() + "  -      2026-11-18T11:06:40.500Z  "
                + "01".repeat(32) + "  stolen vehicle"));
        assertEquals(10, lines.length); // the whole log shown: no paging note
    }

    @Test
    public void aSliceSaysWhichEntriesItShows() {
        IdentityRecord rec = TestRecords.record("v-1", DeviceRole.VEHICLE, DauKind.DAU_V, "east");
        SignedTreeHead head = new SignedTreeHead("L", 60, 0, new byte[32], new byte[1]);
        String out = SecurityViews.log(head, List.of(new LogEntry(10, LogEntry.Type.ENROL, rec.id(), rec, null, 0,
                new byte[32])), 10, 11);
        assertTrue(out, out.endsWith("entries 10 to 10 of 60 (dpn:log <from> <to> for others)\n"));
        assertTrue(SecurityViews.log(new SignedTreeHead("L", 0, 0, new byte[32], new byte[1]), List.of(), 0, 0)
                .endsWith("\nthe log is empty (dpn:enrol <dauName|file>)\n"));
        assertTrue(SecurityViews.log(head, List.of(), 60, 60).endsWith("\nno entries in [60, 60) (the log has 60)\n"));
    }

    @Test
    public void sessionsPerEndpointThenSessions() {
        String out = SecurityViews.sessions(List.of(
                new SecurityViews.Endpoint("rsu-7", ID_B, "0.0.0.0:7401", List.of()),
                new SecurityViews.Endpoint("bs-E", ID_A, "[::]:7400", List.of(
                        new SecurityViews.Session("1f", "rsu-7", ID_B, "RSU", "east", 3, false),
                        new SecurityViews.Session("a0", "bs-W", ID_B, "BASE_STATION", "core", 0, true)))));
        assertEquals(""
                + "DAU    DEVICE                            LISTEN        SESSIONS\n"
                + "-----  --------------------------------  ------------  --------\n"
                + "bs-E   00112233445566778899aabbccddeeff  [::]:7400            2\n"
                + "rsu-7  ffeeddccbbaa99887766554433221100  0.0.0.0:7401         0\n"
                + "\n"
                + "DAU   SESSION  PEER   PEER DEVICE                       PEER ROLE     SEGMENT  EPOCH  QKD\n"
                + "----  -------  -----  --------------------------------  ------------  -------  -----  ---\n"
                + "bs-E  a0       bs-W   ffeeddccbbaa99887766554433221100  BASE_STATION  core         0  yes\n"
                + "bs-E  1f       rsu-7  ffeeddccbbaa99887766554433221100  RSU           east         3  no\n", out);
        assertEquals(SecurityViews.NO_ENDPOINT + "\n", SecurityViews.sessions(List.of()));
        assertTrue(SecurityViews.sessions(List.of(new SecurityViews.Endpoint("x", ID_A, "h:1", List.of())))
                .endsWith("\nno open DPN sessions (dpn:connect <dauName> <host:port> <peerDeviceId>)\n"));
    }

    @Test
    public void sessionIdsPrintAsDpnLogsThemAndParseBack() {
        for (long id : new long[] {0, 1, 0x1f, -1, Long.MIN_VALUE, 0x7a3bc0de12345678L}) {
            String s = SecurityViews.sessionId(id);
            assertEquals(Long.toUnsignedString(id, 16), s);
            assertEquals(id, SecurityViews.parseSessionId(s));
            assertEquals(id, SecurityViews.parseSessionId(" 0X" + s.toUpperCase() + " "));
        }
        for (String bad : new String[] {"", "0x", "xyz", "12345678901234567", "-1"}) {
            try {
                SecurityViews.parseSessionId(bad);
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("not a session ID: '" + bad + "'"));
            }
        }
    }

    @Test
    public void hostPortParsing() {
        assertAddress("10.0.0.7:7400", "10.0.0.7", 7400);
        assertAddress(" rsu-7.example:1 ", "rsu-7.example", 1);
        assertAddress("[fd00::7]:65535", "fd00::7", 65535);
        for (String bad : new String[] {"10.0.0.7", "fd00::7:7400", ":7400", "h:0", "h:65536", "h:x", "[::1]", "h:"}) {
            try {
                SecurityViews.parseAddress(bad);
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertEquals("not host:port: '" + bad + "' (e.g. 10.0.0.7:7400 or [fd00::7]:7400)", e.getMessage());
            }
        }
        assertEquals("[0:0:0:0:0:0:0:1]:7000", SecurityViews.address(new InetSocketAddress("::1", 7000)));
        assertEquals("[fd00::7]:7400", SecurityViews.address(InetSocketAddress.createUnresolved("fd00::7", 7400)));
        assertEquals("127.0.0.1:7000", SecurityViews.address(new InetSocketAddress("127.0.0.1", 7000)));
        assertEquals("-", SecurityViews.address(null));
    }

    @Test
    public void logPageRanges() {
        assertArrayEquals(new long[] {0, 12}, DpnCommands.range(-1, -1, 12));
        assertArrayEquals(new long[] {70, 120}, DpnCommands.range(-1, -1, 120));
        assertArrayEquals(new long[] {5, 55}, DpnCommands.range(5, -1, 120));
        assertArrayEquals(new long[] {5, 12}, DpnCommands.range(5, -1, 12));
        assertArrayEquals(new long[] {2, 4}, DpnCommands.range(2, 4, 12));
        assertArrayEquals(new long[] {12, 12}, DpnCommands.range(30, 40, 12));
        assertArrayEquals(new long[] {3, 3}, DpnCommands.range(3, 3, 12));
        assertNull(DpnCommands.range(4, 2, 12));
        assertNull(DpnCommands.range(-2, 5, 12));
    }

    private static void assertArrayEquals(long[] expected, long[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }

    private static void assertAddress(String s, String host, int port) {
        InetSocketAddress a = SecurityViews.parseAddress(s);
        assertTrue(a.isUnresolved());
        assertEquals(host, a.getHostString());
        assertEquals(port, a.getPort());
    }

    private static byte[] filled(int n, int b) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) b);
        return out;
    }

    static DeviceId id(String hex) {
        return new DeviceId(hex);
    }
}
