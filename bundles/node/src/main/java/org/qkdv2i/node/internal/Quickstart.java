package org.qkdv2i.node.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.qkdv2i.tls.DevPki;

/**
 * {@code --quickstart}: in the node home, a development PKI for node A with the local SAEs
 * SAE-1 and SAE-2, and the configuration files of one node in deploy/. Existing files are
 * never overwritten, so a second run keeps whatever the user edited.
 *
 * <p>Files use the typed Felix ConfigAdmin format ({@code .config}) because some options are
 * arrays or numbers; factory configurations are named {@code <factoryPid>-<name>.config},
 * the naming FileInstall maps to a named factory configuration.
 */
final class Quickstart {

    static final String NODE = "A";
    static final List<String> SAES = List.of("SAE-1", "SAE-2");
    static final String HOST = "127.0.0.1";
    static final int PORT = 8443;

    record Result(List<Path> written, List<Path> kept) {
    }

    private Quickstart() {
    }

    static Result prepare(Path home, PrintStream out) throws IOException {
        NodeHome.createFolders(home);
        try {
            DevPki.Result pki = DevPki.init(home.resolve(NodeHome.PKI), List.of(NODE), SAES, DevPki.DEFAULT_PASSWORD);
            Pki.report(pki, List.of(NODE), SAES, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the development PKI: " + e.getMessage(), e);
        }
        List<Path> written = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        for (Map.Entry<String, String> file : files().entrySet()) {
            Path target = home.resolve(NodeHome.DEPLOY).resolve(file.getKey());
            if (Files.exists(target)) {
                kept.add(target);
                continue;
            }
            // written next to deploy/ and moved in, so FileInstall never reads half a file
            Path tmp = Files.createTempFile(home.resolve(NodeHome.DATA), "quickstart", ".tmp");
            Files.writeString(tmp, file.getValue(), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            written.add(target);
        }
        out.println("Configuration in " + home.resolve(NodeHome.DEPLOY));
        written.forEach(p -> out.println("  wrote " + p.getFileName()));
        kept.forEach(p -> out.println("  kept  " + p.getFileName() + " (already there)"));
        return new Result(written, kept);
    }

    /** File name in deploy/ to content, in the order they are written. */
    static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("org.qkdv2i.tls.NodeTls-" + NODE + ".config", ConfigFile.builder()
                .comment("TLS identity of node " + NODE + " (development PKI from --quickstart)")
                .string("nodeId", NODE)
                .string("keyStore", NodeHome.PKI + "/node-" + NODE + ".p12")
                .string("keyStorePassword", DevPki.DEFAULT_PASSWORD)
                .string("trustStore", NodeHome.PKI + "/ca.pem")
                .strings("namedGroups", "X25519MLKEM768", "x25519", "secp256r1", "secp384r1")
                .strings("protocols", "TLSv1.3", "TLSv1.2")
                .build());
        files.put("org.qkdv2i.kmm.Node-" + NODE + ".config", ConfigFile.builder()
                .comment("Key management of node " + NODE + ": no QKD link yet, local SAE pairs use the node DRBG")
                .string("nodeId", NODE)
                .string("dataDir", NodeHome.DATA + "/" + NODE)
                .string("kekFile", NodeHome.KEYS + "/" + NODE + ".kek")
                .integer("storedKeyBits", 256)
                .integer("minKeyBits", 64)
                .integer("maxKeyBits", 4096)
                .integer("maxKeysPerRequest", 128)
                .build());
        for (String sae : SAES) {
            files.put("org.qkdv2i.kmm.Sae-" + sae + ".config", ConfigFile.builder()
                    .comment("SAE " + sae + " is served by node " + NODE)
                    .string("saeId", sae)
                    .string("nodeId", NODE)
                    .build());
        }
        files.put("org.qkdv2i.kmm.etsi014.Server-" + NODE + ".config", ConfigFile.builder()
                .comment("ETSI GS QKD 014 key delivery of node " + NODE + " over mutual TLS")
                .string("nodeId", NODE)
                .string("host", HOST)
                .integer("port", PORT)
                .build());
        return files;
    }

    /** Ready-to-paste curl calls: SAE-1 is the master, SAE-2 the slave (ETSI GS QKD 014 §5). */
    static String curlCommands(Path home, String host, int port) {
        String master = SAES.get(0);
        String slave = SAES.get(1);
        Path pki = home.resolve(NodeHome.PKI);
        String base = "https://" + host + ":" + port + "/api/v1/keys/";
        String as1 = "curl -s --cacert " + pki.resolve("ca.pem") + " --cert " + pki.resolve("sae-" + master + ".pem")
                + " --key " + pki.resolve("sae-" + master + "-key.pem");
        String as2 = "curl -s --cacert " + pki.resolve("ca.pem") + " --cert " + pki.resolve("sae-" + slave + ".pem")
                + " --key " + pki.resolve("sae-" + slave + "-key.pem");
        String nl = System.lineSeparator();
        return String.join(nl,
                "Try it (" + master + " asks for keys shared with " + slave + "; " + slave + " fetches them by ID):",
                "  # status of the pair, as " + master,
                "  " + as1 + " " + base + slave + "/status",
                "  # two 256-bit keys, as " + master + " (copy a key_ID from the answer)",
                "  " + as1 + " -H 'Content-Type: application/json' -d '{\"number\":2,\"size\":256}' " + base + slave
                        + "/enc_keys",
                "  # the same key, as " + slave + " (once only)",
                "  " + as2 + " '" + base + master + "/dec_keys?key_ID=<key_ID>'",
                "  # or with jq, both steps at once:",
                "  ID=$(" + as1 + " '" + base + slave + "/enc_keys?number=1&size=256' | jq -r '.keys[0].key_ID') && "
                        + as2 + " '" + base + master + "/dec_keys?key_ID='$ID");
    }
}
