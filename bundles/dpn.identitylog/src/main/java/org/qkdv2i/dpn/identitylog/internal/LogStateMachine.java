package org.qkdv2i.dpn.identitylog.internal;

import java.util.concurrent.CompletableFuture;

import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis state machine: applies committed commands to the replica's {@link LogState} and
 * answers read-only queries (this replica's signed head, proofs from its tree). No snapshots:
 * on restart Ratis replays the whole Raft log, which rebuilds the Merkle tree (an identity log
 * is small; see README for the gap).
 */
final class LogStateMachine extends BaseStateMachine {

    /** Answers a query with this replica's own data. */
    @FunctionalInterface
    interface Queries {
        byte[] answer(byte[] query);
    }

    private final LogState state;
    private final Queries queries;

    LogStateMachine(LogState state, Queries queries) {
        this.state = state;
        this.queries = queries;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] reply = state.apply(entry.getStateMachineLogEntry().getLogData().toByteArray());
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] answer = queries.answer(request.getContent().toByteArray());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(answer)));
    }
}
