package org.qkdv2i.shell.internal;

import java.util.List;
import java.util.Optional;

/** Finds the bundle an operator means: a bundle ID, or a symbolic name (highest version wins). */
final class BundleSelector {

    /** What the selector needs to know about a bundle. */
    record Candidate(long id, String symbolicName, String version) {
    }

    private BundleSelector() {
    }

    static Optional<Candidate> select(String selector, List<Candidate> bundles) {
        String s = selector == null ? "" : selector.trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.chars().allMatch(Character::isDigit)) {
            long id;
            try {
                id = Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                return Optional.empty();
            }
            return bundles.stream().filter(b -> b.id() == id).findFirst();
        }
        return bundles.stream()
                .filter(b -> s.equals(b.symbolicName()))
                .max((a, b) -> org.osgi.framework.Version.parseVersion(a.version())
                        .compareTo(org.osgi.framework.Version.parseVersion(b.version())));
    }

    /** A location the framework can install from: URLs as given, anything else as a file. */
    static String location(String fileOrUrl, java.nio.file.Path cwd) {
        String s = fileOrUrl.trim();
        if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !s.matches("^[a-zA-Z]:[\\\\/].*")) {
            return s;
        }
        return cwd.resolve(s).toAbsolutePath().normalize().toUri().toString();
    }
}
