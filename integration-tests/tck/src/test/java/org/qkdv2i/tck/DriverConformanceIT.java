package org.qkdv2i.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdDriverConstants;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * The driver conformance kit: runs one driver bundle (the profile's) through the contract of
 * {@code org.qkdv2i.qkd.api}. Each test starts from two fresh factory configurations (end A and
 * end B of one link) with the kit's sinks attached, and ends by deleting them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DriverConformanceIT {

    private static final Set<LinkState> PRODUCING = EnumSet.of(LinkState.UP, LinkState.DEGRADED);
    private static final String WARM_UP_PID = "org.qkdv2i.tck.WarmUp";

    @Inject
    BundleContext context;
    @Inject
    ConfigurationAdmin cm;
    @Inject
    MetaTypeService metatype;
    @org.junit.Rule
    public final org.junit.rules.TestName name = new org.junit.rules.TestName();

    private Profile p;
    private String nodeA;
    private String nodeB;
    private long timeout;
    private Set<Thread> baseThreads;
    private Set<String> baseSockets;
    private KitKmm kmm;
    private LinkConfigs configs;

    @Configuration
    public Option[] config() {
        return TckRuntime.options();
    }

    @Before
    public void setUp() throws Exception {
        p = Profile.load();
        nodeA = p.nodeA;
        nodeB = p.nodeB;
        timeout = p.timeoutMillis;
        if (context.getBundle(p.driverLocation()) == null) {
            // an earlier test failed between uninstall and reinstall: start this one from the bundle again
            try (InputStream in = new FileInputStream(p.driver)) {
                context.installBundle(p.driverLocation(), in).start();
            }
        }
        Bundle d = driverBundle();
        assertEquals("driver bundle " + d.getSymbolicName() + " is not ACTIVE", Bundle.ACTIVE, d.getState());
        warmUp();
        baseThreads = Leaks.threads();
        System.gc();
        baseSockets = Leaks.sockets();
        kmm = new KitKmm(context, p);
        kmm.open();
        configs = new LinkConfigs(cm, p);
        configs.create();
        awaitAttached("after the configurations were created");
        info("attached (" + name.getMethodName() + ")");
    }

    @After
    public void tearDown() throws Exception {
        try {
            if (kmm != null) {
                kmm.close();
            }
        } finally {
            if (configs != null) {
                configs.delete();
                Await.until("the driver services of link " + p.linkId + " to go after their configurations were deleted",
                        timeout, () -> driverRefs().isEmpty());
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // the checks

    /** Service properties of both ends: present, equal to linkEnd() and to the profile; metatype. */
    @Test
    public void t01_servicePropertiesMatchConfigurationAndLinkEnd() throws Exception {
        for (String node : List.of(nodeA, nodeB)) {
            KitKmm.Attached at = kmm.end(node);
            ServiceReference<QkdDriver> ref = at.ref;
            LinkEnd end = at.driver.linkEnd();
            assertNotNull(node + ": linkEnd() is null", end);
            String peer = node.equals(nodeA) ? nodeB : nodeA;
            assertEquals(node + ": " + QkdDriverConstants.LINK_ID, p.linkId, ref.getProperty(QkdDriverConstants.LINK_ID));
            assertEquals(node + ": " + QkdDriverConstants.LOCAL_NODE, node, ref.getProperty(QkdDriverConstants.LOCAL_NODE));
            assertEquals(node + ": " + QkdDriverConstants.PEER_NODE, peer, ref.getProperty(QkdDriverConstants.PEER_NODE));
            Object role = ref.getProperty(QkdDriverConstants.ROLE);
            assertTrue(node + ": " + QkdDriverConstants.ROLE + " must be a QkdRole name, is " + role,
                    role instanceof String && Arrays.stream(QkdRole.values()).anyMatch(r -> r.name().equals(role)));
            Object type = ref.getProperty(QkdDriverConstants.DRIVER_TYPE);
            assertTrue(node + ": " + QkdDriverConstants.DRIVER_TYPE + " must be a non-empty string, is " + type,
                    type instanceof String && !((String) type).isBlank());
            if (p.driverType != null) {
                assertEquals(node + ": " + QkdDriverConstants.DRIVER_TYPE, p.driverType, type);
            }
            String expectedRole = node.equals(nodeA) ? p.roleA : p.roleB;
            if (expectedRole != null) {
                assertEquals(node + ": " + QkdDriverConstants.ROLE, expectedRole, role);
            }
            // linkEnd() says the same as the service properties, and keeps saying it
            assertEquals(node + ": linkEnd().linkId", p.linkId, end.linkId());
            assertEquals(node + ": linkEnd().localNodeId", node, end.localNodeId());
            assertEquals(node + ": linkEnd().peerNodeId", peer, end.peerNodeId());
            assertEquals(node + ": linkEnd().role", role, end.role().name());
            assertEquals(node + ": linkEnd() changed", end, at.driver.linkEnd());
            // no key material in the service properties: no property holds a configured secret value
            for (String key : ref.getPropertyKeys()) {
                Object v = ref.getProperty(key);
                for (Map.Entry<String, Object> c : (node.equals(nodeA) ? p.configA : p.configB).entrySet()) {
                    if (c.getKey().toLowerCase().matches(".*(seed|secret|password|key)$") && c.getValue() instanceof String
                            && ((String) c.getValue()).length() >= 8 && String.valueOf(v).contains((String) c.getValue())) {
                        fail(node + ": service property " + key + " publishes the configured " + c.getKey());
                    }
                }
            }
        }
        // the driver documents its configuration (ARCHITECTURE: the OCD is the reference)
        MetaTypeInformation mti = metatype.getMetaTypeInformation(driverBundle());
        assertNotNull("the driver bundle has no metatype information", mti);
        assertTrue("no metatype OCD for the factory PID " + p.pid + " (factory PIDs: "
                + Arrays.toString(mti.getFactoryPids()) + ")", Arrays.asList(mti.getFactoryPids()).contains(p.pid));
        assertNotNull("metatype OCD of " + p.pid, mti.getObjectClassDefinition(p.pid, null));
        assertNoViolations();
    }

    /** Both ends deliver the same blocks under the same IDs; IDs unique; sizes and ranges valid. */
    @Test
    public void t02_bothEndsDeliverIdenticalBlocks() {
        awaitCommon(p.blocks, 0, 0, "the first blocks");
        assertIdentical();
        assertNoDuplicates();
        assertSteadyStateComplete();
        assertNoViolations();
    }

    /** Status: cheap and valid at any time; reaches UP (or DEGRADED) after attach. */
    @Test
    public void t03_statusReachesUpAfterAttach() {
        for (String node : List.of(nodeA, nodeB)) {
            QkdDriver d = kmm.end(node).driver;
            Await.until(node + " to report UP or DEGRADED after attach", timeout, () -> {
                LinkStatus s = d.status();
                return (s != null && PRODUCING.contains(s.state()))
                        || kmm.recorder(node).statuses().stream().anyMatch(x -> PRODUCING.contains(x.state()));
            }, () -> "status() = " + d.status() + ", sink saw " + states(node));
            assertStatusCheap(node, d);
        }
        awaitCommon(p.blocks, 0, 0, "blocks while UP");
        // after detach status() still answers (the KMM reads it when it lets a driver go)
        kmm.detach(nodeA);
        kmm.detach(nodeB);
        for (String node : List.of(nodeA, nodeB)) {
            assertStatusCheap(node, kmm.end(node).driver);
        }
        assertNoViolations();
    }

    /** Detach: no sink call once detach() returned; a new attach resumes without repeating IDs. */
    @Test
    public void t04_detachStopsAllCallsAndAttachResumes() {
        awaitCommon(p.blocks, 0, 0, "blocks before detach");
        long window = observationWindow();
        kmm.detach(nodeA);
        kmm.detach(nodeB);
        Await.never("sink calls after detach", window, this::detachViolation);
        int markA = kmm.a.size();
        int markB = kmm.b.size();
        kmm.attach(nodeA);
        kmm.attach(nodeB);
        awaitCommon(p.blocks, markA, markB, "blocks after re-attach");
        assertIdentical();
        assertNoDuplicates();
        assertNoViolations();
    }

    /** Configuration deleted and created again: services go and come, threads/sockets released, blocks resume. */
    @Test
    public void t05_restartByConfigurationDeleteAndCreate() throws Exception {
        awaitCommon(p.blocks, 0, 0, "blocks before the restart");
        Set<Thread> driverThreads = Leaks.driverThreads(baseThreads);
        Set<String> driverSockets = Leaks.socketsSince(baseSockets);
        info("restart: watching " + driverThreads.size() + " driver threads " + names(driverThreads) + ", "
                + driverSockets.size() + " sockets");
        configs.delete();
        Await.until("driver services to go after their configurations were deleted", timeout,
                () -> driverRefs().isEmpty() && kmm.end(nodeA) == null && kmm.end(nodeB) == null);
        awaitThreadsEnded("the stopped link ends' threads", driverThreads);
        awaitSocketsClosed("the stopped link ends' sockets", driverSockets);
        Await.never("sink calls after the services went", observationWindow(), this::detachViolation);

        int markA = kmm.a.size();
        int markB = kmm.b.size();
        configs.create();
        awaitAttached("after the configurations were created again");
        awaitCommon(p.blocks, markA, markB, "blocks after the restart");
        assertIdentical();
        assertNoDuplicates();
        assertNoViolations();
    }

    /** Bundle update (same location, then a second version) + refresh: no leaked threads or sockets. */
    @Test
    public void t06_bundleUpdateLeaksNoThreadsOrSockets() throws Exception {
        awaitCommon(p.blocks, 0, 0, "blocks before the update");
        Bundle driver = driverBundle();
        Version before = driver.getVersion();

        // 1. the same bundle again from its location
        updateAndCheck(driver, null, "update from the same location");

        // 2. a second version: the profile's driver.v2, or this jar with a higher Bundle-Version
        File v2 = p.driverV2 != null ? new File(p.driverV2)
                : withVersion(new File(p.driver), new Version(before.getMajor(), before.getMinor(), before.getMicro() + 1,
                        "tck"));
        updateAndCheck(driver, v2, "update to a second version");
        assertNotEquals("the driver's version after the update to " + v2, before, driver.getVersion());

        // the next tests run on the second version's content: the same classes (or the vendor's v2); t07
        // installs the original file again
        assertNoDuplicates();
        assertNoViolations();
    }

    /** Uninstall leaves no thread and no socket of the driver; install again resumes the link. */
    @Test
    public void t07_uninstallLeavesNothingAndReinstallResumes() throws Exception {
        awaitCommon(p.blocks, 0, 0, "blocks before uninstall");
        Bundle driver = driverBundle();
        Set<Thread> owned = new HashSet<>(Leaks.driverThreads(baseThreads));
        owned.addAll(Leaks.ownedBy(driver, p.threads));
        // every socket opened since this test's baseline (before its link ends started) must close
        Set<String> driverSockets = Leaks.socketsSince(baseSockets);
        info("uninstall: watching " + owned.size() + " driver threads " + names(owned) + ", " + driverSockets.size()
                + " sockets");
        driver.uninstall();
        refresh(driver);
        Await.until("driver services to go after uninstall", timeout, () -> driverRefs().isEmpty());
        awaitThreadsEnded("the uninstalled driver's threads", owned);
        awaitSocketsClosed("the uninstalled driver's sockets", driverSockets);

        int markA = kmm.a.size();
        int markB = kmm.b.size();
        Bundle again;
        try (InputStream in = new FileInputStream(p.driver)) {
            again = context.installBundle(p.driverLocation(), in);
        }
        again.start();
        awaitAttached("after the driver was installed again");
        awaitCommon(p.blocks, markA, markB, "blocks after reinstall");
        assertIdentical();
        assertNoDuplicates();
        assertNoViolations();
    }

    /** A property update at runtime is applied; the link keeps working with no repeated IDs. */
    @Test
    public void t08_configurationChangeAtRuntime() throws Exception {
        awaitCommon(p.blocks, 0, 0, "blocks before the change");
        Set<Thread> driverThreads = Leaks.driverThreads(baseThreads);
        Set<String> oldSockets = Leaks.socketsSince(baseSockets);
        Set<Long> servicesBefore = serviceIds();
        configs.update(p.changeA, p.changeB);
        if (!p.expectServiceProps.isEmpty()) {
            Await.until("service properties after the change " + p.expectServiceProps, timeout,
                    () -> List.of(nodeA, nodeB).stream().allMatch(n -> {
                        KitKmm.Attached at = kmm.end(n);
                        return at != null && p.expectServiceProps.entrySet().stream()
                                .allMatch(e -> e.getValue().equals(String.valueOf(at.ref.getProperty(e.getKey()))));
                    }));
        }
        awaitAttached("after the change");
        if (!Double.isNaN(p.expectStatusQber)) {
            for (String node : List.of(nodeA, nodeB)) {
                Await.until(node + " status QBER " + p.expectStatusQber + " after the change", timeout,
                        () -> Math.abs(kmm.end(node).driver.status().qber() - p.expectStatusQber) < 1e-9,
                        () -> "status() = " + kmm.end(node).driver.status());
            }
        }
        int markA = kmm.a.size();
        int markB = kmm.b.size();
        awaitCommon(p.blocks, markA, markB, "blocks after the change");
        if (!Double.isNaN(p.expectBlockQber)) {
            // blocks already in flight may carry the old value: the newest ones must carry the new one
            Await.until("the newest " + p.blocks + " blocks at both ends to carry QBER " + p.expectBlockQber, timeout,
                    () -> newest(kmm.a, p.blocks).stream().allMatch(b -> Math.abs(b.qber - p.expectBlockQber) < 1e-9)
                            && newest(kmm.b, p.blocks).stream().allMatch(b -> Math.abs(b.qber - p.expectBlockQber) < 1e-9));
        }
        if (p.expectSameServices != null) {
            if (p.expectSameServices) {
                assertEquals("the driver documents that this change keeps its services", servicesBefore, serviceIds());
                assertTrue("the driver documents that this change keeps its services, but a new sink was attached",
                        List.of(nodeA, nodeB).stream().allMatch(n -> kmm.end(n).sink.generation <= 2));
            } else {
                assertTrue("the driver documents that this change replaces its services: " + servicesBefore + " → "
                        + serviceIds(), Collections.disjoint(servicesBefore, serviceIds()));
            }
        }
        assertIdentical();
        assertNoDuplicates();
        // if the change restarted the link ends, the old instances' threads are gone and sockets not grown
        Set<Thread> old = new HashSet<>(driverThreads);
        old.retainAll(Leaks.threads());
        awaitEndedIfReplaced(old, oldSockets);
        assertNoViolations();
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private void updateAndCheck(Bundle driver, File from, String what) throws Exception {
        Set<Thread> old = new HashSet<>(Leaks.driverThreads(baseThreads));
        old.addAll(Leaks.ownedBy(driver, p.threads));
        Set<String> oldSockets = Leaks.socketsSince(baseSockets);
        info(what + ": watching " + old.size() + " driver threads " + names(old) + ", " + oldSockets.size() + " sockets");
        Set<Long> serviceIds = serviceIds();
        int markA = kmm.a.size();
        int markB = kmm.b.size();
        if (from == null) {
            driver.update();
        } else {
            try (InputStream in = new FileInputStream(from)) {
                driver.update(in);
            }
        }
        refresh(driver);
        assertEquals(what + ": driver bundle state", Bundle.ACTIVE, driver.getState());
        Await.until(what + ": new driver services attached at both ends", timeout,
                () -> isAttached(nodeA) && isAttached(nodeB) && Collections.disjoint(serviceIds, serviceIds()));
        awaitCommon(p.blocks, markA, markB, what + ": blocks");
        awaitThreadsEnded(what + ": the old revision's threads", old);
        awaitSocketsClosed(what + ": the old revision's sockets", oldSockets);
        assertIdentical();
    }

    private static final long T0 = System.nanoTime();

    private static void info(String line) {
        System.out.println("[tck] +" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - T0) + " ms " + line);
    }

    private static List<String> names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().collect(Collectors.toList());
    }

    private void awaitAttached(String when) {
        Await.until("driver services of " + nodeA + " and " + nodeB + " on link " + p.linkId + " " + when, timeout,
                () -> isAttached(nodeA) && isAttached(nodeB),
                () -> "services of the PID's link: " + driverRefs().size() + "; configurations " + configs);
    }

    private boolean isAttached(String node) {
        return kmm.isAttached(node);
    }

    /** Waits until {@code n} IDs delivered at A (from index markA) were also delivered at B (from markB). */
    private void awaitCommon(int n, int markA, int markB, String what) {
        long t = System.nanoTime();
        awaitCommonQuiet(n, markA, markB, what);
        info(n + " common " + what + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) + " ms");
    }

    private void awaitCommonQuiet(int n, int markA, int markB, String what) {
        Await.until(n + " common " + what + " at " + nodeA + " and " + nodeB, timeout,
                () -> common(markA, markB).size() >= n,
                () -> "A delivered " + (kmm.a.size() - markA) + ", B " + (kmm.b.size() - markB) + ", common "
                        + common(markA, markB).size() + "; states A " + states(nodeA) + ", B " + states(nodeB)
                        + "; violations " + violations());
    }

    private Set<UUID> common(int markA, int markB) {
        Set<UUID> a = kmm.a.order().stream().filter(b -> b.seq >= markA).map(b -> b.id).collect(Collectors.toSet());
        Set<UUID> b = kmm.b.order().stream().filter(x -> x.seq >= markB).map(x -> x.id).collect(Collectors.toSet());
        a.retainAll(b);
        return a;
    }

    /** Every ID known at both ends carries the same bytes (compared by digest, never printed). */
    private void assertIdentical() {
        List<String> differ = new ArrayList<>();
        int compared = 0;
        for (EndRecorder.Block x : kmm.a.order()) {
            EndRecorder.Block y = kmm.b.get(x.id);
            if (y != null) {
                compared++;
                if (!x.digest.equals(y.digest) || x.bits != y.bits) {
                    differ.add(x.id + " (" + x.bits + " vs " + y.bits + " bits)");
                }
            }
        }
        assertTrue("blocks with the same ID but different bytes at " + nodeA + " and " + nodeB + " (" + differ.size()
                + " of " + compared + "): " + differ.stream().limit(5).collect(Collectors.toList()), differ.isEmpty());
    }

    private void assertNoDuplicates() {
        assertTrue("IDs delivered twice at " + nodeA + ": " + kmm.a.duplicates(), kmm.a.duplicates().isEmpty());
        assertTrue("IDs delivered twice at " + nodeB + ": " + kmm.b.duplicates(), kmm.b.duplicates().isEmpty());
    }

    /**
     * Once both ends deliver, no block reaches one end only: every block an end delivered after its
     * first block in common reaches the other end too (allowing it the timeout to get there).
     */
    private void assertSteadyStateComplete() {
        for (EndRecorder[] pair : new EndRecorder[][] {{kmm.a, kmm.b}, {kmm.b, kmm.a}}) {
            EndRecorder from = pair[0];
            EndRecorder to = pair[1];
            List<EndRecorder.Block> seen = from.order();
            int first = -1;
            for (int i = 0; i < seen.size(); i++) {
                if (to.get(seen.get(i).id) != null) {
                    first = i;
                    break;
                }
            }
            assertTrue("no common block", first >= 0);
            List<EndRecorder.Block> window = seen.subList(first, seen.size());
            Await.until("every block " + from.end + " delivered in the steady state (" + window.size()
                    + ") to reach " + to.end, timeout, () -> window.stream().allMatch(b -> to.get(b.id) != null),
                    () -> "missing at " + to.end + ": " + window.stream().filter(b -> to.get(b.id) == null).map(b -> b.id)
                            .limit(5).collect(Collectors.toList()));
        }
    }

    private void assertNoViolations() {
        List<String> v = violations();
        assertTrue("contract violations: " + v, v.isEmpty());
    }

    private List<String> violations() {
        List<String> v = new ArrayList<>(kmm.a.violations());
        v.addAll(kmm.b.violations());
        return v;
    }

    private String detachViolation() {
        List<String> v = violations().stream().filter(s -> s.contains("after detach")).collect(Collectors.toList());
        return v.isEmpty() ? null : v.toString();
    }

    /** Long enough to see a few blocks' time pass: 4 mean block intervals, at least 1 s, at most timeout/4. */
    private long observationWindow() {
        List<EndRecorder.Block> a = kmm.a.order();
        long interval = 250;
        if (a.size() >= 2) {
            interval = TimeUnit.NANOSECONDS.toMillis(a.get(a.size() - 1).nanos - a.get(0).nanos) / (a.size() - 1);
        }
        return Math.max(1000, Math.min(timeout / 4, 4 * interval));
    }

    private void assertStatusCheap(String node, QkdDriver d) {
        long worst = 0;
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            LinkStatus s = d.status();
            worst = Math.max(worst, System.nanoTime() - t0);
            assertNotNull(node + ": status() returned null", s);
            assertTrue(node + ": status QBER " + s.qber(), Double.isNaN(s.qber()) || (s.qber() >= 0 && s.qber() <= 1));
            assertTrue(node + ": status channel loss " + s.channelLossDb(),
                    Double.isNaN(s.channelLossDb()) || s.channelLossDb() >= 0);
        }
        assertTrue(node + ": status() must be cheap and never block; slowest call took "
                + TimeUnit.NANOSECONDS.toMillis(worst) + " ms", worst < TimeUnit.MILLISECONDS.toNanos(200));
    }

    /** The states the sink saw, runs folded ("STARTING, DOWN x30"), and the latest reason. */
    private String states(String node) {
        List<LinkStatus> all = kmm.recorder(node).statuses();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < all.size();) {
            int j = i;
            while (j < all.size() && all.get(j).state() == all.get(i).state()) {
                j++;
            }
            sb.append(sb.length() > 1 ? ", " : "").append(all.get(i).state()).append(j - i > 1 ? " x" + (j - i) : "");
            i = j;
        }
        sb.append("]");
        KitKmm.Attached at = kmm.end(node);
        if (at != null) {
            try {
                LinkStatus now = at.driver.status();
                sb.append(" now ").append(now.state()).append(now.reason().isEmpty() ? "" : " (" + now.reason() + ")");
            } catch (RuntimeException e) {
                sb.append(" status() threw ").append(e);
            }
        }
        return sb.toString();
    }

    private static List<EndRecorder.Block> newest(EndRecorder r, int n) {
        List<EndRecorder.Block> all = r.order();
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    private void awaitThreadsEnded(String what, Set<Thread> threads) {
        Await.until(what + " to end", timeout, () -> Leaks.alive(threads).isEmpty(),
                () -> "still alive: " + Leaks.describe(Leaks.alive(threads)));
    }

    /** After a configuration change a driver may keep its instances (modified) or replace them. */
    private void awaitEndedIfReplaced(Set<Thread> old, Set<String> oldSockets) {
        // the first attach made sinks #1 and #2: a higher one means a new service was attached
        boolean replaced = List.of(nodeA, nodeB).stream().map(kmm::end)
                .anyMatch(at -> at != null && at.sink != null && at.sink.generation > 2);
        if (replaced) {
            awaitThreadsEnded("the replaced link ends' threads", old);
            awaitSocketsClosed("the replaced link ends' sockets", oldSockets);
        }
    }

    private void awaitSocketsClosed(String what, Set<String> sockets) {
        if (sockets.isEmpty()) {
            return;
        }
        Await.until(what + " to close", timeout, () -> Leaks.stillOpen(sockets).isEmpty(),
                () -> "still open: " + Leaks.stillOpen(sockets));
    }

    private Set<Long> serviceIds() {
        Set<Long> ids = new HashSet<>();
        for (String node : List.of(nodeA, nodeB)) {
            KitKmm.Attached at = kmm.end(node);
            if (at != null) {
                ids.add(at.serviceId());
            }
        }
        return ids;
    }

    private List<ServiceReference<QkdDriver>> driverRefs() {
        try {
            return new ArrayList<>(context.getServiceReferences(QkdDriver.class,
                    "(" + QkdDriverConstants.LINK_ID + "=" + p.linkId + ")"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Bundle driverBundle() {
        Bundle b = context.getBundle(p.driverLocation());
        if (b == null) {
            throw new AssertionError("driver bundle not installed at " + p.driverLocation());
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
        assertTrue("refresh of the driver bundle within " + timeout + " ms", done.await(timeout, TimeUnit.MILLISECONDS));
    }

    /**
     * Once per framework, before any baseline is taken: ConfigAdmin starts its lazy threads, and one
     * link comes up, delivers and goes again, so that JVM-wide lazy threads (JDK schedulers, TLS,
     * a fixture's server threads) exist before the first leak check whichever test runs first.
     */
    private void warmUp() throws Exception {
        if (System.getProperty("tck.warmedUp") != null) {
            return;
        }
        System.setProperty("tck.warmedUp", "true");
        KitKmm warm = new KitKmm(context, p);
        LinkConfigs warmConfigs = new LinkConfigs(cm, p);
        try {
            warm.open();
            warmConfigs.create();
            Await.until("the warm-up link to deliver its first common block", timeout, () -> {
                Set<UUID> a = warm.a.order().stream().map(x -> x.id).collect(Collectors.toSet());
                return warm.b.order().stream().anyMatch(x -> a.contains(x.id));
            });
        } catch (AssertionError e) {
            info("warm-up: " + e.getMessage()); // the tests will say what is wrong
        } finally {
            warm.close();
            warmConfigs.delete();
            Await.until("the warm-up link's services to go", timeout, () -> driverRefs().isEmpty());
        }
        info("warm-up done");
        org.osgi.service.cm.Configuration c = cm.getFactoryConfiguration(WARM_UP_PID, "warm-up", "?");
        c.update(new Hashtable<>(Map.of("tck", "warm-up")));
        c.delete();
        Await.until("ConfigAdmin to settle", timeout, () -> {
            try {
                return cm.listConfigurations("(service.factoryPid=" + WARM_UP_PID + ")") == null;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** A copy of a bundle jar with another Bundle-Version: "a second version" of the driver. */
    static File withVersion(File jar, Version version) throws Exception {
        File out = File.createTempFile("driver-" + version, ".jar");
        out.deleteOnExit();
        try (JarInputStream in = new JarInputStream(new FileInputStream(jar))) {
            Manifest mf = new Manifest(Objects.requireNonNull(in.getManifest(), "no manifest in " + jar));
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version.toString());
            try (JarOutputStream jout = new JarOutputStream(new FileOutputStream(out), mf)) {
                JarEntry e;
                byte[] buf = new byte[8192];
                while ((e = in.getNextJarEntry()) != null) {
                    jout.putNextEntry(new JarEntry(e.getName()));
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        jout.write(buf, 0, n);
                    }
                    jout.closeEntry();
                }
            }
        }
        assertFalse("copy of " + jar, out.length() == 0);
        return out;
    }
}
