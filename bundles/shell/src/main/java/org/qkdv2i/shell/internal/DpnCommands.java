package org.qkdv2i.shell.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gogo commands of scope {@code dpn}: the identity log (enrol, revoke, log) and the DPN
 * endpoints' sessions (sessions, rekey, connect). Every service is optional and dynamic
 * (greedy); a command whose service is missing says so in one line. Enabled by
 * {@link SecurityCommandsGate} only when {@code org.qkdv2i.zap.api} and
 * {@code org.qkdv2i.dpn.api} are wired to this bundle.
 */
@Component(name = SecurityCommandsGate.DPN_COMMANDS, enabled = false, service = DpnCommands.class, property = {
        "osgi.command.scope=dpn",
        "osgi.command.function=enrol",
        "osgi.command.function=revoke",
        "osgi.command.function=log",
        "osgi.command.function=sessions",
        "osgi.command.function=rekey",
        "osgi.command.function=connect"})
public class DpnCommands {

    private static final Logger LOG = LoggerFactory.getLogger(DpnCommands.class);
    /** Entries {@code dpn:log} shows when not told which. */
    static final int PAGE = 50;

    private final DauRegistry daus = new DauRegistry();
    private final Map<DpnEndpoint, String> endpoints = new ConcurrentHashMap<>();
    private volatile IdentityLog log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindIdentityLog(IdentityLog l) {
        log = l;
    }

