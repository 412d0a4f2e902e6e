package org.qkdv2i.tck;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.MavenArtifactProvisionOption;

/**
 * The framework the kit runs a driver in: what a node offers a driver bundle (SCR, ConfigAdmin,
 * Metatype, SLF4J through SPI Fly, Bouncy Castle, Jetty client/server, Jackson, qkd.api) but no
 * KMM: the kit is the KMM. Then the profile's extra bundles and the driver, from its own file.
 */
final class TckRuntime {

    static final int LEVEL_LOGGING = 1;
    static final int LEVEL_PLATFORM = 2;
    static final int LEVEL_OURS = 3;
    static final int LEVEL_DRIVER = 4;

    private TckRuntime() {
    }

    static Option[] options() {
        startFixture(Profile.fixtureClass()); // first: the profile's values may name what it returns
        Profile p = Profile.load();
        System.out.println("[tck] " + p);
        List<Option> o = new ArrayList<>(List.of(
                cleanCaches(true),
                systemTimeout(60_000),
                frameworkStartLevel(10),
                junitBundles(),
                // native container: the failsafe class path also holds slf4j (see integration-tests/README.md)
                frameworkProperty("felix.bootdelegation.implicit").value("false"),

                mvn("org.ow2.asm", "asm", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-tree", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-analysis", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-commons", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-util", LEVEL_LOGGING),
                mvn("org.apache.aries.spifly", "org.apache.aries.spifly.dynamic.bundle", LEVEL_LOGGING),
                mvn("org.slf4j", "slf4j-api", LEVEL_LOGGING),
                mvn("org.slf4j", "slf4j-simple", LEVEL_LOGGING),

                mvn("org.osgi", "org.osgi.util.function", LEVEL_PLATFORM),
                mvn("org.osgi", "org.osgi.util.promise", LEVEL_PLATFORM),
                mvn("org.osgi", "org.osgi.service.component", LEVEL_PLATFORM),
                mvn("org.osgi", "org.osgi.service.log", LEVEL_PLATFORM),
                mvn("org.apache.felix", "org.apache.felix.scr", LEVEL_PLATFORM),
                mvn("org.apache.felix", "org.apache.felix.configadmin", LEVEL_PLATFORM),
                mvn("org.apache.felix", "org.apache.felix.metatype", LEVEL_PLATFORM),

                mvn("org.bouncycastle", "bcprov-jdk18on", LEVEL_PLATFORM),
                mvn("org.bouncycastle", "bcutil-jdk18on", LEVEL_PLATFORM),
                mvn("org.bouncycastle", "bcpkix-jdk18on", LEVEL_PLATFORM),
                mvn("org.bouncycastle", "bctls-jdk18on", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-util", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-io", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-http", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-server", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-alpn-client", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty.compression", "jetty-compression-common", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-client", LEVEL_PLATFORM),
                mvn("com.fasterxml.jackson.core", "jackson-annotations", LEVEL_PLATFORM),
                mvn("com.fasterxml.jackson.core", "jackson-core", LEVEL_PLATFORM),
                mvn("com.fasterxml.jackson.core", "jackson-databind", LEVEL_PLATFORM),

                bundle(fileUrl(ourFile("qkdv2i.bundle.qkd.api"))).startLevel(LEVEL_OURS).start()));
        for (String extra : p.extraBundles) {
            o.add(bundle(fileUrl(new File(extra))).startLevel(LEVEL_OURS).start());
        }
        // the driver under test: its own file, so the kit can update and uninstall it
        o.add(bundle(p.driverLocation()).startLevel(LEVEL_DRIVER).start());
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

    private static MavenArtifactProvisionOption mvn(String group, String artifact, int level) {
        MavenArtifactProvisionOption b = mavenBundle(group, artifact).versionAsInProject();
        b.startLevel(level);
        b.start();
        return b;
    }

    private static File ourFile(String property) {
        String path = System.getProperty(property);
        if (path == null || path.isBlank() || path.startsWith("${")) {
            throw new IllegalStateException("system property " + property + " is not set: run the kit through Maven "
                    + "(mvn -pl integration-tests/tck verify)");
        }
        return new File(path);
    }

    private static String fileUrl(File f) {
        return f.toURI().toString();
    }
}
