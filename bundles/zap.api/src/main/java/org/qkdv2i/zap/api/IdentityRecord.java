package org.qkdv2i.zap.api;

import java.time.Instant;
import java.util.Arrays;

/**
 * What a DAU publishes about itself when it enrols, and what others look up in the
 * identity log: nothing secret.
 *
 * @param id                the device identity
 * @param name              the operator's name for the device (e.g. "bs-E", "rsu-7"), for logs
 * @param role              what the device is
 * @param kind              DAU-N or DAU-V
 * @param zone              the micro-segment the device belongs to (DPN policy)
 * @param measurementDigest SHA-256 over the device measurement the identity was derived from
 * @param mlDsaPublicKey    encoded ML-DSA-65 public key (X.509 SubjectPublicKeyInfo)
 * @param mlKemPublicKey    encoded ML-KEM-768 public key (X.509 SubjectPublicKeyInfo)
 * @param enrolledAt        when the record was made
 */
public record IdentityRecord(DeviceId id, String name, DeviceRole role, DauKind kind, String zone,
        byte[] measurementDigest, byte[] mlDsaPublicKey, byte[] mlKemPublicKey, Instant enrolledAt) {

    public IdentityRecord {
        if (id == null || name == null || role == null || kind == null || zone == null || enrolledAt == null
                || measurementDigest == null || mlDsaPublicKey == null || mlKemPublicKey == null) {
            throw new IllegalArgumentException("an identity record needs every field");
        }
        measurementDigest = measurementDigest.clone();
        mlDsaPublicKey = mlDsaPublicKey.clone();
        mlKemPublicKey = mlKemPublicKey.clone();
    }

    @Override
    public byte[] measurementDigest() {
        return measurementDigest.clone();
    }

    @Override
    public byte[] mlDsaPublicKey() {
        return mlDsaPublicKey.clone();
    }

    @Override
    public byte[] mlKemPublicKey() {
        return mlKemPublicKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentityRecord r && id.equals(r.id) && name.equals(r.name) && role == r.role
                && kind == r.kind && zone.equals(r.zone) && enrolledAt.equals(r.enrolledAt)
                && Arrays.equals(measurementDigest, r.measurementDigest)
                && Arrays.equals(mlDsaPublicKey, r.mlDsaPublicKey) && Arrays.equals(mlKemPublicKey, r.mlKemPublicKey);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "IdentityRecord[" + id + " " + name + " " + role + " " + kind + " zone=" + zone + "]";
    }
}
