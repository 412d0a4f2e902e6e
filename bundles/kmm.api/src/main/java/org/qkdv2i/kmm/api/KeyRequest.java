package org.qkdv2i.kmm.api;

import java.util.List;
import java.util.Objects;

/**
 * A request for new keys (ETSI GS QKD 014 Table 10).
 *
 * @param masterSaeId           the calling SAE
 * @param slaveSaeId            the SAE that will fetch the keys by ID
 * @param number                number of keys, at least 1
 * @param sizeBits              key size in bits, or 0 for the pair's default size
 * @param additionalSlaveSaeIds further slaves that may fetch the same keys
 */
public record KeyRequest(String masterSaeId, String slaveSaeId, int number, int sizeBits,
        List<String> additionalSlaveSaeIds) {

    public KeyRequest {
        Objects.requireNonNull(masterSaeId, "masterSaeId");
        Objects.requireNonNull(slaveSaeId, "slaveSaeId");
        additionalSlaveSaeIds = additionalSlaveSaeIds == null ? List.of() : List.copyOf(additionalSlaveSaeIds);
    }

    public KeyRequest(String masterSaeId, String slaveSaeId, int number, int sizeBits) {
        this(masterSaeId, slaveSaeId, number, sizeBits, List.of());
    }
}
