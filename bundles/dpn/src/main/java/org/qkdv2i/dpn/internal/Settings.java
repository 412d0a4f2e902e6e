package org.qkdv2i.dpn.internal;

import java.util.Map;

/**
 * One endpoint's configuration (from {@link DpnEndpointComponent.Config}), checked.
 *
 * @param dauName                   the DAU this endpoint speaks for
 * @param host                      address to listen on
 * @param port                      TCP port, 0 = ephemeral
 * @param rekeySeconds              rekey period of sessions this side opened, 0 = none
 * @param maxMessageBytes           largest application message
 * @param sessionSetupTimeoutMillis connect + handshake deadline
 * @param qkdSaeId                  this node's SAE ID at its KMM ("" = no QKD mixing)
 * @param qkdPeerSaeIds             peer device ID or name to its SAE ID; key "*" = any peer
 * @param qkdNodeId                 which KeyManager ({@code qkd.node}); "" = any
 * @param quantumKeyRequired        base station pairs without a QKD key are refused
 * @param maxRejectedInARow         consecutive refused messages after which a session closes
 * @param maxSessions               open sessions (both directions) at most
 * @param fastTransition            take part in fast transitions (IEEE 802.11-2020 §13 style)
 * @param ftR0LifetimeSeconds       lifetime of a PMK-R0 (and the PMK-R1 derived from it)
 * @param ftR0KeyHolder             RSU: the base station (name or device ID) that is its R0 key
 *                                  holder; "" = the base station it has a DPN session with
 * @param ftR1TimeoutMillis         RSU: how long to wait for the base station's PMK-R1 before
 *                                  falling back to a full set-up
 */
record Settings(String dauName, String host, int port, long rekeySeconds, int maxMessageBytes,
        int sessionSetupTimeoutMillis, String qkdSaeId, Map<String, String> qkdPeerSaeIds, String qkdNodeId,
        boolean quantumKeyRequired, int maxRejectedInARow, int maxSessions, boolean fastTransition,
        long ftR0LifetimeSeconds, String ftR0KeyHolder, int ftR1TimeoutMillis) {

    /** Fast transition on with its defaults (1 h R0 lifetime, any base station, 2 s for the R1). */
    Settings(String dauName, String host, int port, long rekeySeconds, int maxMessageBytes,
            int sessionSetupTimeoutMillis, String qkdSaeId, Map<String, String> qkdPeerSaeIds, String qkdNodeId,
            boolean quantumKeyRequired, int maxRejectedInARow, int maxSessions) {
        this(dauName, host, port, rekeySeconds, maxMessageBytes, sessionSetupTimeoutMillis, qkdSaeId, qkdPeerSaeIds,
                qkdNodeId, quantumKeyRequired, maxRejectedInARow, maxSessions, true, 3600, "", 2000);
    }

    Settings {
        if (dauName == null || dauName.isBlank()) {
            throw new IllegalArgumentException("dauName is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxMessageBytes < 1 || maxMessageBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be 1..16777216");
        }
        if (sessionSetupTimeoutMillis < 100) {
            throw new IllegalArgumentException("sessionSetupTimeoutMillis must be >= 100");
        }
        if (rekeySeconds < 0) {
            throw new IllegalArgumentException("rekeySeconds must be >= 0");
        }
        qkdSaeId = qkdSaeId == null ? "" : qkdSaeId.trim();
        qkdPeerSaeIds = Map.copyOf(qkdPeerSaeIds);
        qkdNodeId = qkdNodeId == null ? "" : qkdNodeId.trim();
        maxRejectedInARow = Math.max(1, maxRejectedInARow);
        maxSessions = Math.max(1, maxSessions);
        if (ftR0LifetimeSeconds < 1) {
            throw new IllegalArgumentException("ftR0LifetimeSeconds must be >= 1");
        }
        ftR0KeyHolder = ftR0KeyHolder == null ? "" : ftR0KeyHolder.trim();
        ftR1TimeoutMillis = Math.max(10, ftR1TimeoutMillis);
    }

    Settings withFastTransition(boolean on, long r0LifetimeSeconds, String r0KeyHolder) {
        return new Settings(dauName, host, port, rekeySeconds, maxMessageBytes, sessionSetupTimeoutMillis, qkdSaeId,
                qkdPeerSaeIds, qkdNodeId, quantumKeyRequired, maxRejectedInARow, maxSessions, on, r0LifetimeSeconds,
                r0KeyHolder, ftR1TimeoutMillis);
    }

    /** Test and benchmark defaults. */
    static Settings of(String dauName) {
        return new Settings(dauName, "127.0.0.1", 0, 0, 65536, 10_000, "", Map.of(), "", false, 32, 256);
    }

    Settings withRekeySeconds(long seconds) {
        return new Settings(dauName, host, port, seconds, maxMessageBytes, sessionSetupTimeoutMillis, qkdSaeId,
                qkdPeerSaeIds, qkdNodeId, quantumKeyRequired, maxRejectedInARow, maxSessions, fastTransition, ftR0LifetimeSeconds,
                ftR0KeyHolder, ftR1TimeoutMillis);
    }

    Settings withQkd(String saeId, Map<String, String> peerSaeIds, boolean required) {
        return new Settings(dauName, host, port, rekeySeconds, maxMessageBytes, sessionSetupTimeoutMillis, saeId,
                peerSaeIds, qkdNodeId, required, maxRejectedInARow, maxSessions, fastTransition, ftR0LifetimeSeconds,
                ftR0KeyHolder, ftR1TimeoutMillis);
    }

    Settings withLimits(int maxMessage, int setupTimeoutMillis) {
        return new Settings(dauName, host, port, rekeySeconds, maxMessage, setupTimeoutMillis, qkdSaeId,
                qkdPeerSaeIds, qkdNodeId, quantumKeyRequired, maxRejectedInARow, maxSessions, fastTransition,
                ftR0LifetimeSeconds, ftR0KeyHolder, ftR1TimeoutMillis);
    }

    /** Peer's SAE: by device ID, then by name, then the "*" default; null if none. */
    String peerSaeId(String peerId, String peerName) {
        String s = qkdPeerSaeIds.get(peerId);
        if (s == null) {
            s = qkdPeerSaeIds.get(peerName);
        }
        return s != null ? s : qkdPeerSaeIds.get("*");
    }

    /** Parses {@code key=sae} entries; a bare value is the default for every peer. */
    static Map<String, String> parsePeerSaeIds(String[] entries) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (entries != null) {
            for (String entry : entries) {
                for (String raw : entry.split(",")) {
                    String e = raw.trim();
                    if (e.isEmpty()) {
                        continue;
                    }
                    int eq = e.indexOf('=');
                    if (eq < 0) {
                        out.put("*", e);
                    } else if (eq == 0 || eq == e.length() - 1) {
                        throw new IllegalArgumentException("qkdPeerSaeId entry '" + e + "': write <peer ID or name>=<SAE ID>");
                    } else {
                        out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
                    }
                }
            }
        }
        return out;
    }
}
