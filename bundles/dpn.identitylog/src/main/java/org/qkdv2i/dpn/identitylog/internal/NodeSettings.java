package org.qkdv2i.dpn.identitylog.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a replica needs to start.
 *
 * @param logId              names the log (the Raft group and the heads' logId)
 * @param selfId             this replica's ID (a Raft peer ID)
 * @param peers              every replica of the group, this one included, ID to address; empty for
 *                           the single-node embedded mode without Raft
 * @param storageDir         Raft log or journal, tree-head key; null keeps everything in memory
 *                           (single-node mode only)
 * @param kekFile            the key-encryption key of the tree-head key; null for
 *                           {@code storageDir/sth-signing.kek}
 * @param commitTimeout      how long enrol/revoke wait for a majority
 * @param crossCheckInterval how often peers' heads are fetched and cross-checked; zero for never
 * @param electionTimeout    Raft election timeout (minimum; the maximum is twice that)
 * @param transport          Ratis transport between replicas: {@code grpc} or {@code netty}; null for grpc
 */
public record NodeSettings(String logId, String selfId, Map<String, InetSocketAddress> peers, Path storageDir,
        Path kekFile, Duration commitTimeout, Duration crossCheckInterval, Duration electionTimeout,
        String transport) {

    public static final String NETTY = "netty";
    public static final String GRPC = "grpc";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public NodeSettings {
        if (logId == null || logId.isBlank()) {
            throw new IllegalArgumentException("logId is required");
        }
        if (selfId == null || !ID.matcher(selfId).matches()) {
            throw new IllegalArgumentException("selfId must be 1-64 of [A-Za-z0-9._-], got '" + selfId + "'");
        }
        peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers == null ? Map.of() : peers));
        if (!peers.isEmpty() && !peers.containsKey(selfId)) {
            throw new IllegalArgumentException("peers must list this replica '" + selfId + "' too, got " + peers.keySet());
        }
        if (!peers.isEmpty() && storageDir == null) {
            throw new IllegalArgumentException("a replicated log needs a storageDir");
        }
        if (commitTimeout == null || commitTimeout.isNegative() || commitTimeout.isZero()) {
            throw new IllegalArgumentException("commitTimeout must be positive");
        }
        crossCheckInterval = crossCheckInterval == null ? Duration.ZERO : crossCheckInterval;
        electionTimeout = electionTimeout == null ? Duration.ofSeconds(1) : electionTimeout;
        transport = transport == null || transport.isBlank() ? GRPC : transport.trim().toLowerCase();
        if (!transport.equals(NETTY) && !transport.equals(GRPC)) {
            throw new IllegalArgumentException("transport must be netty or grpc, got '" + transport + "'");
        }
    }

    public boolean replicated() {
        return !peers.isEmpty();
    }

    public Path effectiveKekFile() {
        return kekFile != null ? kekFile : storageDir.resolve("sth-signing.kek");
    }

    /**
     * Parses {@code id=host:port} items (IPv6 as {@code [::1]:port}).
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static Map<String, InetSocketAddress> parsePeers(String... items) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        if (items == null) {
            return out;
        }
        for (String raw : items) {
            for (String item : raw.split(",")) {
                String s = item.trim();
                if (s.isEmpty()) {
                    continue;
                }
                int eq = s.indexOf('=');
                int colon = s.lastIndexOf(':');
                if (eq <= 0 || colon < eq + 2) {
                    throw new IllegalArgumentException("peer '" + s + "' is not id=host:port");
                }
                String id = s.substring(0, eq).trim();
                String host = s.substring(eq + 1, colon).trim();
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                int port;
                try {
                    port = Integer.parseInt(s.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("peer '" + s + "' has no numeric port");
                }
                if (!ID.matcher(id).matches() || port < 1 || port > 65535 || host.isEmpty()) {
                    throw new IllegalArgumentException("peer '" + s + "' is not id=host:port");
                }
                if (out.put(id, InetSocketAddress.createUnresolved(host, port)) != null) {
                    throw new IllegalArgumentException("peer '" + id + "' is listed twice");
                }
            }
        }
        return out;
    }
}
