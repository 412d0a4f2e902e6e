package org.qkdv2i.it.exam;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.MavenArtifactProvisionOption;

/**
 * Pax Exam options shared by the platform suite and the driver conformance kit: the framework
 * set-up and what a node offers a driver bundle (Felix SCR, ConfigAdmin, Metatype, SLF4J through
 * SPI Fly, Bouncy Castle, Jetty client/server, Jackson). Each suite adds its own bundles.
 *
 * <p>For {@code @Configuration} methods only: this jar is on the failsafe class path, not in the
 * framework, so code running inside the container (test methods) must not use it.
 * Third-party versions come from the calling module's pom (versionAsInProject, its
 * depends-maven-plugin file).
 */
public final class ExamOptions {

    /** Start levels: logging and SPI Fly first, or slf4j binds the NOP logger (BUILD-FACTS). */
    public static final int LEVEL_LOGGING = 1;
    public static final int LEVEL_PLATFORM = 2;
    public static final int LEVEL_OURS = 3;
    public static final int LEVEL_DRIVER = 4;

    private ExamOptions() {
    }

    /** The framework set-up and the node's third-party bundles, at their start levels; a list to add to. */
    public static List<Option> nodeBase() {
        return new ArrayList<>(List.of(
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
                mvn("com.fasterxml.jackson.core", "jackson-databind", LEVEL_PLATFORM)));
    }

    /** A Maven bundle at the version the calling module's pom names, started at {@code level}. */
    public static MavenArtifactProvisionOption mvn(String group, String artifact, int level) {
        MavenArtifactProvisionOption b = mavenBundle(group, artifact).versionAsInProject();
        b.startLevel(level);
        b.start();
        return b;
    }

    /** A bundle installed from its file (location {@code file:...}), started at {@code level}. */
    public static Option fileBundle(File f, int level) {
        return bundle(f.toURI().toString()).startLevel(level).start();
    }
}
