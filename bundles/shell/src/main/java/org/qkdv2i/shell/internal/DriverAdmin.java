package org.qkdv2i.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, updates and uninstalls driver bundles without a refresh cascade: after an update
 * or uninstall only the driver bundle itself is refreshed, and only when no other bundle is
 * wired to it. The KMM and the HTTP server only see the driver's service go and come back.
 */
final class DriverAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(DriverAdmin.class);
    private static final long REFRESH_TIMEOUT_S = 30;

    private final BundleContext context;

    DriverAdmin(BundleContext context) {
        this.context = context;
    }

    String install(String fileOrUrl) throws BundleException {
        String location = BundleSelector.location(fileOrUrl, Path.of(""));
        Bundle b = context.installBundle(location);
        startUnlessFragment(b);
        LOG.info("driver bundle {} {} {} installed from {}", b.getBundleId(), b.getSymbolicName(), b.getVersion(), location);
        return "installed " + describe(b);
    }

    String update(String selector, String fileOrUrl) throws BundleException, IOException {
        Bundle b = find(selector);
        String from = fileOrUrl == null ? b.getLocation() : BundleSelector.location(fileOrUrl, Path.of(""));
        // stop, update, refresh, start: the driver's services go and come back once
        boolean wasActive = b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING;
        b.stop(Bundle.STOP_TRANSIENT);
        if (fileOrUrl == null) {
            b.update();
        } else {
            try (InputStream in = URI.create(from).toURL().openStream()) {
                b.update(in);
            }
        }
        String refresh = refreshOnly(b);
        if (wasActive) {
            startUnlessFragment(b);
        }
        LOG.info("driver bundle {} {} updated to {} from {}; {}", b.getBundleId(), b.getSymbolicName(), b.getVersion(),
                from, refresh);
        return "updated " + describe(b) + "\n" + refresh;
    }

    String uninstall(String selector) throws BundleException {
        Bundle b = find(selector);
        String what = b.getBundleId() + " " + b.getSymbolicName() + " " + b.getVersion();
        b.uninstall();
        String refresh = refreshOnly(b);
        LOG.info("driver bundle {} uninstalled; {}", what, refresh);
        return "uninstalled " + what + "\n" + refresh;
    }

    private Bundle find(String selector) throws BundleException {
        List<BundleSelector.Candidate> all = Arrays.stream(context.getBundles())
                .map(b -> new BundleSelector.Candidate(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString()))
                .toList();
        BundleSelector.Candidate c = BundleSelector.select(selector, all)
                .orElseThrow(() -> new BundleException("no bundle with ID or symbolic name '" + selector + "'"));
        if (c.id() == 0 || c.id() == context.getBundle().getBundleId()) {
            throw new BundleException("refusing to touch bundle " + c.id() + " (" + c.symbolicName()
                    + "): use the framework's own commands");
        }
        Bundle b = context.getBundle(c.id());
        if (b == null) {
            throw new BundleException("bundle " + c.id() + " was uninstalled meanwhile");
        }
        return b;
    }

    /**
     * Refreshes the bundle alone, so its old revision is released, unless another bundle is
     * wired to it: then refreshing would restart those too, so we leave them on the old
     * revision and say so.
     */
    private String refreshOnly(Bundle b) {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        Collection<Bundle> closure = wiring.getDependencyClosure(List.of(b));
        Set<Bundle> others = closure.stream().filter(x -> x.getBundleId() != b.getBundleId()).collect(Collectors.toSet());
        if (!others.isEmpty()) {
            return "not refreshed: " + others.size() + " other bundle(s) are wired to it ("
                    + others.stream().map(x -> x.getBundleId() + " " + x.getSymbolicName()).sorted()
                            .collect(Collectors.joining(", "))
                    + "); they keep the old revision until you run 'refresh'";
        }
        CountDownLatch done = new CountDownLatch(1);
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        };
        wiring.refreshBundles(List.of(b), listener);
        try {
            if (!done.await(REFRESH_TIMEOUT_S, TimeUnit.SECONDS)) {
                return "refresh of this bundle only was requested; not finished after " + REFRESH_TIMEOUT_S + " s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "refresh of this bundle only was requested (interrupted while waiting)";
        }
        return "refreshed this bundle only (no other bundle was wired to it)";
    }

    private static void startUnlessFragment(Bundle b) throws BundleException {
        if (b.getState() != Bundle.UNINSTALLED && b.getHeaders().get("Fragment-Host") == null) {
            b.start();
        }
    }

    static String describe(Bundle b) {
        return b.getBundleId() + " " + b.getSymbolicName() + " " + b.getVersion() + " " + state(b.getState());
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> Integer.toString(state);
        };
    }
}
