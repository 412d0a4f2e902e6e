package org.qkdv2i.driver.etsi014.internal;

/**
 * The parts of an ETSI GS QKD 014 Status (§6.1, Table 9) the driver uses. Absent numbers are -1.
 */
record KmeStatus(String sourceKmeId, String targetKmeId, int keySize, long storedKeyCount, long maxKeyCount,
        int maxKeyPerRequest, int maxKeySize, int minKeySize) {

    /** How many keys of {@code sizeBits} the stored key count covers (stored keys are of {@code keySize} bits). */
    long keysAvailable(int sizeBits) {
        if (storedKeyCount < 0) {
            return -1;
        }
        if (keySize <= 0 || keySize == sizeBits) {
            return storedKeyCount;
        }
        return storedKeyCount * keySize / sizeBits;
    }
}
