package org.qkdv2i.tls.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quietens java.util.logging users we do not control. BCJSSE logs every accepted connection
 * and every client alert at INFO (with a stack trace), and warns at start about
 * {@code jdk.certpath.disabledAlgorithms} entries it ignores (harmless, see BUILD-FACTS).
 * An operator who sets {@code java.util.logging.config.file} keeps full control.
 */
final class JulLevels {

    /** JUL holds loggers weakly: keep them, or the levels are lost with the logger. */
    private final List<Logger> held = new ArrayList<>();

    void apply() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        set("org.bouncycastle", Level.WARNING);
        set("org.bouncycastle.jsse.provider.DisabledAlgorithmConstraints", Level.SEVERE);
    }

    private void set(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        held.add(logger);
    }
}
