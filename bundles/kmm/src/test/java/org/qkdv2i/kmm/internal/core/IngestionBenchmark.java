package org.qkdv2i.kmm.internal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.prng.SP800SecureRandomBuilder;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * How many stored keys per second one core ingests from blocks of 65536 bits (the ETSI 014
 * load benchmark's test-driver link). Not a unit test (surefire skips it); run by hand:
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp) org.qkdv2i.kmm.internal.core.IngestionBenchmark [blocks]
 * </pre>
 */
public final class IngestionBenchmark {

    private IngestionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        LinkEnd end = new LinkEnd("L-AB", "A", "B", QkdRole.TRANSMITTER);
        Directory dir = new Directory() {
            @Override
            public Map<String, String> saes() {
                return Map.of();
            }

            @Override
            public Optional<Qos> qos(String m, String s) {
                return Optional.empty();
            }
        };
        for (int r = 0; r < rounds; r++) {
            Path tmp = Files.createTempDirectory("kmm-bench");
            byte[] kek = new byte[32];
            new SecureRandom().nextBytes(kek);
            // the production DRBG (NodeComponent): nonces come from it
            SecureRandom drbg = new SP800SecureRandomBuilder(new SecureRandom(), true)
                    .setPersonalizationString("bench".getBytes(StandardCharsets.UTF_8))
                    .buildHash(new SHA512Digest(), null, false);
            KmmSettings s = KmmSettings.defaults("A").withCapacity(Long.MAX_VALUE / 4, 100);
            Random rnd = new Random(1);
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            try (KmmCore core = new KmmCore(s, tmp, kek, dir, Clock.systemUTC(), drbg, e -> { })) {
                byte[] key = new byte[65536 / 8];
                for (int i = 0; i < blocks; i++) {
                    rnd.nextBytes(key);
                    core.keyBlock(end, new KeyBlock(new UUID(rnd.nextLong(), rnd.nextLong()), key,
                            Instant.ofEpochMilli(i * 10L), 0.01, Double.NaN));
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            long keys = (long) blocks * (65536 / 256);
            long size = Files.size(tmp.resolve(Vault.FILE_NAME));
            System.out.printf("round %d: %d blocks, %d stored keys in %.2f s = %.0f stored keys/s "
                    + "(%.0f blocks/s), ingesting thread CPU %.2f s, store %d MB%n", r, blocks, keys, secs, keys / secs,
                    blocks / secs, cpu, size >> 20);
            try (var paths = Files.walk(tmp)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
