package org.qkdv2i.tck;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Threads and sockets of this JVM, to tell what a driver left behind. The kit, the framework and
 * the platform bundles started their threads before the baseline is taken (and name them so):
 * a thread that appears after it belongs to the driver under test.
 */
final class Leaks {

    /** Threads that are not the driver's even when they start after the baseline. */
    private static final List<String> NOT_DRIVER = Arrays.asList("tck-", "Felix", "FelixDispatchQueue", "SCR ",
            "CM ", "Common-Cleaner", "ForkJoinPool.commonPool", "process reaper", "Attach Listener",
            "Signal Dispatcher", "Reference Handler", "Finalizer", "Notification Thread", "surefire",
            "CompletableFutureDelayScheduler");

    private Leaks() {
    }

    static Set<Thread> threads() {
        return Collections.unmodifiableSet(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .collect(Collectors.toSet()));
    }

    /** Live threads started since {@code baseline}, without the kit's, the framework's and the JDK's. */
    static Set<Thread> driverThreads(Set<Thread> baseline) {
        return threads().stream().filter(t -> !baseline.contains(t))
                .filter(t -> NOT_DRIVER.stream().noneMatch(p -> t.getName().startsWith(p)))
                .collect(Collectors.toSet());
    }

    /**
     * Live threads that belong to {@code bundle}: its class loader is their context class loader
     * or loaded their class, one of their frames runs a class of the bundle's own packages, or
     * their name matches {@code namePattern} (the profile's {@code threads}, may be null).
     */
    static Set<Thread> ownedBy(org.osgi.framework.Bundle bundle, java.util.regex.Pattern namePattern) {
        org.osgi.framework.wiring.BundleWiring w = bundle.adapt(org.osgi.framework.wiring.BundleWiring.class);
        ClassLoader loader = w == null ? null : w.getClassLoader();
        Set<String> packages = new java.util.HashSet<>();
        if (w != null) {
            for (String r : w.listResources("/", "*.class", org.osgi.framework.wiring.BundleWiring.LISTRESOURCES_RECURSE
                    | org.osgi.framework.wiring.BundleWiring.LISTRESOURCES_LOCAL)) {
                int slash = r.lastIndexOf('/');
                packages.add(slash < 0 ? "" : r.substring(0, slash).replace('/', '.'));
            }
        }
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().isAlive()).filter(e -> {
            Thread t = e.getKey();
            if (t.getName().startsWith("tck-")) {
                return false;
            }
            if (loader != null && (t.getContextClassLoader() == loader || t.getClass().getClassLoader() == loader)) {
                return true;
            }
            if (namePattern != null && namePattern.matcher(t.getName()).matches()) {
                return true;
            }
            for (StackTraceElement f : e.getValue()) {
                String c = f.getClassName();
                int dot = c.lastIndexOf('.');
                if (packages.contains(dot < 0 ? "" : c.substring(0, dot))) {
                    return true;
                }
            }
            return false;
        }).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Those of {@code threads} still alive (a GC first: some threads end when their owner is collected). */
    static Set<Thread> alive(Set<Thread> threads) {
        System.gc();
        return threads.stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    static String describe(Set<Thread> threads) {
        return threads.stream().map(t -> {
            StackTraceElement[] st = t.getStackTrace();
            String top = Arrays.stream(st).limit(4).map(StackTraceElement::toString).collect(Collectors.joining(" < "));
            return "'" + t.getName() + "' (" + t.getState() + ", context class loader " + loader(t.getContextClassLoader())
                    + (top.isEmpty() ? "" : ", at " + top) + ")";
        }).collect(Collectors.joining("; ", "[", "]"));
    }

    private static String loader(ClassLoader cl) {
        if (cl instanceof org.osgi.framework.BundleReference) {
            org.osgi.framework.Bundle b = ((org.osgi.framework.BundleReference) cl).getBundle();
            return "of bundle " + (b == null ? "?" : b.getSymbolicName());
        }
        return cl == null ? "none" : cl.getClass().getSimpleName();
    }

    /**
     * The open sockets of this process by identity ({@code socket:[inode]} of /proc/self/fd, Linux),
     * or null where that cannot be read. Identities, not counts: a driver may open a different number
     * of connections after a restart, but the sockets its old instance held must be closed.
     */
    static Set<String> sockets() {
        Path fd = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return null;
        }
        Set<String> out = new java.util.HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fd)) {
            for (Path p : ds) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:")) {
                        out.add(target);
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // closed while we listed (or the stream's own fd)
                }
            }
        } catch (IOException e) {
            return null;
        }
        return out;
    }

    /** Sockets open now that were not in {@code baseline} (empty where /proc cannot be read). */
    static Set<String> socketsSince(Set<String> baseline) {
        Set<String> now = sockets();
        if (now == null || baseline == null) {
            return Collections.emptySet();
        }
        now.removeAll(baseline);
        return now;
    }

    /** Those of {@code sockets} still open, after a GC (a socket whose owner was collected is closed by its cleaner). */
    static Set<String> stillOpen(Set<String> sockets) {
        System.gc();
        Set<String> now = sockets();
        if (now == null) {
            return Collections.emptySet();
        }
        now.retainAll(sockets);
        return now;
    }
}
