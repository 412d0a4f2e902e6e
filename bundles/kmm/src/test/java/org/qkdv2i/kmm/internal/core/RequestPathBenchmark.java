package org.qkdv2i.kmm.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyRequest;

/**
 * The KMM's own cost of one enc_keys at A plus dec_keys at B (one 256-bit key), without HTTP or
 * TLS: two cores in one JVM joined by the in-process transport, N client threads. Shows what the
 * KMM adds to the ETSI 014 request path. Not a unit test (surefire skips it); run by hand:
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp) org.qkdv2i.kmm.internal.core.RequestPathBenchmark [threads] [seconds]
 * </pre>
 */
public final class RequestPathBenchmark {

    private RequestPathBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path tmp = Files.createTempDirectory("kmm-req-bench");
        TwoNodes net = new TwoNodes(tmp);
        try {
            net.settingsA = net.settingsA.withCapacity(1_000_000, 100);
            net.settingsB = net.settingsB.withCapacity(1_000_000, 100);
            net.a.updateSettings(net.settingsA);
            net.b.updateSettings(net.settingsB);
            for (int i = 0; i < 1600; i++) {
                net.block(65536 / 8); // 256 stored keys each, about half of them A's
            }
            net.a.sync(TwoNodes.LINK); // confirmed: the fast path
            // as NodeComponent does: fsync and compact the stores every second
            java.util.concurrent.ScheduledExecutorService syncer = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "store-sync");
                        t.setDaemon(true);
                        return t;
                    });
            syncer.scheduleWithFixedDelay(() -> {
                net.a.sync();
                net.b.sync();
            }, 1, Long.getLong("bench.syncMillis", 1000), TimeUnit.MILLISECONDS);
            for (int phase = 0; phase < 2; phase++) {
                boolean warmup = phase == 0;
                AtomicBoolean stop = new AtomicBoolean();
                long[] counts = new long[threads];
                long[][] lat = new long[threads][];
                CountDownLatch done = new CountDownLatch(threads);
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    new Thread(() -> {
                        long[] l = new long[1 << 20];
                        int n = 0;
                        try {
                            while (!stop.get()) {
                                long t0 = System.nanoTime();
                                List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
                                List<UUID> ids = new ArrayList<>();
                                enc.forEach(k -> ids.add(k.id()));
                                net.b.keysById("sb", "sa", ids).forEach(Key::destroy);
                                enc.forEach(Key::destroy);
                                if (n < l.length) {
                                    l[n++] = System.nanoTime() - t0;
                                }
                            }
                        } catch (Exception e) {
                            System.out.println("thread " + id + ": " + e);
                        } finally {
                            counts[id] = n;
                            lat[id] = Arrays.copyOf(l, n);
                            done.countDown();
                        }
                    }).start();
                }
                TimeUnit.SECONDS.sleep(warmup ? 3 : seconds); // measuring period, not synchronisation
                stop.set(true);
                done.await();
                if (!warmup) {
                    long total = Arrays.stream(counts).sum();
                    long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
                    System.out.printf("%d threads: %.0f iter/s, p50 %.3f ms, p99 %.3f ms, claims %d, assignments %d%n",
                            threads, total / (double) seconds, all[all.length / 2] / 1e6,
                            all[(int) (all.length * 0.99)] / 1e6, net.transport.claimCalls.get(),
                            net.transport.assignCalls.get());
                }
            }
        } finally {
            net.close();
        }
    }
}
