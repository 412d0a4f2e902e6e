package org.qkdv2i.node.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the node jar was asked to do, parsed from the arguments of {@code java -jar node.jar}.
 * Pure parsing, no side effects, so it is unit-tested without a framework.
 */
record CommandLine(Action action, Path pkiDir, List<String> nodes, List<String> saes) {

    enum Action {
        /** No flag: run the node from the configuration in deploy/. */
        RUN,
        /** --help: print usage and exit 0. */
        HELP,
        /** --init-pki: create or complete a development PKI and exit 0. */
        INIT_PKI,
        /** --quickstart: dev PKI and configuration for node A with SAE-1 and SAE-2, then run. */
        QUICKSTART
    }

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar node.jar [option]",
            "",
            "Runs one QKD-V2I trusted node. The working directory is the node home:",
            "  deploy/  driver bundles and configuration files (.config, .cfg), watched at runtime",
            "  data/    key store and key-encryption key of the KMM",
            "  pki/     development PKI (CA, node and SAE certificates)",
            "  keys/    your own keystores (production)",
            "",
            "Options:",
            "  (none)                  run the node configured by the files in deploy/",
            "  --quickstart            create a development PKI for node A with SAEs SAE-1 and SAE-2",
            "                          and their configuration in deploy/ (existing files are kept),",
            "                          run the node and print ready-to-paste curl commands",
            "  --init-pki <dir> [--nodes A,B] [--saes SAE-1,SAE-2]",
            "                          create (or complete) a development CA with node and SAE",
            "                          certificates (PEM and PKCS#12) in <dir>, then exit",
            "                          (defaults: --nodes A --saes SAE-1,SAE-2; dev password " + org.qkdv2i.tls.DevPki.DEFAULT_PASSWORD + ")",
            "  --help                  print this text and exit",
            "",
            "Operator shell: java -Dgosh.args=--noshutdown -jar node.jar gives a Gogo prompt on the",
            "terminal (type 'help', 'qkd:nodes', 'qkd:pools'; 'stop 0' stops the node).");

    CommandLine {
        Objects.requireNonNull(action, "action");
        nodes = List.copyOf(nodes);
        saes = List.copyOf(saes);
    }

    /** The arguments make no sense; the message says why. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static CommandLine parse(String[] args) throws UsageException {
        return parse(args == null ? List.of() : List.of(args));
    }

    static CommandLine parse(List<String> args) throws UsageException {
        Action action = Action.RUN;
        Path pkiDir = null;
        List<String> nodes = null;
        List<String> saes = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h", "-?" -> action = set(action, Action.HELP, arg);
                case "--quickstart" -> action = set(action, Action.QUICKSTART, arg);
                case "--init-pki" -> {
                    action = set(action, Action.INIT_PKI, arg);
                    pkiDir = Path.of(value(args, ++i, arg, "a directory"));
                }
                case "--nodes" -> nodes = ids(value(args, ++i, arg, "node IDs, e.g. A,B"), arg);
                case "--saes" -> saes = ids(value(args, ++i, arg, "SAE IDs, e.g. SAE-1,SAE-2"), arg);
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown option " + arg
                        : "unexpected argument '" + arg + "'");
            }
        }
        if ((nodes != null || saes != null) && action != Action.INIT_PKI) {
            throw new UsageException("--nodes and --saes only go with --init-pki");
        }
        if (action == Action.INIT_PKI) {
            nodes = nodes == null ? List.of("A") : nodes;
            saes = saes == null ? List.of("SAE-1", "SAE-2") : saes;
        }
        return new CommandLine(action, pkiDir, nodes == null ? List.of() : nodes, saes == null ? List.of() : saes);
    }

    private static Action set(Action current, Action wanted, String arg) throws UsageException {
        if (current != Action.RUN && current != wanted) {
            throw new UsageException(arg + " cannot be combined with --" + current.name().toLowerCase().replace('_', '-'));
        }
        return wanted;
    }

    private static String value(List<String> args, int i, String option, String what) throws UsageException {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(option + " needs " + what);
        }
        return args.get(i);
    }

    /** Comma-separated IDs; each a plain name a certificate CN and a file name can carry. */
    static List<String> ids(String value, String option) throws UsageException {
        List<String> ids = new ArrayList<>();
        for (String part : value.split(",")) {
            String id = part.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new UsageException(option + ": '" + id
                        + "' is not a valid ID (letters, digits, '.', '_', '-'; at most 64)");
            }
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            throw new UsageException(option + " needs at least one ID");
        }
        return ids;
    }
}
