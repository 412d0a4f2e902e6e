package org.qkdv2i.zap.internal.identity;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.security.SecureRandom;
import java.util.List;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.junit.Test;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.MeasuredComponent;

public class DeviceKeysTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] secret(int seed) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) seed);
        return s;
    }

    @Test
    public void sameSecretAndMeasurementGiveTheSameIdAndKeys() {
        byte[] digest = Measurement.digest(List.of(Measurement.hardware("hardware", "x")));
        DeviceId id = Measurement.deviceId(secret(1), digest);
        assertEquals(id, Measurement.deviceId(secret(1), digest));
        DeviceKeys a = new DeviceKeys(secret(1), id);
        DeviceKeys b = new DeviceKeys(secret(1), id);
        assertArrayEquals(a.mlDsaPublicKey(), b.mlDsaPublicKey());
        assertArrayEquals(a.mlKemPublicKey(), b.mlKemPublicKey());
        DeviceKeys other = new DeviceKeys(secret(2), Measurement.deviceId(secret(2), digest));
        assertFalse(java.util.Arrays.equals(a.mlDsaPublicKey(), other.mlDsaPublicKey()));
    }

    @Test
    public void publicKeysAreX509SubjectPublicKeyInfoOfMlDsa65AndMlKem768() {
        DeviceKeys k = new DeviceKeys(secret(3), new DeviceId("00112233445566778899aabbccddeeff"));
        SubjectPublicKeyInfo dsa = SubjectPublicKeyInfo.getInstance(k.mlDsaPublicKey());
        SubjectPublicKeyInfo kem = SubjectPublicKeyInfo.getInstance(k.mlKemPublicKey());
        assertEquals(NISTObjectIdentifiers.id_ml_dsa_65, dsa.getAlgorithm().getAlgorithm());
        assertEquals(NISTObjectIdentifiers.id_alg_ml_kem_768, kem.getAlgorithm().getAlgorithm());
    }

    @Test
    public void signVerifyAndEncapsulateDecapsulate() {
        DeviceKeys k = new DeviceKeys(secret(4), new DeviceId("00112233445566778899aabbccddeeff"));
        byte[] data = "transcript".getBytes();
        byte[] sig = k.sign(data, RANDOM);
        assertTrue(DeviceKeys.verify(k.mlDsaPublicKey(), data, sig));
        assertFalse(DeviceKeys.verify(k.mlDsaPublicKey(), "other".getBytes(), sig));
        assertFalse("an ML-KEM key is no signature key", DeviceKeys.verify(k.mlKemPublicKey(), data, sig));
        SecretWithEncapsulation enc = DeviceKeys.encapsulate(k.mlKemPublicKey(), RANDOM);
        assertArrayEquals(enc.getSecret(), k.decapsulate(enc.getEncapsulation()));
        assertNull(DeviceKeys.encapsulate(k.mlDsaPublicKey(), RANDOM));
        assertNull(DeviceKeys.encapsulate(new byte[] {1, 2, 3}, RANDOM));
    }

    @Test
    public void aChangedMeasurementGivesANewId() {
        List<MeasuredComponent> sw = List.of(Measurement.software("org.qkdv2i.zap", "0.1.0"));
        List<MeasuredComponent> a = Measurement.of("puf", "hw", sw, "bs-E", DauKind.DAU_N, DeviceRole.BASE_STATION,
                "z");
        byte[] s = secret(5);
        DeviceId base = Measurement.deviceId(s, Measurement.digest(a));
        // order of components does not matter
        java.util.List<MeasuredComponent> reversed = new java.util.ArrayList<>(a);
        java.util.Collections.reverse(reversed);
        assertEquals(base, Measurement.deviceId(s, Measurement.digest(reversed)));
        // each kind of change does
        assertNotEquals(base, Measurement.deviceId(s, Measurement.digest(Measurement.of("puf", "hw",
                List.of(Measurement.software("org.qkdv2i.zap", "0.1.1")), "bs-E", DauKind.DAU_N,
                DeviceRole.BASE_STATION, "z"))));
        assertNotEquals(base, Measurement.deviceId(s, Measurement.digest(Measurement.of("puf", "hw2", sw, "bs-E",
                DauKind.DAU_N, DeviceRole.BASE_STATION, "z"))));
        assertNotEquals(base, Measurement.deviceId(s, Measurement.digest(Measurement.of("puf", "hw", sw, "bs-E",
                DauKind.DAU_N, DeviceRole.BASE_STATION, "z2"))));
        assertNotEquals(base, Measurement.deviceId(secret(6), Measurement.digest(a)));
    }
}
