package org.qkdv2i.it.platform;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.tls.DevPki;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The driver bundle is updated to a new version, uninstalled and installed again while an
 * SAE calls enc_keys at A (and its peer dec_keys at B) over mutual TLS without pause: no
 * request fails while the pool holds keys, the pool fills again after reinstall, and neither
 * the KMM nor the ETSI 014 server restarts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT {

    private static final String NODE_COMPONENT = "org.qkdv2i.kmm.Node";
    private static final String ETSI_COMPONENT = "org.qkdv2i.kmm.etsi014.internal.Etsi014Component";
    private static final String DRIVER_THREAD_PREFIX = "qkd-testdriver-";

    @Inject
    BundleContext context;

    private TwoNodes nodes;
    private volatile boolean running;
    private final AtomicLong served = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @Configuration
    public Option[] config() {
        return Platform.options();
    }

    @Before
    public void setUp() throws Exception {
        nodes = new TwoNodes(context).configureAll();
    }

    @After
    public void tearDown() {
        running = false;
        nodes.close();
    }

    @Test
    public void driverUpdateUninstallReinstallUnderLoad() throws Exception {
        KeyManager a = nodes.keyManager(TwoNodes.A);
        nodes.awaitOwnKeys(TwoNodes.B, 64, 30);
        // enough key in the pool to ride out the time without a driver
        nodes.awaitOwnKeys(TwoNodes.A, 400, 30);

        long kmA = TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.A));
        long kmB = TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.B));
        Map<Long, Integer> kmms = Components.configurations(context, NODE_COMPONENT);
        Map<Long, Integer> servers = Components.configurations(context, ETSI_COMPONENT);
        assertEquals("KMMs " + kmms, 2, kmms.size());
        assertEquals("ETSI servers " + servers, 2, servers.size());

        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        EtsiClient saeA = new EtsiClient(nodes.pki.saeKeyStore(TwoNodes.SAE_A), pw, nodes.pki.caCertificate(),
                nodes.etsiPortA);
        EtsiClient saeB = new EtsiClient(nodes.pki.saeKeyStore(TwoNodes.SAE_B), pw, nodes.pki.caCertificate(),
                nodes.etsiPortB);
        // the ETSI servers come up asynchronously (NodeTls binding): wait for the first good pair
        Await.until("first enc_keys/dec_keys round trip", 30, TimeUnit.SECONDS, () -> roundTrip(saeA, saeB, a, false));

        running = true;
        Thread client = new Thread(() -> {
            while (running) {
                roundTrip(saeA, saeB, a, true);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pace the load, ~100 pairs/s at most
            }
        }, "hotswap-sae-client");
        client.start();
        try {
            awaitMoreServed(20);

            Bundle driver = driverBundle();
            Version before = driver.getVersion();

            // 1. update to a new version, then refresh: only the driver may be touched
            File v2 = withVersion(Platform.driverFile(), new Version(before.getMajor(), before.getMinor(),
                    before.getMicro() + 1, "hotswap"));
            try (InputStream in = new FileInputStream(v2)) {
                driver.update(in);
            }
            refresh(driver);
            assertEquals(Bundle.ACTIVE, driver.getState());
            assertEquals(before.getMicro() + 1, driver.getVersion().getMicro());
            awaitDriverPresent(a, true);
            // the old revision's emitter threads are gone: one thread per link end remains
            Await.until("exactly one driver thread per link end after update", 10, TimeUnit.SECONDS,
                    () -> driverThreads() == 2);
            awaitMoreServed(20);

            // 2. uninstall: the pool serves what it holds, and the driver leaves no thread behind
            driver.uninstall();
            refresh(driver);
            awaitDriverPresent(a, false);
            Await.until("no test driver thread left", 10, TimeUnit.SECONDS, () -> driverThreads() == 0);
            awaitMoreServed(20);

            // 3. install again from the original file: the pool fills again
            long ownAtReinstall = nodes.pool(a).ownKeys();
            Bundle again;
            try (InputStream in = new FileInputStream(Platform.driverFile())) {
                again = context.installBundle(Platform.driverLocation(), in);
            }
            again.start();
            awaitDriverPresent(a, true);
            Await.until("pool of A to fill again after reinstall", 30, TimeUnit.SECONDS,
                    () -> nodes.pool(a).ownKeys() > ownAtReinstall + 64);
            awaitMoreServed(20);
        } finally {
            running = false;
            client.join(15_000);
        }

        assertTrue("failed requests while the pool held keys: " + failures, failures.isEmpty());
        assertTrue("requests served: " + served.get(), served.get() >= 80);
        assertEquals("KeyManager A re-registered", kmA, TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.A)));
        assertEquals("KeyManager B re-registered", kmB, TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.B)));
        assertEquals("KMM components restarted", kmms, Components.configurations(context, NODE_COMPONENT));
        assertEquals("ETSI servers restarted", servers, Components.configurations(context, ETSI_COMPONENT));
        // the same ports still answer (the client never reconnected elsewhere)
        assertTrue("ETSI server A still serves on " + nodes.etsiPortA, roundTrip(saeA, saeB, a, false));
    }

    /** enc_keys at A for SAE-B, dec_keys at B for SAE-A, same bytes; records a failure if asked. */
    private boolean roundTrip(EtsiClient saeA, EtsiClient saeB, KeyManager a, boolean record) {
        String step = "enc_keys";
        try {
            EtsiClient.Reply enc = saeA.encKeys(TwoNodes.SAE_B, 1, 256);
            if (!enc.ok()) {
                return fail(record, step, enc.status() + " " + enc.raw(), a);
            }
            JsonNode k = enc.body().get("keys").get(0);
            String id = k.get("key_ID").asText();
            step = "dec_keys " + id;
            EtsiClient.Reply dec = saeB.decKey(TwoNodes.SAE_A, id);
            if (!dec.ok()) {
                return fail(record, step, dec.status() + " " + dec.raw(), a);
            }
            JsonNode d = dec.body().get("keys").get(0);
            assertEquals(id, d.get("key_ID").asText());
            assertArrayEquals("key bytes of " + id, EtsiClient.keyBytes(k), EtsiClient.keyBytes(d));
            if (record) {
                served.incrementAndGet();
            }
            return true;
        } catch (Exception | AssertionError e) {
            return fail(record, step, e.toString(), a);
        }
    }

    private boolean fail(boolean record, String step, String what, KeyManager a) {
        if (record) {
            PoolStatus p = nodes.pool(a);
            failures.add(step + ": " + what + " (pool of A: " + (p == null ? "none" : p.ownKeys() + " own keys") + ")");
        }
        return false;
    }

    private void awaitMoreServed(long more) {
        long target = served.get() + more;
        Await.until(more + " more served round trips (failures so far: " + failures + ")", 30, TimeUnit.SECONDS,
                () -> served.get() >= target);
    }

    private void awaitDriverPresent(KeyManager a, boolean present) {
        Await.until("driver of A-B at A " + (present ? "bound" : "gone"), 30, TimeUnit.SECONDS, () -> {
            PoolStatus p = nodes.pool(a);
            return p != null && p.driverPresent() == present;
        });
    }

    private Bundle driverBundle() {
        Bundle b = context.getBundle(Platform.driverLocation());
        if (b == null) {
            throw new AssertionError("driver bundle not installed at " + Platform.driverLocation());
        }
        return b;
    }

    private void refresh(Bundle b) throws InterruptedException {
        FrameworkWiring fw = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(Collections.singletonList(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        assertTrue("refresh done", done.await(30, TimeUnit.SECONDS));
    }

    private static long driverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(DRIVER_THREAD_PREFIX)).count();
    }

    /** A copy of a bundle jar with another Bundle-Version: "a new version" of the driver. */
    static File withVersion(File jar, Version version) throws Exception {
        File out = File.createTempFile("driver-" + version, ".jar");
        out.deleteOnExit();
        try (JarInputStream in = new JarInputStream(new FileInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version.toString());
            try (JarOutputStream jout = new JarOutputStream(new FileOutputStream(out), mf)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jout.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jout);
                    jout.closeEntry();
                }
            }
        }
        return out;
    }
}
