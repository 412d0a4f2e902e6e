package org.qkdv2i.v2x.api.adapter;

import java.time.Instant;

/**
 * The verification result of a delivered message. Messages that fail verification are never
 * delivered; the stack counts them ({@link StackStatistics#refused()}) and logs one line.
 *
 * @param protection how it was protected
 * @param signerId the HashedId8 (16 hex digits) of the signer's certificate, for {@link Protection#SIGNED}; else {@code null}
 * @param psid the signed psid (ITS-AID), for {@link Protection#SIGNED}; else {@code null}
 * @param generationTime the signed generation time, for {@link Protection#SIGNED}; else {@code null}
 * @param pskId the pskRecipInfo HashedId8 (16 hex digits), for {@link Protection#PSK}; else {@code null}
 */
public record SecurityInfo(Protection protection, String signerId, Long psid, Instant generationTime, String pskId) {
    public static final SecurityInfo UNSECURED = new SecurityInfo(Protection.UNSECURED, null, null, null, null);

    public SecurityInfo {
        if (protection == null) {
            throw new IllegalArgumentException("protection");
        }
    }
}
