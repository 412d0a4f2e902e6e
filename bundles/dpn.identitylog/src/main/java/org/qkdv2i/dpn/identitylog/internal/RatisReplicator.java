package org.qkdv2i.dpn.identitylog.internal;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.netty.NettyFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft replication with Apache Ratis (Netty or gRPC transport): one Raft group per log, this replica's
 * server plus a client that submits commands to whoever leads and sends read-only queries to a
 * named peer. Ratis finds its RPC factory and gRPC its providers by class name or
 * ServiceLoader, so everything Ratis starts runs with this bundle's class loader as context
 * class loader (threads inherit it).
 */
final class RatisReplicator implements Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(RatisReplicator.class);

    private final NodeSettings settings;
    private final LogStateMachine stateMachine;
    private final RaftGroup group;
    private RaftServer server;
    private RaftClient client;
    private RaftClient queryClient;
    private ExecutorService queryThreads;

    RatisReplicator(NodeSettings settings, LogState state, LogStateMachine.Queries queries) {
        this.settings = settings;
        this.stateMachine = new LogStateMachine(state, queries);
        List<RaftPeer> peers = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> p : settings.peers().entrySet()) {
            InetSocketAddress a = p.getValue();
            peers.add(RaftPeer.newBuilder().setId(p.getKey()).setAddress(a.getHostString() + ":" + a.getPort())
                    .build());
        }
        this.group = RaftGroup.valueOf(groupId(settings.logId()), peers);
    }

    /** The Raft group of a log: a name-based UUID, so every replica derives the same one. */
    static RaftGroupId groupId(String logId) {
        return RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("qkdv2i/identity-log/" + logId).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void start() throws IOException {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(RatisReplicator.class.getClassLoader());
        try {
            RaftProperties props = properties();
            Path raftDir = settings.storageDir().resolve("raft");
            boolean existing = Files.isDirectory(raftDir.resolve(group.getGroupId().getUuid().toString()));
            Files.createDirectories(raftDir);
            server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(settings.selfId())).setGroup(group)
                    .setStateMachine(stateMachine).setProperties(props)
                    .setParameters(new Parameters())
                    .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                    .build();
            server.start();
            AtomicInteger n = new AtomicInteger();
            queryThreads = Executors.newCachedThreadPool(r -> {
                Thread q = new Thread(r, "identitylog-" + settings.selfId() + "-query-" + n.incrementAndGet());
                q.setDaemon(true);
                return q;
            });
            int retries = (int) Math.max(1, settings.commitTimeout().toMillis() / 200);
            client = newClient(props, RetryPolicies.retryUpToMaximumCountWithFixedSleep(retries,
                    TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)));
            // queries retry briefly: a peer that is down must not hold a query thread for minutes
            // (each attempt waits up to the client request timeout, 3 s)
            queryClient = newClient(props, RetryPolicies.retryUpToMaximumCountWithFixedSleep(2,
                    TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)));
            LOG.info("identity log replica {} started Raft group {} of {} ({} storage)", settings.selfId(),
                    group.getGroupId(), settings.peers().keySet(), existing ? "recovered" : "new");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private RaftClient newClient(RaftProperties props, RetryPolicy retry) {
        ClientId clientId = ClientId.randomId();
        return RaftClient.newBuilder().setProperties(props).setRaftGroup(group)
                .setClientRpc(netty() ? new NettyFactory(new Parameters()).newRaftClientRpc(clientId, props)
                        : new GrpcFactory(new Parameters()).newRaftClientRpc(clientId, props))
                .setRetryPolicy(retry)
                .build();
    }

    private RaftProperties properties() {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(new File(settings.storageDir().toFile(), "raft")));
        InetSocketAddress self = settings.peers().get(settings.selfId());
        if (netty()) {
            // request/response appendEntries (LogAppenderDefault); no native epoll inside a bundle
            NettyConfigKeys.Server.setHost(p, self.getHostString());
            NettyConfigKeys.Server.setPort(p, self.getPort());
            NettyConfigKeys.Server.setUseEpoll(p, false);
        } else {
            GrpcConfigKeys.Server.setHost(p, self.getHostString());
            GrpcConfigKeys.Server.setPort(p, self.getPort());
        }
        long election = settings.electionTimeout().toMillis();
        // generous timeouts: a loaded two-core node must not lose its leader to a GC pause
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(
                Math.max(3000, settings.commitTimeout().toMillis()), TimeUnit.MILLISECONDS));
        // entries are ~3 kB (two PQ public keys): small segments, little preallocation
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        p.set("raft.rpc.type", (netty() ? SupportedRpcType.NETTY : SupportedRpcType.GRPC).name());
        return p;
    }

    private boolean netty() {
        return NodeSettings.NETTY.equals(settings.transport());
    }

    @Override
    public CompletableFuture<byte[]> submit(byte[] command) {
        RaftClient c = client;
        if (c == null) {
            return CompletableFuture.failedFuture(new IOException("replica " + settings.selfId() + " is not running"));
        }
        return c.async().send(Message.valueOf(ByteString.copyFrom(command))).thenApply(RatisReplicator::content);
    }

    @Override
    public CompletableFuture<byte[]> query(String peer, byte[] query, long minIndex) {
        RaftClient c = queryClient;
        ExecutorService threads = queryThreads;
        if (c == null || threads == null) {
            return CompletableFuture.failedFuture(new IOException("replica " + settings.selfId() + " is not running"));
        }
        if (!settings.peers().containsKey(peer)) {
            return CompletableFuture.failedFuture(new IOException("no peer " + peer + " in this log's group"));
        }
        // a stale read is answered by that very replica from its own state, whoever leads, once it
        // has applied minIndex (so a replica still replaying its log after a restart is not asked).
        // Sent with the blocking API, which opens a new gRPC stream per request: the async API
        // sends stale reads on the client's long-lived ordered stream to that peer, and once the
        // peer had been unreachable (killed, or not yet started) that stream stayed stuck after it
        // came back (every retry timed out for minutes; Ratis 3.2.0)
        Message q = Message.valueOf(ByteString.copyFrom(query));
        RaftPeerId target = RaftPeerId.valueOf(peer);
        long min = Math.max(0, minIndex);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return content(c.io().sendStaleRead(q, min, target));
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, threads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IOException("replica " + settings.selfId() + " is stopping"));
        }
    }

    private static byte[] content(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException() != null ? reply.getException()
                    : new IOException("Raft request failed"));
        }
        return reply.getMessage().getContent().toByteArray();
    }

    @Override
    public String leader() {
        try {
            RaftServer s = server;
            RaftPeerId id = s == null ? null : s.getDivision(group.getGroupId()).getInfo().getLeaderId();
            return id == null ? null : id.toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public long appliedIndex() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().getLastAppliedIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (queryThreads != null) {
            queryThreads.shutdownNow();
            queryThreads = null;
        }
        if (queryClient != null) {
            try {
                queryClient.close();
            } catch (IOException e) {
                LOG.warn("identity log replica {}: closing the Raft query client failed: {}", settings.selfId(),
                        e.toString());
            }
            queryClient = null;
        }
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                LOG.warn("identity log replica {}: closing the Raft client failed: {}", settings.selfId(), e.toString());
            }
            client = null;
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.warn("identity log replica {}: closing the Raft server failed: {}", settings.selfId(), e.toString());
            }
            server = null;
        }
    }
}
