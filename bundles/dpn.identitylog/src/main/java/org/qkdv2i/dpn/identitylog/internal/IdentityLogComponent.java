package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's replica of the DPN identity log, offered as {@link IdentityLog} and as the
 * {@link IdentityDirectory} the DAUs and DPN endpoints read. A configuration change restarts
 * the replica (its state comes back from the Raft log or journal).
 */
@Component(configurationPid = IdentityLogComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {IdentityLog.class, IdentityDirectory.class})
@Designate(ocd = IdentityLogComponent.Config.class)
public final class IdentityLogComponent implements IdentityLog, IdentityDirectory {

    public static final String PID = "org.qkdv2i.dpn.IdentityLog";
    private static final Logger LOG = LoggerFactory.getLogger(IdentityLogComponent.class);

    @ObjectClassDefinition(name = "QKD-V2I DPN identity log",
            description = "A replica of the identity log (RFC 9162 Merkle tree, ML-DSA-65 signed heads), "
                    + "replicated among base stations with Raft (Apache Ratis)")
    public @interface Config {
        @AttributeDefinition(description = "Names the log: the Raft group and the logId of signed tree heads")
        String logId() default "qkdv2i-dpn";

        @AttributeDefinition(description = "This replica's ID; must be one of the peers when peers are given")
        String selfId() default "bs-1";

        @AttributeDefinition(description = "Every replica, this one included, as id=host:port (the Ratis gRPC "
                + "address). Empty: single-node embedded mode without Raft")
        String[] peers() default {};

        @AttributeDefinition(description = "Raft log (or single-node journal) and the encrypted tree-head key. "
                + "Empty: in memory (single node only; lost at stop)")
        String storageDir() default "";

        @AttributeDefinition(description = "Key-encryption key file of the tree-head key (32 bytes, owner-only, "
                + "created if missing). Empty: <storageDir>/sth-signing.kek")
        String kekFile() default "";

        @AttributeDefinition(description = "How long an enrolment or revocation waits to be committed by a majority")
        long commitTimeoutMillis() default 10_000;

        @AttributeDefinition(description = "How often the peers' signed tree heads are fetched and cross-checked; "
                + "0 = never")
        long crossCheckSeconds() default 30;

        @AttributeDefinition(description = "Raft election timeout, minimum (maximum is twice that)")
        long electionTimeoutMillis() default 1_000;

        @AttributeDefinition(description = "Ratis transport between replicas: grpc or netty (all replicas alike; grpc is the tested one)")
        String transport() default "grpc";
    }

    private final IdentityLogNode node;

    @Activate
    public IdentityLogComponent(Config config) throws IOException {
        NodeSettings settings;
        try {
            settings = new NodeSettings(config.logId(), config.selfId(), NodeSettings.parsePeers(config.peers()),
                    blank(config.storageDir()) ? null : Path.of(config.storageDir()),
                    blank(config.kekFile()) ? null : Path.of(config.kekFile()),
                    Duration.ofMillis(config.commitTimeoutMillis()), Duration.ofSeconds(config.crossCheckSeconds()),
                    Duration.ofMillis(config.electionTimeoutMillis()), config.transport());
        } catch (IllegalArgumentException e) {
            LOG.error("identity log {} replica {}: bad configuration of {}: {}", config.logId(), config.selfId(), PID,
                    e.getMessage());
            throw e;
        }
        this.node = IdentityLogNode.start(settings);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Deactivate
    void deactivate() {
        node.close();
    }

    @Override
    public LogEntry enrol(IdentityRecord record) throws IdentityLogException {
        return node.enrol(record);
    }

    @Override
    public LogEntry revoke(DeviceId id, String reason) throws IdentityLogException {
        return node.revoke(id, reason);
    }

    @Override
    public SignedTreeHead treeHead() {
        return node.treeHead();
    }

    @Override
    public List<LogEntry> entries(long from, long to) {
        return node.entries(from, to);
    }

    @Override
    public List<byte[]> inclusionProof(long index, long treeSize) throws IdentityLogException {
        return node.inclusionProof(index, treeSize);
    }

    @Override
    public List<byte[]> consistencyProof(long first, long second) throws IdentityLogException {
        return node.consistencyProof(first, second);
    }

    @Override
    public Optional<IdentityRecord> find(DeviceId id) {
        return node.find(id);
    }

    @Override
    public boolean isRevoked(DeviceId id) {
        return node.isRevoked(id);
    }

    @Override
    public void addListener(Listener listener) {
        node.addListener(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        node.removeListener(listener);
    }
}
