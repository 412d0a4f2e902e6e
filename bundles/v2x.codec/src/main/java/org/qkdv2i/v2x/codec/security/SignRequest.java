package org.qkdv2i.v2x.codec.security;

import java.time.Instant;
import java.util.Objects;

/**
 * What to sign (ETSI TS 103 097 §7.1: CAM with psid and generationTime, DENM with
 * generationLocation too).
 *
 * @param psid               {@link Psid}
 * @param payload            the application payload (e.g. the GeoNetworking/BTP packet)
 * @param generationTime     becomes the Time64 generationTime
 * @param generationLocation required for {@link Psid#DENM}, else optional ({@code null})
 * @param signer             {@link SignerKind#CERTIFICATE} or {@link SignerKind#DIGEST}
 */
public record SignRequest(long psid, byte[] payload, Instant generationTime, GenerationLocation generationLocation,
        SignerKind signer) {

    public SignRequest {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(generationTime, "generationTime");
        Objects.requireNonNull(signer, "signer");
        if (signer == SignerKind.SELF) {
            throw new IllegalArgumentException("messages are signed by a certificate or its digest, not self");
        }
        if (psid == Psid.DENM && generationLocation == null) {
            throw new IllegalArgumentException("ETSI TS 103 097 §7.1.2: a DENM carries its generationLocation");
        }
        if (psid < 0) {
            throw new IllegalArgumentException("psid " + psid + " is negative");
        }
    }
}
