package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;

/** The zap: and dpn: commands over in-test fakes of the services: outputs and one-line refusals. */
public class SecurityCommandsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final IdentityRecord bs = TestRecords.record("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "east");
    private final IdentityRecord rsu = TestRecords.record("rsu-7", DeviceRole.RSU, DauKind.DAU_V, "east");
    private final ZapCommands zap = new ZapCommands();
    private final DpnCommands dpn = new DpnCommands();

    @Test
    public void missingServicesGiveOneClearLine() {
        assertEquals(SecurityViews.NO_DAU, zap.daus());
        assertEquals(SecurityViews.NO_DAU, zap.identity("bs-E"));
        assertEquals(SecurityViews.NO_LOG, dpn.enrol("bs-E"));
        assertEquals(SecurityViews.NO_LOG, dpn.revoke(rsu.id().value(), "stolen"));
        assertEquals(SecurityViews.NO_LOG, dpn.log());
        assertEquals(SecurityViews.NO_LOG, dpn.log(3));
        assertEquals(SecurityViews.NO_ENDPOINT, dpn.sessions());
        assertEquals(SecurityViews.NO_ENDPOINT, dpn.rekey("1f"));
        assertEquals(SecurityViews.NO_ENDPOINT, dpn.connect("bs-E", "127.0.0.1:7400", rsu.id().value()));
        assertEquals("no identity log in this framework: configure org.qkdv2i.dpn.IdentityLog", SecurityViews.NO_LOG);
    }

    @Test
    public void dausFromServicePropertiesWithTheirStateInTheDirectory() {
        zap.bindDeviceAuthenticationUnit(new FakeDau(bs), props(bs));
        zap.bindDeviceAuthenticationUnit(new FakeDau(rsu), props(rsu));
        assertTrue(zap.daus(), zap.daus().contains("bs-E   " + bs.id() + "  DAU_N  BASE_STATION  east  -"));
        FakeLog log = new FakeLog();
        log.revoked.add(rsu.id());
        log.enrolled.add(bs);
        zap.bindIdentityDirectory(log);
        String out = zap.daus();
        assertTrue(out, out.contains("bs-E   " + bs.id() + "  DAU_N  BASE_STATION  east  enrolled"));
        assertTrue(out, out.contains("rsu-7  " + rsu.id() + "  DAU_V  RSU           east  revoked"));
        zap.unbindIdentityDirectory(log);
        assertTrue(zap.daus(), zap.daus().endsWith("east  -"));
    }

    @Test
    public void identityPrintsTheRecordFileTextAndWritesANewFileOnly() throws Exception {
        zap.bindDeviceAuthenticationUnit(new FakeDau(rsu), props(rsu));
        assertEquals(IdentityRecordFile.write(rsu).stripTrailing(), zap.identity("rsu-7"));
        assertEquals("no DAU named 'rsu-8' in this framework (zap:daus lists them)", zap.identity("rsu-8"));

        File f = new File(tmp.getRoot(), "rsu-7.json");
        String out = zap.identity("rsu-7", f.getPath());
        assertEquals("wrote the identity record of rsu-7 (device " + rsu.id() + ", RSU DAU_V, zone east) to " + f
                + "\nenrol it at a base station: dpn:enrol " + f, out);
        assertEquals(rsu, IdentityRecordFile.read(Files.readAllBytes(f.toPath())));
        byte[] before = Files.readAllBytes(f.toPath());
        assertEquals("not written: " + f + " exists (remove it or choose another name)", zap.identity("rsu-7", f.getPath()));
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(f.toPath()));
        File noDir = new File(tmp.getRoot(), "missing/rsu-7.json");
        assertEquals("not written: folder " + noDir.getParent() + " does not exist", zap.identity("rsu-7", noDir.getPath()));
    }

    @Test
    public void aDauWithoutIdentitySaysSo() {
        FakeDau broken = new FakeDau(rsu);
        broken.failure = new IllegalStateException("PUF secret not reconstructed");
        zap.bindDeviceAuthenticationUnit(broken, props(rsu));
        assertEquals("DAU rsu-7 has no identity now: PUF secret not reconstructed", zap.identity("rsu-7"));
        broken.failure = new RuntimeException();
        assertEquals("DAU rsu-7 did not answer: RuntimeException", zap.identity("rsu-7"));
    }

    @Test
    public void recordCarriedAsAFileIsEnrolledAtTheBaseStation() throws Exception {
        // at the RSU
        zap.bindDeviceAuthenticationUnit(new FakeDau(rsu), props(rsu));
        File f = new File(tmp.getRoot(), "rsu-7.json");
        zap.identity("rsu-7", f.getPath());
        // at the base station: a local DAU of its own, and the log
        FakeLog log = new FakeLog();
        dpn.bindIdentityLog(log);
        dpn.bindDeviceAuthenticationUnit(new FakeDau(bs), props(bs));
        String out = dpn.enrol(f.getPath());
        assertEquals(List.of(rsu), log.enrolled);
        String[] lines = out.split("\n");
        assertEquals("enrolled rsu-7 (device " + rsu.id() + ", RSU DAU_V, zone east) from " + f, lines[0]);
        assertTrue(lines[3], lines[3].matches(" +0  ENROL  " + rsu.id() + "  rsu-7  \\S+  " + "07".repeat(32) + "  RSU DAU_V zone east"));

        out = dpn.enrol("bs-E");
        assertTrue(out, out.startsWith("enrolled bs-E (device " + bs.id() + ", BASE_STATION DAU_N, zone east) from local DAU bs-E\n"));
        assertEquals(List.of(rsu, bs), log.enrolled);

        out = dpn.enrol(f.getPath());
        assertTrue(out, out.startsWith("already enrolled: rsu-7 (device " + rsu.id() + ", RSU DAU_V, zone east) from " + f + "\n"));
        assertTrue(out, out.contains("    0  ENROL  " + rsu.id()));
        assertEquals(2, log.entries.size());
    }

    @Test
    public void enrolRefusalsAreOneLine() throws Exception {
        FakeLog log = new FakeLog();
        dpn.bindIdentityLog(log);
        File nothing = new File(tmp.getRoot(), "nothing.json");
        assertEquals("no DAU in this framework and no file " + nothing, dpn.enrol(nothing.getPath()));
        dpn.bindDeviceAuthenticationUnit(new FakeDau(bs), props(bs));
        assertEquals("no DAU named '" + nothing.getPath() + "' in this framework (zap:daus lists them) and no file "
                + nothing, dpn.enrol(nothing.getPath()));

        File bad = tmp.newFile("bad.json");
        Files.writeString(bad.toPath(), IdentityRecordFile.write(rsu).replace("\"RSU\"", "\"ROADSIDE\""));
        assertEquals("not enrolled: " + bad + ": line 5, field \"role\": \"ROADSIDE\" is not one of "
                + "[BASE_STATION, RSU, VEHICLE, CONTROLLER]", dpn.enrol(bad.getPath()));

        log.failure = new IdentityLogException("no quorum: 1 of 3 replicas reachable");
        assertEquals("not enrolled: no quorum: 1 of 3 replicas reachable", dpn.enrol("bs-E"));
        log.failure = null;
        log.runtimeFailure = new IllegalStateException("Ratis\nserver closed");
        assertEquals("not enrolled: the identity log failed: Ratis server closed", dpn.enrol("bs-E"));
        assertTrue(log.enrolled.isEmpty());
    }

    @Test
    public void revokeRecordsTheWholeReason() {
        FakeLog log = new FakeLog();
        dpn.bindIdentityLog(log);
        String out = dpn.revoke(rsu.id().value().toUpperCase(), "stolen", "vehicle,", "reported", "2026-11-27");
        assertEquals(List.of(rsu.id() + " stolen vehicle, reported 2026-11-27"), log.revocations);
        assertTrue(out, out.startsWith("revoked " + rsu.id() + "\n"));
        assertTrue(out, out.contains("REVOKE  " + rsu.id() + "  -     "));
        assertTrue(out, out.endsWith("stolen vehicle, reported 2026-11-27"));
        assertEquals("usage: dpn:revoke <deviceId> <reason...> (the reason is recorded in the log)",
                dpn.revoke(rsu.id().value()));
        assertEquals("not a device ID: 'rsu-7' (32 hex digits, as zap:daus and dpn:log show them)", dpn.revoke("rsu-7", "x"));
        assertEquals(1, log.revocations.size());
    }

    @Test
    public void logShowsHeadAndRequestedEntries() {
        FakeLog log = new FakeLog();
        dpn.bindIdentityLog(log);
        assertTrue(dpn.log(), dpn.log().endsWith("the log is empty (dpn:enrol <dauName|file>)"));
        for (int i = 0; i < 3; i++) {
            IdentityRecord r = TestRecords.record("v-" + i, DeviceRole.VEHICLE, DauKind.DAU_V, "east");
            dpn.bindDeviceAuthenticationUnit(new FakeDau(r), props(r));
            assertTrue(dpn.enrol("v-" + i).startsWith("enrolled v-" + i));
        }
        String all = dpn.log();
        assertTrue(all, all.startsWith("log        test-log\nsize       3\n"));
        assertEquals(3, all.lines().filter(l -> l.contains(" ENROL ")).count());
        String slice = dpn.log(1, 2);
        assertEquals(1, slice.lines().filter(l -> l.contains(" ENROL ")).count());
        assertTrue(slice, slice.endsWith("entries 1 to 1 of 3 (dpn:log <from> <to> for others)"));
        assertEquals("usage: dpn:log [from] [to] (0 <= from <= to; the log has 3 entries)", dpn.log(2, 1));
        assertEquals("usage: dpn:log [from] [to] (0 <= from <= to)", dpn.log(-5));
        dpn.unbindIdentityLog(log);
        assertEquals(SecurityViews.NO_LOG, dpn.log());
    }

    @Test
    public void sessionsRekeyAndConnect() {
        FakeEndpoint ep = new FakeEndpoint(bs.id(), new InetSocketAddress("127.0.0.1", 7400));
        dpn.bindDpnEndpoint(ep, Map.of(DeviceAuthenticationUnit.NAME, "bs-E"));
        assertTrue(dpn.sessions(), dpn.sessions().endsWith("no open DPN sessions (dpn:connect <dauName> <host:port> <peerDeviceId>)"));

        String out = dpn.connect("bs-E", "127.0.0.1:7401", rsu.id().value());
        assertEquals(new InetSocketAddress("127.0.0.1", 7401), ep.lastAddress);
        FakeSession s = (FakeSession) ep.sessions().iterator().next();
        assertTrue(out, out.startsWith("session open\n"));
        assertTrue(out, out.contains("bs-E  " + SecurityViews.sessionId(s.sessionId()) + "  rsu-7  " + rsu.id() + "  RSU"));
        assertTrue(dpn.sessions(), dpn.sessions().contains("bs-E  " + bs.id() + "  127.0.0.1:7400         1"));

        assertEquals("rekeyed session " + SecurityViews.sessionId(s.sessionId()) + " (bs-E - rsu-7): epoch 0 -> 1",
                dpn.rekey(SecurityViews.sessionId(s.sessionId())));
        assertEquals(1, s.epoch);
        s.rekeyFailure = new DpnException(DpnException.Reason.REVOKED, "peer rsu-7 is revoked");
        assertEquals("rekey of session " + SecurityViews.sessionId(s.sessionId()) + " failed (REVOKED): peer rsu-7 is revoked",
                dpn.rekey(SecurityViews.sessionId(s.sessionId())));
        assertEquals("no open session 1234 in this framework (dpn:sessions lists them)", dpn.rekey("1234"));
        assertEquals("not a session ID: 'zz' (hex, as dpn:sessions shows it)", dpn.rekey("zz"));

        ep.connectFailure = new DpnException(DpnException.Reason.POLICY_DENIED, "rule VEHICLE>BASE_STATION not allowed");
        assertEquals("no session (POLICY_DENIED): rule VEHICLE>BASE_STATION not allowed",
                dpn.connect("bs-E", "127.0.0.1:7401", rsu.id().value()));
        assertEquals("no DPN endpoint for DAU 'bs-W' (dpn:sessions lists the endpoints)",
                dpn.connect("bs-W", "127.0.0.1:7401", rsu.id().value()));
        assertEquals("not host:port: '7401' (e.g. 10.0.0.7:7400 or [fd00::7]:7400)", dpn.connect("bs-E", "7401", rsu.id().value()));
        assertEquals("no session: cannot resolve host 'no-such-host.invalid'",
                dpn.connect("bs-E", "no-such-host.invalid:7401", rsu.id().value()));

        s.closed = true; // a session closing while listed is left out, not an exception
        assertTrue(dpn.sessions(), dpn.sessions().contains("127.0.0.1:7400         0"));
        dpn.unbindDpnEndpoint(ep);
        assertEquals(SecurityViews.NO_ENDPOINT, dpn.sessions());
    }

    // ---- fakes ------------------------------------------------------------------------------

    private static Map<String, Object> props(IdentityRecord r) {
        return Map.of(DeviceAuthenticationUnit.NAME, r.name(), DeviceAuthenticationUnit.ID, r.id().value(),
                DeviceAuthenticationUnit.KIND, r.kind().name(), DeviceAuthenticationUnit.ROLE, r.role().name(),
                DeviceAuthenticationUnit.ZONE, r.zone());
    }

    static final class FakeDau implements DeviceAuthenticationUnit {
        final IdentityRecord record;
        volatile RuntimeException failure;

        FakeDau(IdentityRecord record) {
            this.record = record;
        }

        @Override
        public DeviceId id() {
            return record.id();
        }

        @Override
        public IdentityRecord identityRecord() {
            if (failure != null) {
                throw failure;
            }
            return record;
        }

        @Override
        public UnitAuthentication initiate(DeviceId expectedPeer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UnitAuthentication respond() {
            throw new UnsupportedOperationException();
        }
    }

    static class FakeLog implements IdentityLog, IdentityDirectory {
        final List<IdentityRecord> enrolled = new CopyOnWriteArrayList<>();
        final List<String> revocations = new CopyOnWriteArrayList<>();
        final List<DeviceId> revoked = new CopyOnWriteArrayList<>();
        final List<LogEntry> entries = new CopyOnWriteArrayList<>();
        volatile IdentityLogException failure;
        volatile RuntimeException runtimeFailure;

        @Override
        public LogEntry enrol(IdentityRecord record) throws IdentityLogException {
            check();
            for (LogEntry e : entries) {
                if (record.equals(e.record())) {
                    return e; // as the real log: an enrolment it holds is answered with its entry
                }
            }
            enrolled.add(record);
            return add(new LogEntry(entries.size(), LogEntry.Type.ENROL, record.id(), record, null, 1_000L * entries.size(),
                    filled(7 + entries.size())));
        }

        @Override
        public LogEntry revoke(DeviceId id, String reason) throws IdentityLogException {
            check();
            revocations.add(id + " " + reason);
            revoked.add(id);
            return add(new LogEntry(entries.size(), LogEntry.Type.REVOKE, id, null, reason, 0, filled(9)));
        }

        private void check() throws IdentityLogException {
            if (failure != null) {
                throw failure;
            }
            if (runtimeFailure != null) {
                throw runtimeFailure;
            }
        }

        private LogEntry add(LogEntry e) {
            entries.add(e);
            return e;
        }

        @Override
        public SignedTreeHead treeHead() {
            return new SignedTreeHead("test-log", entries.size(), 0, new byte[32], new byte[3309]);
        }

        @Override
        public List<LogEntry> entries(long from, long to) {
            return new ArrayList<>(entries.subList((int) from, (int) to));
        }

        @Override
        public List<byte[]> inclusionProof(long index, long treeSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<byte[]> consistencyProof(long first, long second) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<IdentityRecord> find(DeviceId id) {
            return enrolled.stream().filter(r -> r.id().equals(id)).findFirst();
        }

        @Override
        public boolean isRevoked(DeviceId id) {
            return revoked.contains(id);
        }

        @Override
        public void addListener(Listener listener) {
        }

        @Override
        public void removeListener(Listener listener) {
        }

        private static byte[] filled(int b) {
            byte[] out = new byte[32];
            java.util.Arrays.fill(out, (byte) b);
            return out;
        }
    }

    final class FakeEndpoint implements DpnEndpoint {
        final DeviceId id;
        final InetSocketAddress listen;
        final List<DpnSession> sessions = new CopyOnWriteArrayList<>();
        volatile InetSocketAddress lastAddress;
        volatile DpnException connectFailure;

        FakeEndpoint(DeviceId id, InetSocketAddress listen) {
            this.id = id;
            this.listen = listen;
        }

        @Override
        public DeviceId deviceId() {
            return id;
        }

        @Override
        public InetSocketAddress listenAddress() {
            return listen;
        }

        @Override
        public DpnSession connect(InetSocketAddress address, DeviceId expectedPeer) throws DpnException {
            lastAddress = address;
            if (connectFailure != null) {
                throw connectFailure;
            }
            FakeSession s = new FakeSession(0xfedcba9876543210L, rsu);
            sessions.add(s);
            return s;
        }

        @Override
        public Collection<DpnSession> sessions() {
            return sessions;
        }
    }

    static final class FakeSession implements DpnSession {
        final long id;
        final IdentityRecord peer;
        volatile int epoch;
        volatile boolean closed;
        volatile DpnException rekeyFailure;

        FakeSession(long id, IdentityRecord peer) {
            this.id = id;
            this.peer = peer;
        }

        @Override
        public long sessionId() {
            return id;
        }

        @Override
        public IdentityRecord peer() {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            return peer;
        }

        @Override
        public String segment() {
            return "east";
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public boolean quantumKeyed() {
            return false;
        }

        @Override
        public void send(byte[] payload) {
        }

        @Override
        public void rekey() throws DpnException {
            if (rekeyFailure != null) {
                throw rekeyFailure;
            }
            epoch++;
        }

        @Override
        public byte[] exportKey(String label, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    public void noStackTraceEscapesFromAFailingDirectory() {
        zap.bindDeviceAuthenticationUnit(new FakeDau(rsu), props(rsu));
        zap.bindIdentityDirectory(new FakeLog() {
            @Override
            public boolean isRevoked(DeviceId id) {
                throw new IllegalStateException("replica stopping");
            }
        });
        String out = zap.daus();
        assertTrue(out, out.endsWith("east  -"));
        assertFalse(out.contains("Exception"));
    }
}
