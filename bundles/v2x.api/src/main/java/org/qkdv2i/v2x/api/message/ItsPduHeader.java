package org.qkdv2i.v2x.api.message;

/**
 * {@code ItsPduHeader} (TS 102 894-2, ITS-Container v2): protocolVersion (0..255),
 * messageID (0..255; 1 = DENM, 2 = CAM) and stationID (0..4294967295).
 */
public record ItsPduHeader(int protocolVersion, int messageId, long stationId) {
    /** messageID of a DENM. */
    public static final int MESSAGE_ID_DENM = 1;
    /** messageID of a CAM. */
    public static final int MESSAGE_ID_CAM = 2;
    /** protocolVersion of CAM v1.4.1 and DENM v1.3.1 (ITS-Container v2). */
    public static final int PROTOCOL_VERSION_2 = 2;

    public ItsPduHeader {
        Check.range("protocolVersion", protocolVersion, 0, 255);
        Check.range("messageID", messageId, 0, 255);
        Check.range("stationID", stationId, 0, 4294967295L);
    }

    /** A protocol version 2 header of a CAM from this station. */
    public static ItsPduHeader cam(long stationId) {
        return new ItsPduHeader(PROTOCOL_VERSION_2, MESSAGE_ID_CAM, stationId);
    }

    /** A protocol version 2 header of a DENM from this station. */
    public static ItsPduHeader denm(long stationId) {
        return new ItsPduHeader(PROTOCOL_VERSION_2, MESSAGE_ID_DENM, stationId);
    }
}
