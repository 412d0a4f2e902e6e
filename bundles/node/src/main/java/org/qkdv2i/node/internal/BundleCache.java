package org.qkdv2i.node.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Housekeeping of the framework's bundle cache, which node.jar keeps between runs in
 * {@code cache/felix-<fingerprint>} of the node home (see distributions/node/node.bndrun).
 * The launcher refreshes the bundles of node.jar itself (by digest); this class makes sure
 * that nothing else survives a restart, so a start behaves as with an empty cache:
 * <ul>
 * <li>bundles not shipped in node.jar (drivers FileInstall installed from {@code deploy/},
 * drivers installed with {@code qkd:driver-install}) are uninstalled before they start (they
 * have the default start level 4, this runs at 2); FileInstall installs {@code deploy/}
 * afresh from the files, so a driver jar replaced or removed while the node was down never
 * runs in its old version;</li>
 * <li>the caches of other node.jar builds ({@code cache/felix-*} besides the current one) are
 * deleted in the background.</li>
 * </ul>
 */
final class BundleCache {

    private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);
    /** Set by bnd's launcher: the embedded bundle paths of node.jar (their bundle locations). */
    static final String LAUNCH_BUNDLES = "launch.bundles";
    static final String CACHE_PREFIX = "felix-";
    /** cnf/runtime.bnd: FileInstall starts at 3, this bundle at 2. */
    static final int FILEINSTALL_START_LEVEL = 3;

    private BundleCache() {
    }

    /**
     * Uninstalls the bundles a previous run left in the cache. Does nothing outside node.jar's
     * launcher (no {@code launch.bundles} property, e.g. in Pax Exam).
     *
     * @return the locations of the bundles removed
     */
    static List<String> removeLeftovers(BundleContext context) {
        String shipped = context.getProperty(LAUNCH_BUNDLES);
        if (shipped == null || shipped.isBlank()) {
            return List.of();
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (system.adapt(FrameworkStartLevel.class).getStartLevel() >= FILEINSTALL_START_LEVEL) {
            return List.of(); // the node runs already (component re-activated): FileInstall's bundles stay
        }
        Set<String> keep = Stream.of(shipped.split(",")).map(String::trim).collect(Collectors.toSet());
        List<Bundle> removed = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == 0 || keep.contains(b.getLocation())) {
                continue;
            }
            try {
                b.uninstall();
                removed.add(b);
                LOG.info("bundle cache: removed bundle {} {} {} left by the previous run (from {})", b.getBundleId(),
                        b.getSymbolicName(), b.getVersion(), b.getLocation());
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("bundle cache: cannot remove bundle {} {} left by the previous run: {}", b.getBundleId(),
                        b.getSymbolicName(), e.toString());
            }
        }
        if (!removed.isEmpty()) {
            system.adapt(FrameworkWiring.class).refreshBundles(removed);
        }
        return removed.stream().map(Bundle::getLocation).collect(Collectors.toList());
    }

    /** Deletes, on a background thread, the caches of other node.jar builds next to the current one. */
    static void deleteOtherCachesLater(BundleContext context) {
        String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
        if (storage == null || context.getProperty(LAUNCH_BUNDLES) == null) {
            return;
        }
        Path current = Path.of(storage).toAbsolutePath().normalize();
        Thread t = new Thread(() -> deleteOtherCaches(current), "qkd-node-cache-cleanup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Only folders named felix-* next to a current cache named felix-* are touched. */
    static List<Path> deleteOtherCaches(Path current) {
        Path parent = current.getParent();
        List<Path> deleted = new ArrayList<>();
        if (parent == null || !current.getFileName().toString().startsWith(CACHE_PREFIX)) {
            return deleted;
        }
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                if (!p.equals(current) && Files.isDirectory(p) && p.getFileName().toString().startsWith(CACHE_PREFIX)) {
                    deleteTree(p);
                    deleted.add(p);
                    LOG.info("bundle cache: deleted {} (another build of node.jar)", p);
                }
            }
        } catch (IOException e) {
            LOG.warn("bundle cache: cannot clean {}: {}", parent, e.toString());
        }
        return deleted;
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
