package org.qkdv2i.kmm.api;

/**
 * Status values of the ETSI GS QKD 004 V2.1.1 application interface (§6, status table), with
 * their numeric codes 0–8 exactly as the standard numbers them.
 */
public enum StreamStatus {
    /** 0: successful. */
    SUCCESSFUL(0),
    /** 1: OPEN_CONNECT successful, but the peer application is not connected yet. */
    PEER_NOT_CONNECTED(1),
    /** 2: GET_KEY failed because not enough key is available. */
    INSUFFICIENT_KEY_AVAILABLE(2),
    /** 3: GET_KEY failed because the peer application is not connected yet. */
    PEER_NOT_CONNECTED_GET_KEY(3),
    /** 4: no QKD connection available (no link or relay route to the peer, or its KMM is unreachable). */
    NO_QKD_CONNECTION_AVAILABLE(4),
    /** 5: OPEN_CONNECT failed because the key stream ID is already in use. */
    KSID_ALREADY_IN_USE(5),
    /** 6: the call failed because the QoS {@code timeout} passed. */
    TIMEOUT(6),
    /** 7: OPEN_CONNECT failed because the requested QoS cannot be met; a counter-proposal is returned. */
    QOS_NOT_MET(7),
    /** 8: GET_KEY failed because the metadata buffer is too small; the size needed is returned. */
    METADATA_SIZE_INSUFFICIENT(8);

    private final int code;

    StreamStatus(int code) {
        this.code = code;
    }

    /** The standard's numeric status. */
    public int code() {
        return code;
    }

    /** The status with this numeric code. */
    public static StreamStatus of(int code) {
        for (StreamStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("no ETSI GS QKD 004 status " + code);
    }
}
