package org.qkdv2i.v2x.codec.security;

import java.util.Objects;

/**
 * A verification outcome with a readable reason.
 *
 * @param status  the class of outcome
 * @param detail  one sentence naming what failed (or what was verified)
 * @param message the decoded signed data, or {@code null} if it did not decode as such
 */
public record VerificationResult(VerificationStatus status, String detail, SecuredData.Signed message) {

    public VerificationResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean isOk() {
        return status == VerificationStatus.OK;
    }

    @Override
    public String toString() {
        return status + ": " + detail;
    }
}
