package org.qkdv2i.kmm.api;

/**
 * What a master SAE may request for one slave SAE (ETSI GS QKD 014 Table 9).
 *
 * @param sourceKmeId     this node
 * @param targetKmeId     the node of the slave SAE
 * @param masterSaeId     the master SAE
 * @param slaveSaeId      the slave SAE
 * @param keySize         default key size, bits
 * @param storedKeyCount  keys of the default size available to this master now
 * @param maxKeyCount     most keys of the default size the pool can hold
 * @param maxKeyPerRequest most keys in one request
 * @param maxKeySize      largest key size, bits
 * @param minKeySize      smallest key size, bits
 * @param maxSaeIdCount   most additional slave SAEs in one request
 */
public record PairStatus(String sourceKmeId, String targetKmeId, String masterSaeId, String slaveSaeId,
        int keySize, long storedKeyCount, long maxKeyCount, int maxKeyPerRequest, int maxKeySize,
        int minKeySize, int maxSaeIdCount) {
}
