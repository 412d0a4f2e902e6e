package org.qkdv2i.it.platform;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.MavenArtifactProvisionOption;

/**
 * The runtime every platform test stands on: the same bundles as the node distribution
 * (Felix SCR, ConfigAdmin, Metatype, SLF4J through SPI Fly, Bouncy Castle, Jetty, Jackson,
 * MVStore, our bundles), plus the QKD driver under test installed from its own file.
 *
 * <p>Third-party versions come from the pom (versionAsInProject, depends-maven-plugin);
 * our bundles come from the files Maven built (system properties set by failsafe from
 * {@code dependency:properties}), so no {@code mvn install} of this reactor is needed.
 */
public final class Platform {

    /** System property naming the driver bundle file under test (the test driver by default). */
    public static final String DRIVER_BUNDLE = "qkdv2i.driver.bundle";

    /** Start levels: logging and SPI Fly first, or slf4j binds the NOP logger (BUILD-FACTS). */
    static final int LEVEL_LOGGING = 1;
    static final int LEVEL_PLATFORM = 2;
    static final int LEVEL_OURS = 3;
    static final int LEVEL_DRIVER = 4;

    private Platform() {
    }

    public static Option[] options(Option... extra) {
        List<Option> o = new ArrayList<>(Arrays.asList(
                cleanCaches(true),
                systemTimeout(60_000),
                frameworkStartLevel(10),
                junitBundles(),
                // The native container runs Felix inside the failsafe JVM, whose class path holds
                // slf4j too; without this, ServiceLoader lookups (slf4j providers) leak to the class
                // path and the provider found is "not a subtype" of the bundle's interface.
                frameworkProperty("felix.bootdelegation.implicit").value("false"),

                // SLF4J 2 finds its provider through the ServiceLoader mediator
                mvn("org.ow2.asm", "asm", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-tree", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-analysis", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-commons", LEVEL_LOGGING),
                mvn("org.ow2.asm", "asm-util", LEVEL_LOGGING),
                mvn("org.apache.aries.spifly", "org.apache.aries.spifly.dynamic.bundle", LEVEL_LOGGING),
                mvn("org.slf4j", "slf4j-api", LEVEL_LOGGING),
                mvn("org.slf4j", "slf4j-simple", LEVEL_LOGGING),

                // OSGi services
                mvn("org.osgi", "org.osgi.util.function", LEVEL_PLATFORM),
                mvn("org.osgi", "org.osgi.util.promise", LEVEL_PLATFORM),
                mvn("org.osgi", "org.osgi.service.component", LEVEL_PLATFORM),
                mvn("org.osgi", "org.osgi.service.log", LEVEL_PLATFORM),
                mvn("org.apache.felix", "org.apache.felix.scr", LEVEL_PLATFORM),
                mvn("org.apache.felix", "org.apache.felix.configadmin", LEVEL_PLATFORM),
                mvn("org.apache.felix", "org.apache.felix.metatype", LEVEL_PLATFORM),

                // libraries
                mvn("org.bouncycastle", "bcprov-jdk18on", LEVEL_PLATFORM),
                mvn("org.bouncycastle", "bcutil-jdk18on", LEVEL_PLATFORM),
                mvn("org.bouncycastle", "bcpkix-jdk18on", LEVEL_PLATFORM),
                mvn("org.bouncycastle", "bctls-jdk18on", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-util", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-io", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-http", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-server", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-alpn-client", LEVEL_PLATFORM),
                // optional import of jetty-client, but HttpClient fails without it (12.1)
                mvn("org.eclipse.jetty.compression", "jetty-compression-common", LEVEL_PLATFORM),
                mvn("org.eclipse.jetty", "jetty-client", LEVEL_PLATFORM),
                mvn("com.fasterxml.jackson.core", "jackson-annotations", LEVEL_PLATFORM),
                mvn("com.fasterxml.jackson.core", "jackson-core", LEVEL_PLATFORM),
                mvn("com.fasterxml.jackson.core", "jackson-databind", LEVEL_PLATFORM),
                mvn("com.h2database", "h2-mvstore", LEVEL_PLATFORM),

                // ours, from the reactor's files
                ours("qkd.api"),
                ours("kmm.api"),
                ours("tls"),
                ours("kmm"),
                ours("kmm.etsi014"),

                // the driver under test: its own file, so a test can update or uninstall it
                bundle(fileUrl(requiredFile(DRIVER_BUNDLE))).startLevel(LEVEL_DRIVER).start()));
        o.addAll(Arrays.asList(extra));
        return o.toArray(new Option[0]);
    }

    /** Location of the driver bundle as installed by {@link #options}. */
    public static String driverLocation() {
        return fileUrl(requiredFile(DRIVER_BUNDLE));
    }

    public static File driverFile() {
        return requiredFile(DRIVER_BUNDLE);
    }

    private static MavenArtifactProvisionOption mvn(String group, String artifact, int level) {
        MavenArtifactProvisionOption b = mavenBundle(group, artifact).versionAsInProject();
        b.startLevel(level);
        b.start();
        return b;
    }

    private static Option ours(String shortName) {
        return bundle(fileUrl(requiredFile("qkdv2i.bundle." + shortName))).startLevel(LEVEL_OURS).start();
    }

    private static String fileUrl(File f) {
        return f.toURI().toString();
    }

    private static File requiredFile(String property) {
        String path = System.getProperty(property);
        if (path == null || path.isBlank() || path.startsWith("${")) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests through Maven "
                    + "(mvn -pl integration-tests/platform verify), which sets it from dependency:properties");
        }
        File f = new File(path);
        if (!f.isFile()) {
            throw new IllegalStateException(property + " names " + path + ", which is not a file: build that bundle first");
        }
        return f;
    }
}
