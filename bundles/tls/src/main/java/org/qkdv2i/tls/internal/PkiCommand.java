package org.qkdv2i.tls.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.tls.DevPki;

/** Gogo command {@code pki:init <dir> <nodeIds,...> <saeIds,...>}: creates or completes a development PKI. */
@Component(service = PkiCommand.class, property = { "osgi.command.scope=pki", "osgi.command.function=init" })
public final class PkiCommand {

    public String init(String dir, String nodeIds, String saeIds) throws Exception {
        Path d = Path.of(dir).toAbsolutePath();
        DevPki.Result r = DevPki.init(d, split(nodeIds), split(saeIds), DevPki.DEFAULT_PASSWORD.toCharArray());
        StringBuilder sb = new StringBuilder();
        sb.append("development PKI in ").append(d).append('\n');
        sb.append("  created: ").append(r.created().isEmpty() ? "nothing" : String.join(", ", r.created())).append('\n');
        sb.append("  already there: ").append(r.existing().isEmpty() ? "nothing" : String.join(", ", r.existing()))
                .append('\n');
        sb.append("  PKCS#12 password: ").append(DevPki.DEFAULT_PASSWORD).append(" (development only)\n");
        sb.append("  curl: curl --cacert ca.pem --cert sae-<id>.pem --key sae-<id>-key.pem https://localhost:8443/api/v1/keys/<slave>/status");
        return sb.toString();
    }

    private static List<String> split(String ids) {
        List<String> out = new ArrayList<>();
        if (ids != null) {
            for (String s : ids.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }
}
