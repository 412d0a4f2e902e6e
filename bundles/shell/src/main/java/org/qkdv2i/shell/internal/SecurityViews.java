package org.qkdv2i.shell.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;

/**
 * Tables and texts of the {@code zap:} and {@code dpn:} commands. Pure functions over plain
 * records, unit-tested without a framework.
 */
final class SecurityViews {

    static final String NO_LOG = "no identity log in this framework: configure org.qkdv2i.dpn.IdentityLog";
    // FileInstall 3.7 names a factory configuration <factoryPid>-<name>.cfg ('~' makes a plain PID)
    static final String NO_DAU = "no DAU in this framework: configure org.qkdv2i.zap.Dau and its Puf"
            + " (deploy/org.qkdv2i.zap.Dau-<name>.cfg, deploy/org.qkdv2i.zap.EmulatedSramPuf-<name>.cfg)";
    static final String NO_ENDPOINT = "no DPN endpoint in this framework: configure org.qkdv2i.dpn.Endpoint"
            + " (deploy/org.qkdv2i.dpn.Endpoint-<name>.cfg)";

    private SecurityViews() {
    }

    /** A DAU as its service properties describe it; {@code log} is its state in the identity directory. */
    record Dau(String name, String deviceId, String kind, String role, String zone, String log) {
    }

    static String daus(List<Dau> daus) {
        Table t = new Table("NAME", "DEVICE", "KIND", "ROLE", "ZONE", "LOG");
        daus.stream().sorted(Comparator.comparing(Dau::name)).forEach(d ->
                t.row(d.name(), d.deviceId(), d.kind(), d.role(), d.zone(), d.log()));
        return t.render(NO_DAU);
    }

    /** A DPN session as the shell shows it. */
    record Session(String sessionId, String peerName, String peerId, String peerRole, String segment, int epoch,
            boolean quantumKeyed) {
    }

    /** A DPN endpoint and its open sessions. */
    record Endpoint(String dauName, String deviceId, String listen, List<Session> sessions) {
    }

    static String sessions(List<Endpoint> endpoints) {
        List<Endpoint> sorted = endpoints.stream().sorted(Comparator.comparing(Endpoint::dauName)).toList();
        Table e = new Table("DAU", "DEVICE", "LISTEN", "SESSIONS");
        Table s = new Table("DAU", "SESSION", "PEER", "PEER DEVICE", "PEER ROLE", "SEGMENT", "EPOCH", "QKD");
        for (Endpoint ep : sorted) {
            e.row(ep.dauName(), ep.deviceId(), ep.listen(), ep.sessions().size());
            ep.sessions().stream().sorted(Comparator.comparing(Session::peerName).thenComparing(Session::sessionId))
                    .forEach(x -> s.row(ep.dauName(), x.sessionId(), x.peerName(), x.peerId(), x.peerRole(),
                            x.segment(), x.epoch(), x.quantumKeyed() ? "yes" : "no"));
        }
        if (e.size() == 0) {
            return e.render(NO_ENDPOINT);
        }
        return e.render(NO_ENDPOINT) + "\n" + s.render("no open DPN sessions (dpn:connect <dauName> <host:port> <peerDeviceId>)");
    }

    /** One session, e.g. after {@code dpn:connect}. */
    static String session(String dauName, Session x) {
        Table s = new Table("DAU", "SESSION", "PEER", "PEER DEVICE", "PEER ROLE", "SEGMENT", "EPOCH", "QKD");
        s.row(dauName, x.sessionId(), x.peerName(), x.peerId(), x.peerRole(), x.segment(), x.epoch(),
                x.quantumKeyed() ? "yes" : "no");
        return s.render("");
    }

    /** The signed tree head, then the entries given (a slice of the log). */
    static String log(SignedTreeHead head, List<LogEntry> entries, long from, long to) {
        StringBuilder sb = new StringBuilder();
        sb.append("log        ").append(head.logId()).append('\n');
        sb.append("size       ").append(head.treeSize()).append('\n');
        sb.append("timestamp  ").append(time(head.timestamp())).append('\n');
        sb.append("root hash  ").append(hex(head.rootHash())).append('\n');
        sb.append("signature  ML-DSA-65, ").append(head.signature().length).append(" bytes\n");
        sb.append('\n');
        String none = head.treeSize() == 0 ? "the log is empty (dpn:enrol <dauName|file>)"
                : "no entries in [" + from + ", " + to + ") (the log has " + head.treeSize() + ")";
        String table = entries(entries);
        sb.append(table.isEmpty() ? none + "\n" : table);
        if (!entries.isEmpty() && (from > 0 || to < head.treeSize())) {
            sb.append("entries ").append(from).append(" to ").append(to - 1).append(" of ").append(head.treeSize())
                    .append(" (dpn:log <from> <to> for others)\n");
        }
        return sb.toString();
    }

    /** Log entries as a table, or "" if there are none. */
    static String entries(List<LogEntry> entries) {
        Table t = new Table("INDEX", "TYPE", "DEVICE", "NAME", "TIME", "LEAF HASH", "DETAIL");
        entries.stream().sorted(Comparator.comparingLong(LogEntry::index)).forEach(e -> {
            boolean enrol = e.type() == LogEntry.Type.ENROL && e.record() != null;
            t.row(e.index(), e.type(), e.deviceId(), enrol ? e.record().name() : null, time(e.timestamp()),
                    hex(e.leafHash()), enrol
                            ? e.record().role() + " " + e.record().kind() + " zone " + e.record().zone()
                            : e.reason());
        });
        return t.size() == 0 ? "" : t.render("");
    }

    static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** How DPN logs name a session (unsigned hex), so shell output and logs can be matched. */
    static String sessionId(long id) {
        return Long.toUnsignedString(id, 16);
    }

    /** Parses what {@link #sessionId} prints (an optional 0x is tolerated). */
    static long parseSessionId(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("0x")) {
            t = t.substring(2);
        }
        if (!t.matches("[0-9a-f]{1,16}")) {
            throw new IllegalArgumentException("not a session ID: '" + s + "' (hex, as dpn:sessions shows it)");
        }
        return Long.parseUnsignedLong(t, 16);
    }

    /** {@code host:port} as an operator types it; IPv6 in brackets ({@code [::1]:7000}). Not resolved. */
    static InetSocketAddress parseAddress(String s) {
        String t = s == null ? "" : s.trim();
        int colon = t.lastIndexOf(':');
        String host = colon < 0 ? "" : t.substring(0, colon);
        String port = colon < 0 ? "" : t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = ""; // an IPv6 literal needs brackets, or the port is ambiguous
        }
        if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("not host:port: '" + s + "' (e.g. 10.0.0.7:7400 or [fd00::7]:7400)");
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
    }

    /** An address as host:port, IPv6 in brackets, without the JDK's "host/ip" form. */
    static String address(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
