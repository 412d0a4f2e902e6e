package org.qkdv2i.zap.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.MeasuredComponent;
import org.qkdv2i.zap.api.Puf;
import org.qkdv2i.zap.internal.auth.RelationStore;
import org.qkdv2i.zap.internal.auth.UnitAuthEngine;
import org.qkdv2i.zap.internal.crypto.Sealed;
import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;
import org.qkdv2i.zap.internal.fuzzy.ReconstructionException;
import org.qkdv2i.zap.internal.identity.DeviceKeys;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a DAU is once started: PUF enrolment or reconstruction, measurement, identity, derived
 * keys, relations and the unit-authentication engine. Files in {@code stateDir}:
 * {@code dau-<name>.helper} (fuzzy-extractor helper data, public but authenticated),
 * {@code dau-<name>.identity} (ID, measurement digest, enrolment time; not secret) and
 * {@code dau-<name>-<id>.relations} (sealed with AES-256-GCM under the PUF-derived key).
 */
final class DauCore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DauCore.class);
    /** Fresh reads tried when one read is too noisy (each fails with probability &lt; 1e-6 at 15 %). */
    private static final int RECONSTRUCTION_ATTEMPTS = 3;

    final DauSettings settings;
    final IdentityRecord record;
    final DeviceKeys keys;
    final RelationStore relations;
    final UnitAuthEngine engine;

    DauCore(Puf puf, DauSettings s, List<MeasuredComponent> software, Supplier<Optional<IdentityDirectory>> directory,
            Clock clock, SecureRandom random) throws IOException, ReconstructionException {
        this.settings = s;
        Files.createDirectories(s.stateDir());
        byte[] secret = deviceSecret(puf, s, random);
        try {
            List<MeasuredComponent> measured = Measurement.of(puf.id(), s.hardware(), software, s.name(), s.kind(),
                    s.role(), s.zone());
            byte[] digest = Measurement.digest(measured);
            DeviceId id = Measurement.deviceId(secret, digest);
            Instant enrolledAt = identity(s, id, digest, clock);
            this.keys = new DeviceKeys(secret, id);
            this.record = new IdentityRecord(id, s.name(), s.role(), s.kind(), s.zone(), digest,
                    keys.mlDsaPublicKey(), keys.mlKemPublicKey(), enrolledAt);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        byte[] storageKey = keys.storageKey();
        try {
            this.relations = new RelationStore(relationsFile(s, record.id()), storageKey, random);
        } finally {
            Arrays.fill(storageKey, (byte) 0);
        }
        this.engine = new UnitAuthEngine(s.name(), keys, record, relations, directory, clock, random,
                s.replayCacheSize());
        LOG.info("DAU {}: identity {} ({} {} zone {}), {} enrolled relation(s)", s.name(), record.id(), s.role(),
                s.kind(), s.zone(), relations.size());
    }

    private static byte[] deviceSecret(Puf puf, DauSettings s, SecureRandom random)
            throws IOException, ReconstructionException {
        FuzzyExtractor fe = FuzzyExtractor.forCells(puf.cellCount());
        Path helperFile = s.stateDir().resolve("dau-" + s.name() + ".helper");
        if (!Files.exists(helperFile)) {
            List<byte[]> reads = new ArrayList<>();
            for (int i = 0; i < s.enrolmentReads(); i++) {
                reads.add(puf.read());
            }
            byte[] w = FuzzyExtractor.majority(reads, puf.cellCount());
            reads.forEach(r -> Arrays.fill(r, (byte) 0));
            FuzzyExtractor.Enrolment e = fe.enrol(w, puf.id(), random);
            Arrays.fill(w, (byte) 0);
            Sealed.writeOwnerOnly(helperFile, e.helperData());
            LOG.info("DAU {}: PUF {} enrolled ({} reads; {} of {} cells under {})", s.name(), puf.id(),
                    s.enrolmentReads(), fe.params().cellsUsed(), puf.cellCount(), fe.describe());
            return e.deviceSecret();
        }
        byte[] helper = Files.readAllBytes(helperFile);
        ReconstructionException last = null;
        for (int attempt = 1; attempt <= RECONSTRUCTION_ATTEMPTS; attempt++) {
            byte[] read = puf.read();
            try {
                return fe.reconstruct(read, helper, puf.id());
            } catch (ReconstructionException e) {
                last = e;
                if (e.reason() == ReconstructionException.Reason.MALFORMED) {
                    break;
                }
            } finally {
                Arrays.fill(read, (byte) 0);
            }
        }
        throw new ReconstructionException(last.reason(), "DAU " + s.name() + ": device secret not reconstructed from "
                + helperFile + ": " + last.getMessage());
    }

    /** Reads/writes the identity file; logs a changed measurement. @return when this ID was enrolled */
    private static Instant identity(DauSettings s, DeviceId id, byte[] digest, Clock clock) throws IOException {
        Path file = s.stateDir().resolve("dau-" + s.name() + ".identity");
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            String old = p.getProperty("id");
            if (id.value().equals(old)) {
                try {
                    return Instant.parse(p.getProperty("enrolledAt"));
                } catch (RuntimeException e) {
                    LOG.warn("DAU {}: {} has no valid enrolledAt; rewriting it", s.name(), file);
                }
            } else if (old != null) {
                LOG.warn("DAU {}: measurement changed: re-enrol (old ID {}, new ID {}; relations of the old ID "
                        + "are no longer usable)", s.name(), old, id);
                try {
                    Files.deleteIfExists(relationsFile(s, new DeviceId(old)));
                } catch (IllegalArgumentException e) {
                    // an unreadable old ID: nothing to delete
                }
            }
        }
        Instant now = clock.instant();
        Properties p = new Properties();
        p.setProperty("id", id.value());
        p.setProperty("measurementDigest", HexFormat.of().formatHex(digest));
        p.setProperty("enrolledAt", now.toString());
        StringWriter w = new StringWriter();
        p.store(w, "DAU " + s.name() + " identity (not secret)");
        Sealed.writeOwnerOnly(file, w.toString().getBytes(StandardCharsets.UTF_8));
        return now;
    }

    static Path relationsFile(DauSettings s, DeviceId id) {
        return s.stateDir().resolve("dau-" + s.name() + "-" + id.value() + ".relations");
    }

    @Override
    public void close() {
        relations.close();
        keys.close();
    }
}
