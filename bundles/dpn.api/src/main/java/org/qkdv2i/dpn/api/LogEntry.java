package org.qkdv2i.dpn.api;

import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * One entry of the identity log.
 *
 * @param index      position in the log, from 0
 * @param type       what happened
 * @param deviceId   the device concerned
 * @param record     the enrolled record (ENROL), null for REVOKE
 * @param reason     why it was revoked (REVOKE), null for ENROL
 * @param timestamp  milliseconds since the epoch when the leader appended it
 * @param leafHash   RFC 9162 leaf hash SHA-256(0x00 || entry encoding)
 */
public record LogEntry(long index, Type type, DeviceId deviceId, IdentityRecord record, String reason, long timestamp,
        byte[] leafHash) {

    public enum Type { ENROL, REVOKE }

    public LogEntry {
        leafHash = leafHash.clone();
    }

    @Override
    public byte[] leafHash() {
        return leafHash.clone();
    }
}
