package org.qkdv2i.dpn.identitylog.internal;

import java.time.Instant;
import java.util.HexFormat;

import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.identitylog.internal.Wire.MalformedException;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * The canonical leaf encoding of a log entry (RFC 9162 §2.1.1 hashes these bytes as the leaf).
 * Deterministic: fixed field order, big-endian integers, length-prefixed UTF-8 and bytes,
 * enums by name (stable if an enum is reordered), instants as seconds + nanos. The index is
 * not part of the leaf: it is the leaf's position.
 *
 * <pre>
 * u8 version (1) | u8 type (1 ENROL, 2 REVOKE) | 16 B device ID | i64 timestamp ms |
 * ENROL:  str name | str role | str kind | str zone | bytes measurementDigest |
 *         bytes mlDsaPublicKey | bytes mlKemPublicKey | i64 enrolledAt s | i32 enrolledAt ns
 * REVOKE: str reason
 * </pre>
 */
public final class EntryCodec {

    static final int VERSION = 1;
    private static final int ENROL = 1;
    private static final int REVOKE = 2;

    private EntryCodec() {
    }

    /** An entry as it is about to be appended: everything but its index. */
    public record Leaf(LogEntry.Type type, DeviceId deviceId, IdentityRecord record, String reason, long timestamp) {

        public static Leaf enrol(IdentityRecord record, long timestamp) {
            return new Leaf(LogEntry.Type.ENROL, record.id(), record, null, timestamp);
        }

        public static Leaf revoke(DeviceId id, String reason, long timestamp) {
            return new Leaf(LogEntry.Type.REVOKE, id, null, reason == null ? "" : reason, timestamp);
        }

        public LogEntry at(long index, byte[] leafHash) {
            return new LogEntry(index, type, deviceId, record, reason, timestamp, leafHash);
        }
    }

    public static byte[] encode(Leaf leaf) {
        Wire.Out out = new Wire.Out().u8(VERSION);
        out.u8(leaf.type() == LogEntry.Type.ENROL ? ENROL : REVOKE);
        out.raw(HexFormat.of().parseHex(leaf.deviceId().value()));
        out.i64(leaf.timestamp());
        if (leaf.type() == LogEntry.Type.ENROL) {
            IdentityRecord r = leaf.record();
            out.str(r.name()).str(r.role().name()).str(r.kind().name()).str(r.zone());
            out.bytes(r.measurementDigest()).bytes(r.mlDsaPublicKey()).bytes(r.mlKemPublicKey());
            out.i64(r.enrolledAt().getEpochSecond()).i32(r.enrolledAt().getNano());
        } else {
            out.str(leaf.reason());
        }
        return out.toByteArray();
    }

    public static Leaf decode(byte[] bytes) throws MalformedException {
        Wire.In in = new Wire.In(bytes);
        int version = in.u8();
        if (version != VERSION) {
            throw new MalformedException("entry version " + version + ", expected " + VERSION);
        }
        int type = in.u8();
        DeviceId id = new DeviceId(HexFormat.of().formatHex(in.raw(16)));
        long timestamp = in.i64();
        Leaf leaf;
        if (type == ENROL) {
            String name = in.str();
            DeviceRole role = enumValue(DeviceRole.class, in.str());
            DauKind kind = enumValue(DauKind.class, in.str());
            String zone = in.str();
            byte[] digest = in.bytes();
            byte[] dsa = in.bytes();
            byte[] kem = in.bytes();
            long seconds = in.i64();
            int nanos = in.i32();
            if (nanos < 0 || nanos > 999_999_999) {
                throw new MalformedException("nanoseconds out of range");
            }
            Instant at;
            try {
                at = Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                throw new MalformedException("enrolment time out of range");
            }
            leaf = Leaf.enrol(new IdentityRecord(id, name, role, kind, zone, digest, dsa, kem, at), timestamp);
        } else if (type == REVOKE) {
            leaf = Leaf.revoke(id, in.str(), timestamp);
        } else {
            throw new MalformedException("unknown entry type " + type);
        }
        in.end();
        return leaf;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name) throws MalformedException {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new MalformedException("unknown " + type.getSimpleName() + " " + name);
        }
    }
}
