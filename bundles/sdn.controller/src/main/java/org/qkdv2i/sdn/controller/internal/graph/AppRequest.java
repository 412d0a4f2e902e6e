package org.qkdv2i.sdn.controller.internal.graph;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request to provision an application (ETSI GS QKD 015 {@code qkd_app}): an SAE pair on two
 * nodes, its priority and QoS.
 *
 * @param appId      the application ID, or null to have one made (a UUID, as 015's {@code app_id})
 * @param serverSae  the SAE that initiates key requests ({@code server_app_id}, ETSI 014 master)
 * @param serverNode the node serving it
 * @param clientSae  the peer SAE ({@code client_app_id})
 * @param clientNode the node serving it
 * @param priority   {@code app_priority}, 0.. ; higher = more important
 * @param qos        {@code app_qos}
 */
public record AppRequest(String appId, String serverSae, String serverNode, String clientSae, String clientNode,
        int priority, Qos qos) {

    /** IDs: a safe printable alphabet, bounded (they end up in URLs and log lines). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@+=-]{1,128}");

    /**
     * ETSI GS QKD 015 {@code app_qos}; bandwidths in bit/s of key, jitter in ms, ttl in s;
     * 0 = not specified.
     */
    public record Qos(long maxBandwidth, long minBandwidth, long jitter, long ttl) {
        public static final Qos NONE = new Qos(0, 0, 0, 0);

        public Qos {
            if (maxBandwidth < 0 || minBandwidth < 0 || jitter < 0 || ttl < 0) {
                throw new IllegalArgumentException("app_qos values cannot be negative");
            }
            if (maxBandwidth > 0 && minBandwidth > maxBandwidth) {
                throw new IllegalArgumentException("app_qos min_bandwidth " + minBandwidth
                        + " exceeds max_bandwidth " + maxBandwidth);
            }
        }
    }

    public AppRequest {
        qos = qos == null ? Qos.NONE : qos;
        check("app_id", appId, true);
        check("server SAE", serverSae, false);
        check("server node", serverNode, false);
        check("client SAE", clientSae, false);
        check("client node", clientNode, false);
        if (priority < 0) {
            throw new IllegalArgumentException("app_priority cannot be negative: " + priority);
        }
        if (Objects.equals(serverSae, clientSae)) {
            throw new IllegalArgumentException("server and client SAE are the same: " + serverSae);
        }
        if (Objects.equals(serverNode, clientNode)) {
            throw new IllegalArgumentException("both SAEs are at node " + serverNode
                    + ": keys between them need no relay path");
        }
    }

    private static void check(String what, String value, boolean optional) {
        if (value == null) {
            if (!optional) {
                throw new IllegalArgumentException(what + " is required");
            }
            return;
        }
        if (!ID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": 1-128 characters of letters, digits and . _ ~ : @ + = -");
        }
    }

    public double demandBps() {
        return Weights.demand(qos.minBandwidth());
    }
}
