package org.qkdv2i.dpn.identitylog;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

/** Identity records with realistic sizes (ML-DSA-65 / ML-KEM-768 SubjectPublicKeyInfo lengths), and polling. */
public final class TestRecords {

    private TestRecords() {
    }

    public static IdentityRecord record(int n) {
        Random r = new Random(n);
        byte[] id = new byte[16];
        r.nextBytes(id);
        byte[] digest = new byte[32];
        r.nextBytes(digest);
        byte[] dsa = new byte[1974];
        r.nextBytes(dsa);
        byte[] kem = new byte[1206];
        r.nextBytes(kem);
        DeviceRole role = DeviceRole.values()[n % 3];
        return new IdentityRecord(new DeviceId(HexFormat.of().formatHex(id)), "dev-" + n, role,
                role == DeviceRole.VEHICLE ? DauKind.DAU_V : DauKind.DAU_N, "zone-" + (n % 2), digest, dsa, kem,
                Instant.ofEpochSecond(1_790_000_000L + n, 123_456_789));
    }

    /** Polls {@code condition} until it holds or {@code millis} pass; no sleeping as synchronisation. */
    public static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
            synchronized (condition) {
                condition.wait(20);
            }
        }
        return condition.getAsBoolean();
    }
}
