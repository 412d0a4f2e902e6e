package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** How commands reach the {@link LogState} of every replica: Raft (Ratis) or the single-node journal. */
interface Replicator extends AutoCloseable {

    /** Starts; the state already has its handler for queries. */
    void start() throws IOException;

    /** Submits a command; completes with the state's reply once committed and applied. */
    CompletableFuture<byte[]> submit(byte[] command);

    /** Asks replica {@code peer} a read-only question (its own head, a proof from its tree). */
    CompletableFuture<byte[]> query(String peer, byte[] query);

    /** The current leader's ID, or null if none is known. */
    String leader();

    @Override
    void close();
}