    void unbindIdentityLog(IdentityLog l) {
        if (log == l) {
            log = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedDpnEndpoint")
    void bindDpnEndpoint(DpnEndpoint e, Map<String, Object> props) {
        Object name = props.get(DeviceAuthenticationUnit.NAME);
        endpoints.put(e, name == null ? "?" : name.toString());
    }

    void updatedDpnEndpoint(DpnEndpoint e, Map<String, Object> props) {
        bindDpnEndpoint(e, props);
    }

    void unbindDpnEndpoint(DpnEndpoint e) {
        endpoints.remove(e);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedDeviceAuthenticationUnit")
    void bindDeviceAuthenticationUnit(DeviceAuthenticationUnit dau, Map<String, Object> props) {
        daus.add(dau, props);
    }

    void updatedDeviceAuthenticationUnit(DeviceAuthenticationUnit dau, Map<String, Object> props) {
        daus.add(dau, props);
    }

    void unbindDeviceAuthenticationUnit(DeviceAuthenticationUnit dau) {
        daus.remove(dau);
    }

    // ---- identity log -------------------------------------------------------------------

    @Descriptor("enrol a local DAU's identity record, or a record file (zap:identity <dau> <file>), in the identity log")
    public String enrol(@Descriptor("DAU name (zap:daus) or record file") String dauNameOrFile) {
        try {
            IdentityLog l = identityLog();
            String source;
            IdentityRecord record;
            DeviceAuthenticationUnit dau = daus.find(dauNameOrFile);
            if (dau != null) {
                record = DauRegistry.record(dauNameOrFile, dau);
                source = "local DAU " + dauNameOrFile;
            } else {
                Path p = Commands.file(dauNameOrFile);
                if (!Files.isRegularFile(p)) {
                    throw new Refusal(daus.isEmpty() ? "no DAU in this framework and no file " + p
                            : "no DAU named '" + dauNameOrFile + "' in this framework (zap:daus lists them) and no file " + p);
                }
                record = readRecord(p);
                source = p.toString();
            }
            LogEntry e;
            long sizeBefore;
            try {
                sizeBefore = l.treeHead().treeSize();
                e = l.enrol(record);
            } catch (IdentityLogException x) {
                throw new Refusal("not enrolled: " + Commands.describe(x));
            } catch (RuntimeException x) {
                throw new Refusal("not enrolled: the identity log failed: " + Commands.describe(x));
            }
            // the log answers an enrolment it already holds with the existing entry
            boolean already = e.index() < sizeBefore;
            LOG.info("shell: {} {} (device {}) from {} at index {}", already ? "already enrolled" : "enrolled",
                    record.name(), record.id(), source, e.index());
            return (already ? "already enrolled: " : "enrolled ") + record.name() + " (device " + record.id() + ", "
                    + record.role() + " " + record.kind() + ", zone " + record.zone() + ") from " + source + "\n"
                    + SecurityViews.entries(List.of(e)).stripTrailing();
        } catch (Refusal r) {
            return r.getMessage();
        }
    }

    static IdentityRecord readRecord(Path p) throws Refusal {
        try {
            if (Files.size(p) > IdentityRecordFile.MAX_BYTES) {
                throw new Refusal("not enrolled: " + p + ": " + Files.size(p) + " bytes, not an identity record file");
            }
            return IdentityRecordFile.read(Files.readAllBytes(p));
        } catch (IdentityRecordFile.FormatException e) {
            throw new Refusal("not enrolled: " + p + ": " + e.getMessage());
        } catch (IOException e) {
            throw new Refusal("not enrolled: cannot read " + p + ": " + Commands.describe(e));
        }
    }

    @Descriptor("revoke a device in the identity log: its DPN sessions close, its next message is refused")
    public String revoke(@Descriptor("device ID (32 hex digits)") String deviceId,
            @Descriptor("why (free text, recorded in the log)") String... reason) {
        try {
            IdentityLog l = identityLog();
            DeviceId id = Commands.deviceId(deviceId);
            String why = reason == null ? "" : String.join(" ", reason).trim();
            if (why.isEmpty()) {
                return "usage: dpn:revoke <deviceId> <reason...> (the reason is recorded in the log)";
            }
            LogEntry e;
            try {
                e = l.revoke(id, why);
            } catch (IdentityLogException x) {
                throw new Refusal("not revoked: " + Commands.describe(x));
            } catch (RuntimeException x) {
                throw new Refusal("not revoked: the identity log failed: " + Commands.describe(x));
            }
            LOG.info("shell: revoked device {} at index {}: {}", id, e.index(), why);
            return "revoked " + id + "\n" + SecurityViews.entries(List.of(e)).stripTrailing();
        } catch (Refusal r) {
            return r.getMessage();
        }
    }

    @Descriptor("signed tree head of the identity log and its last " + PAGE + " entries")
    public String log() {
        return log(-1, -1);
    }

    @Descriptor("signed tree head and " + PAGE + " entries from index <from>")
    public String log(@Descriptor("first entry (from 0)") long from) {
        return from < 0 ? "usage: dpn:log [from] [to] (0 <= from <= to)" : log(from, -1);
    }

    @Descriptor("signed tree head and entries [from, to) of the identity log")
    public String log(@Descriptor("first entry (from 0)") long from, @Descriptor("end (exclusive)") long to) {
        try {
            IdentityLog l = identityLog();
            SignedTreeHead head = l.treeHead();
            long size = head.treeSize();
            long[] range = range(from, to, size);
            if (range == null) {
                return "usage: dpn:log [from] [to] (0 <= from <= to; the log has " + size + " entries)";
            }
            // entries after the head were appended since: the slice stays within the head shown
            List<LogEntry> entries = range[0] < range[1] ? l.entries(range[0], range[1]) : List.of();
            return SecurityViews.log(head, entries, range[0], range[1]).stripTrailing();
        } catch (Refusal r) {
            return r.getMessage();
        } catch (RuntimeException x) {
            return "identity log did not answer: " + Commands.describe(x);
        }
    }

    /**
     * The slice {@code dpn:log} shows: both -1 = the last {@link #PAGE}; {@code to} -1 = a
     * page from {@code from}; {@code to} beyond the log is cut to its size. Null if nonsense.
     */
    static long[] range(long from, long to, long size) {
        if (from == -1 && to == -1) {
            return new long[] {Math.max(0, size - PAGE), size};
        }
        if (from < 0 || (to != -1 && to < from)) {
            return null;
        }
        long end = to == -1 ? from + PAGE : to;
        long f = Math.min(from, size);
        return new long[] {f, Math.min(Math.max(end, f), size)};
    }

    private IdentityLog identityLog() throws Refusal {
        IdentityLog l = log;
        if (l == null) {
            throw new Refusal(SecurityViews.NO_LOG);
        }
        return l;
    }

    // ---- DPN sessions -------------------------------------------------------------------

    @Descriptor("DPN endpoints (DAU, listen address) and their open sessions")
    public String sessions() {
        List<SecurityViews.Endpoint> out = new ArrayList<>();
        for (Map.Entry<DpnEndpoint, String> e : endpoints.entrySet()) {
            try {
                DpnEndpoint ep = e.getKey();
                List<SecurityViews.Session> sessions = new ArrayList<>();
                for (DpnSession s : ep.sessions()) {
                    SecurityViews.Session v = view(s);
                    if (v != null) {
                        sessions.add(v);
                    }
                }
                out.add(new SecurityViews.Endpoint(e.getValue(), ep.deviceId().value(),
                        SecurityViews.address(ep.listenAddress()), sessions));
            } catch (RuntimeException leftMeanwhile) {
                // an endpoint being deactivated while we ask it: not part of this answer
            }
        }
        return SecurityViews.sessions(out).stripTrailing();
    }

    @Descriptor("move a DPN session to fresh keys now (both sides, next epoch)")
    public String rekey(@Descriptor("session ID (hex, as dpn:sessions shows it)") String sessionId) {
        try {
            long id;
            try {
                id = SecurityViews.parseSessionId(sessionId);
            } catch (IllegalArgumentException e) {
                throw new Refusal(e.getMessage());
            }
            if (endpoints.isEmpty()) {
                throw new Refusal(SecurityViews.NO_ENDPOINT);
            }
            for (Map.Entry<DpnEndpoint, String> e : endpoints.entrySet()) {
                DpnSession s = find(e.getKey(), id);
                if (s == null) {
                    continue;
                }
                int before = s.epoch();
                try {
                    s.rekey();
                } catch (DpnException x) {
                    throw new Refusal("rekey of session " + SecurityViews.sessionId(id) + " failed (" + x.reason() + "): "
                            + Commands.describe(x));
                } catch (RuntimeException x) {
                    throw new Refusal("rekey of session " + SecurityViews.sessionId(id) + " failed: " + Commands.describe(x));
                }
                SecurityViews.Session v = view(s);
                return "rekeyed session " + SecurityViews.sessionId(id) + " (" + e.getValue() + " - "
                        + (v == null ? "?" : v.peerName()) + "): epoch " + before + " -> " + s.epoch();
            }
            throw new Refusal("no open session " + SecurityViews.sessionId(id) + " in this framework (dpn:sessions lists them)");
        } catch (Refusal r) {
            return r.getMessage();
        }
    }

    private static DpnSession find(DpnEndpoint ep, long id) {
        try {
            for (DpnSession s : ep.sessions()) {
                if (s.sessionId() == id) {
                    return s;
                }
            }
        } catch (RuntimeException leftMeanwhile) {
            // endpoint going away: it holds no session any more
        }
        return null;
    }

    @Descriptor("open (or show the open) DPN session from a local DAU to a peer DAU")
    public String connect(@Descriptor("local DAU name (its DPN endpoint)") String dauName,
            @Descriptor("peer endpoint host:port") String hostPort,
            @Descriptor("peer device ID (32 hex digits)") String peerDeviceId) {
        try {
            DpnEndpoint ep = endpoint(dauName);
            InetSocketAddress unresolved;
            try {
                unresolved = SecurityViews.parseAddress(hostPort);
            } catch (IllegalArgumentException e) {
                throw new Refusal(e.getMessage());
            }
            DeviceId peer = Commands.deviceId(peerDeviceId);
            InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
            if (address.isUnresolved()) {
                throw new Refusal("no session: cannot resolve host '" + unresolved.getHostString() + "'");
            }
            DpnSession s;
            try {
                s = ep.connect(address, peer);
            } catch (DpnException x) {
                throw new Refusal("no session (" + x.reason() + "): " + Commands.describe(x));
            } catch (RuntimeException x) {
                throw new Refusal("no session: " + Commands.describe(x));
            }
            SecurityViews.Session v = view(s);
            if (v == null) {
                throw new Refusal("session to " + peer + " closed right after it opened (see the log)");
            }
            return "session open\n" + SecurityViews.session(dauName, v).stripTrailing();
        } catch (Refusal r) {
            return r.getMessage();
        }
    }

    private DpnEndpoint endpoint(String dauName) throws Refusal {
        if (endpoints.isEmpty()) {
            throw new Refusal(SecurityViews.NO_ENDPOINT);
        }
        List<DpnEndpoint> found = endpoints.entrySet().stream().filter(e -> e.getValue().equals(dauName))
                .map(Map.Entry::getKey).toList();
        if (found.isEmpty()) {
            throw new Refusal("no DPN endpoint for DAU '" + dauName + "' (dpn:sessions lists the endpoints)");
        }
        if (found.size() > 1) {
            throw new Refusal(found.size() + " DPN endpoints serve DAU '" + dauName + "': configure one per DAU");
        }
        return found.get(0);
    }

    /** A session as shown, or null if it closed while we looked at it. */
    static SecurityViews.Session view(DpnSession s) {
        try {
            IdentityRecord p = s.peer();
            return new SecurityViews.Session(SecurityViews.sessionId(s.sessionId()), p.name(), p.id().value(),
                    p.role().name(), s.segment(), s.epoch(), s.quantumKeyed());
        } catch (RuntimeException closedMeanwhile) {
            return null;
        }
    }
}
