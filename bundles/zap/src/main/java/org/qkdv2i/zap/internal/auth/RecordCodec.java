package org.qkdv2i.zap.internal.auth;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

/** Binary form of an {@link IdentityRecord} inside the sealed relation store. */
final class RecordCodec {

    private RecordCodec() {
    }

    static void write(DataOutputStream out, IdentityRecord r) throws IOException {
        out.writeUTF(r.id().value());
        out.writeUTF(r.name());
        out.writeUTF(r.role().name());
        out.writeUTF(r.kind().name());
        out.writeUTF(r.zone());
        bytes(out, r.measurementDigest());
        bytes(out, r.mlDsaPublicKey());
        bytes(out, r.mlKemPublicKey());
        out.writeLong(r.enrolledAt().getEpochSecond());
        out.writeInt(r.enrolledAt().getNano());
    }

    static IdentityRecord read(DataInputStream in) throws IOException {
        try {
            DeviceId id = new DeviceId(in.readUTF());
            String name = in.readUTF();
            DeviceRole role = DeviceRole.valueOf(in.readUTF());
            DauKind kind = DauKind.valueOf(in.readUTF());
            String zone = in.readUTF();
            byte[] digest = bytes(in);
            byte[] dsa = bytes(in);
            byte[] kem = bytes(in);
            Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
            return new IdentityRecord(id, name, role, kind, zone, digest, dsa, kem, at);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad identity record in relation store: " + e.getMessage());
        }
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException("bad length " + n + " in relation store");
        }
        return in.readNBytes(n);
    }
}
