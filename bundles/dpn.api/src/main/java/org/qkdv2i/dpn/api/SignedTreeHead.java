package org.qkdv2i.dpn.api;

/**
 * A tree head signed by the log: RFC 9162 §4.10 in spirit (size, timestamp, root hash),
 * signed with the log's ML-DSA-65 key.
 *
 * @param logId     names the log (and so its signing key)
 * @param treeSize  number of entries
 * @param timestamp milliseconds since the epoch
 * @param rootHash  32-byte Merkle tree hash (RFC 9162 §2.1.1)
 * @param signature ML-DSA-65 signature over the canonical encoding of the other fields
 */
public record SignedTreeHead(String logId, long treeSize, long timestamp, byte[] rootHash, byte[] signature) {

    public SignedTreeHead {
        rootHash = rootHash.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
