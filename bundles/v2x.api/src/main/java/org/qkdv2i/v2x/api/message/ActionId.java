package org.qkdv2i.v2x.api.message;

/** {@code ActionID}: originatingStationID (0..4294967295) and sequenceNumber (0..65535). */
public record ActionId(long originatingStationId, int sequenceNumber) {
    public ActionId {
        Check.range("originatingStationID", originatingStationId, 0, 4294967295L);
        Check.range("sequenceNumber", sequenceNumber, 0, 65535);
    }
}
