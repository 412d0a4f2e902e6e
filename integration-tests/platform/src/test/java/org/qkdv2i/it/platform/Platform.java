package org.qkdv2i.it.platform;

import java.io.File;
import java.util.Arrays;
import java.util.List;

import org.ops4j.pax.exam.Option;
import org.qkdv2i.it.exam.ExamOptions;

/**
 * The runtime every platform test stands on: the same bundles as the node distribution
 * (what {@link ExamOptions#nodeBase()} gives, MVStore, our bundles), plus the QKD driver under
 * test installed from its own file.
 *
 * <p>Third-party versions come from the pom (versionAsInProject, depends-maven-plugin);
 * our bundles come from the files Maven built (system properties set by failsafe from
 * {@code dependency:properties}), so no {@code mvn install} of this reactor is needed.
 */
public final class Platform {

    /** System property naming the driver bundle file under test (the test driver by default). */
    public static final String DRIVER_BUNDLE = "qkdv2i.driver.bundle";

    private Platform() {
    }

    public static Option[] options(Option... extra) {
        List<Option> o = ExamOptions.nodeBase();
        o.addAll(Arrays.asList(
                ExamOptions.mvn("com.h2database", "h2-mvstore", ExamOptions.LEVEL_PLATFORM),

                // ours, from the reactor's files
                ours("qkd.api"),
                ours("kmm.api"),
                ours("tls"),
                ours("kmm"),
                ours("kmm.etsi014"),

                // the driver under test: its own file, so a test can update or uninstall it
                ExamOptions.fileBundle(requiredFile(DRIVER_BUNDLE), ExamOptions.LEVEL_DRIVER)));
        o.addAll(Arrays.asList(extra));
        return o.toArray(new Option[0]);
    }

    /**
     * Location of the driver bundle as installed by {@link #options}. Also called inside the
     * framework (test methods), where ExamOptions is not visible: keep it to this class.
     */
    public static String driverLocation() {
        return fileUrl(requiredFile(DRIVER_BUNDLE));
    }

    public static File driverFile() {
        return requiredFile(DRIVER_BUNDLE);
    }

    private static Option ours(String shortName) {
        return ExamOptions.fileBundle(requiredFile("qkdv2i.bundle." + shortName), ExamOptions.LEVEL_OURS);
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
