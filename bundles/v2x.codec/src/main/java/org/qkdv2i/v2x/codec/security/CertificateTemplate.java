package org.qkdv2i.v2x.codec.security;

import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The contents of an explicit IEEE 1609.2 / ETSI TS 103 097 §7.2 certificate to issue.
 *
 * @param name             the hostname id (root CA, authority), or {@code null} for id none
 *                         (an authorization ticket, §7.2.1)
 * @param validFrom        validityPeriod start (Time32)
 * @param validityHours    validityPeriod duration in hours (1..65535)
 * @param appPermissions   PSIDs the holder may sign (appPermissions, no SSP)
 * @param issuePermissions {@code null}: an end entity; empty: may issue for all PSIDs
 *                         (certIssuePermissions all); else the PSIDs it may issue for
 * @param verificationKey  the holder's ECDSA NIST P-256 public key
 */
public record CertificateTemplate(String name, Instant validFrom, int validityHours, List<Long> appPermissions,
        List<Long> issuePermissions, ECPublicKey verificationKey) {

    public CertificateTemplate {
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(verificationKey, "verificationKey");
        if (validityHours < 1 || validityHours > 65535) {
            throw new IllegalArgumentException("validityHours " + validityHours + " outside 1..65535");
        }
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            throw new IllegalArgumentException("a Hostname has 1..255 characters");
        }
        appPermissions = appPermissions == null ? List.of() : List.copyOf(appPermissions);
        issuePermissions = issuePermissions == null ? null : List.copyOf(issuePermissions);
    }

    /** A root CA: named, may issue everything. */
    public static CertificateTemplate root(String name, Instant validFrom, int validityHours, ECPublicKey key) {
        return new CertificateTemplate(name, validFrom, validityHours, List.of(), List.of(), key);
    }

    /** An authorization authority: named, may issue tickets for {@code psids}. */
    public static CertificateTemplate authority(String name, Instant validFrom, int validityHours, List<Long> psids,
            ECPublicKey key) {
        return new CertificateTemplate(name, validFrom, validityHours, List.of(), psids, key);
    }

    /** An authorization ticket: anonymous (id none), may sign {@code psids}. */
    public static CertificateTemplate ticket(Instant validFrom, int validityHours, List<Long> psids, ECPublicKey key) {
        return new CertificateTemplate(null, validFrom, validityHours, psids, null, key);
    }
}
