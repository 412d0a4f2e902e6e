package org.qkdv2i.dpn.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * The DPN's identity log: enrolments and revocations as entries of an append-only Merkle
 * tree in the style of RFC 9162 (Certificate Transparency 2.0), with tree heads signed by
 * the log (ML-DSA), replicated among base stations. Readers cross-check tree heads with
 * consistency proofs; a head that does not verify or is inconsistent with one seen before
 * is evidence of a forked or forged log.
 */
@ProviderType
public interface IdentityLog {

    /** Appends an enrolment once it is committed (replicated to a majority); returns its entry. */
    LogEntry enrol(IdentityRecord record) throws IdentityLogException;

    /** Appends a revocation of {@code id} once committed; returns its entry. */
    LogEntry revoke(DeviceId id, String reason) throws IdentityLogException;

    /** The latest signed tree head of this replica. */
    SignedTreeHead treeHead();

    /** Entries {@code [from, to)} of this replica's log. */
    List<LogEntry> entries(long from, long to);

    /** RFC 9162 §2.1.3 audit path of entry {@code index} in the tree of size {@code treeSize}. */
    List<byte[]> inclusionProof(long index, long treeSize) throws IdentityLogException;

    /** RFC 9162 §2.1.4 consistency proof between the trees of sizes {@code first} and {@code second}. */
    List<byte[]> consistencyProof(long first, long second) throws IdentityLogException;
}
