package org.qkdv2i.tck;

import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.ops4j.pax.exam.Option;
import org.qkdv2i.it.exam.ExamOptions;

/**
 * The framework the kit runs a driver in: what a node offers a driver bundle (SCR, ConfigAdmin,
 * Metatype, SLF4J through SPI Fly, Bouncy Castle, Jetty client/server, Jackson, qkd.api) but no
 * KMM: the kit is the KMM. Then the profile's extra bundles and the driver, from its own file.
 */
final class TckRuntime {

    private TckRuntime() {
    }

    static Option[] options() {
        startFixture(Profile.fixtureClass()); // first: the profile's values may name what it returns
        Profile p = Profile.load();
        System.out.println("[tck] " + p);
        List<Option> o = ExamOptions.nodeBase(); // a node's bundles, no KMM: the kit is the KMM
        o.add(ExamOptions.fileBundle(ourFile("qkdv2i.bundle.qkd.api"), ExamOptions.LEVEL_OURS));
        for (String extra : p.extraBundles) {
            o.add(ExamOptions.fileBundle(new File(extra), ExamOptions.LEVEL_OURS));
        }
        // the driver under test: its own file, so the kit can update and uninstall it
        o.add(bundle(p.driverLocation()).startLevel(ExamOptions.LEVEL_DRIVER).start());
        return o.toArray(new Option[0]);
    }

    /**
     * Starts the profile's fixture (outside the framework, before it starts) once per JVM: a class
     * on the test class path implementing {@code Function<Path, Map<String,String>>} and
     * {@code AutoCloseable}; its values become {@code ${fixture:NAME}}.
     */
    @SuppressWarnings("unchecked")
    private static synchronized void startFixture(String fixture) {
        if (fixture == null || System.getProperty(Profile.PREFIX + "fixture.started") != null) {
            return;
        }
        try {
            Object f = Class.forName(fixture).getConstructor().newInstance();
            if (!(f instanceof Function) || !(f instanceof AutoCloseable)) {
                throw new IllegalStateException("fixture " + fixture
                        + " must implement Function<Path, Map<String,String>> and AutoCloseable");
            }
            String work = System.getProperty(Profile.PREFIX + "work");
            Path dir = Files.createDirectories(work == null || work.startsWith("${") ? Files.createTempDirectory("tck-fixture")
                    : Path.of(work, "fixture"));
            Map<String, String> values = ((Function<Path, Map<String, String>>) f).apply(dir);
            if (values != null) {
                values.forEach((k, v) -> System.setProperty(Profile.PREFIX + "fixture." + k, v));
            }
            System.setProperty(Profile.PREFIX + "fixture.started", fixture);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    ((AutoCloseable) f).close();
                } catch (Exception e) {
                    System.err.println("[tck] fixture " + fixture + " did not close cleanly: " + e);
                }
            }, "tck-fixture-close"));
            System.out.println("[tck] fixture " + fixture + " started: " + (values == null ? "{}" : values.keySet()));
        } catch (Exception e) {
            throw new IllegalStateException("fixture " + fixture + " failed to start: " + e, e);
        }
    }

    private static File ourFile(String property) {
        String path = System.getProperty(property);
        if (path == null || path.isBlank() || path.startsWith("${")) {
            throw new IllegalStateException("system property " + property + " is not set: run the kit through Maven "
                    + "(mvn -pl integration-tests/tck verify)");
        }
        return new File(path);
    }
}
