package org.qkdv2i.node.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

import org.qkdv2i.tls.DevPki;

/** {@code --init-pki}: a development CA with node and SAE certificates, for curl in minutes. */
final class Pki {

    private Pki() {
    }

    /** @return the process exit code */
    static int init(Path dir, List<String> nodes, List<String> saes, PrintStream out, PrintStream err) {
        try {
            DevPki.Result result = DevPki.init(dir, nodes, saes, DevPki.DEFAULT_PASSWORD);
            report(result, nodes, saes, out);
            return 0;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            err.println("node: cannot create the development PKI in " + dir.toAbsolutePath() + ": " + e.getMessage());
            return 1;
        }
    }

    static void report(DevPki.Result result, List<String> nodes, List<String> saes, PrintStream out) {
        Path dir = result.dir().toAbsolutePath();
        DevPki.Result abs = new DevPki.Result(dir, result.created(), result.existing());
        out.println("Development PKI in " + dir + " (not for production)");
        out.println("  created: " + (result.created().isEmpty() ? "nothing" : String.join(", ", result.created())));
        if (!result.existing().isEmpty()) {
            out.println("  kept:    " + String.join(", ", result.existing()));
        }
        out.println("  CA certificate:  " + abs.caCertificate());
        for (String node : nodes) {
            out.println("  node " + node + " key store: " + abs.nodeKeyStore(node) + "  (PKCS#12)");
        }
        for (String sae : saes) {
            out.println("  SAE " + sae + ": " + abs.saeCertificate(sae) + ", " + abs.saeKey(sae) + ", "
                    + abs.saeKeyStore(sae));
        }
        out.println("  password of the .p12 files: " + DevPki.DEFAULT_PASSWORD);
    }
}
