package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** How commands reach the {@link LogState} of every replica: Raft (Ratis) or the single-node journal. */
interface Replicator extends AutoCloseable {

    /** Starts; the state already has its handler for queries. */
    void start() throws IOException;

    /** Submits a command; completes with the state's reply once committed and applied. */
    CompletableFuture<byte[]> submit(byte[] command);

    /**
     * Asks replica {@code peer} a read-only question (its own head, a proof from its tree), to be
     * answered only once that replica has applied the Raft log up to {@code minIndex}.
     */
    CompletableFuture<byte[]> query(String peer, byte[] query, long minIndex);

    /** The Raft index this replica has applied up to (-1 without Raft). */
    long appliedIndex();

    /** The current leader's ID, or null if none is known. */
    String leader();

    @Override
    void close();
}
