package org.qkdv2i.node.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class QuickstartTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void writesPkiAndConfigurationOnceAndKeepsEditedFiles() throws Exception {
        Path home = tmp.getRoot().toPath();
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Quickstart.Result first = Quickstart.prepare(home, out);
        assertEquals(5, first.written().size());
        for (String f : new String[] {"ca.pem", "node-A.p12", "sae-SAE-1.pem", "sae-SAE-1-key.pem", "sae-SAE-2.pem"}) {
            assertTrue(f, Files.isRegularFile(home.resolve("pki").resolve(f)));
        }
        Path server = home.resolve("deploy/org.qkdv2i.kmm.etsi014.Server-A.config");
        assertEquals("# ETSI GS QKD 014 key delivery of node A over mutual TLS\n"
                + "nodeId=\"A\"\nhost=\"127.0.0.1\"\nport=I\"8443\"\n", Files.readString(server));
        assertTrue(Files.readString(home.resolve("deploy/org.qkdv2i.tls.NodeTls-A.config"))
                .contains("namedGroups=[\"X25519MLKEM768\",\"x25519\",\"secp256r1\",\"secp384r1\"]"));
        // no temporary file may be left where FileInstall would try to install it as a bundle
        try (var files = Files.list(home.resolve("deploy"))) {
            assertTrue(files.allMatch(p -> p.toString().endsWith(".config")));
        }

        Files.writeString(server, "nodeId=\"A\"\nport=I\"9443\"\n");
        Quickstart.Result second = Quickstart.prepare(home, out);
        assertEquals(0, second.written().size());
        assertEquals(5, second.kept().size());
        assertEquals("nodeId=\"A\"\nport=I\"9443\"\n", Files.readString(server));
    }

    @Test
    public void curlCommandsUseTheGeneratedCertificates() {
        Path home = Path.of("/srv/node");
        String curl = Quickstart.curlCommands(home, "127.0.0.1", 8443);
        assertTrue(curl, curl.contains("--cacert /srv/node/pki/ca.pem --cert /srv/node/pki/sae-SAE-1.pem "
                + "--key /srv/node/pki/sae-SAE-1-key.pem https://127.0.0.1:8443/api/v1/keys/SAE-2/status"));
        assertTrue(curl, curl.contains("/api/v1/keys/SAE-1/dec_keys?key_ID="));
    }

    @Test
    public void configFileQuotesLikeConfigAdmin() {
        assertEquals("\"a\\\"b\\\\c\\u00e9\"", ConfigFile.quote("a\"b\\cé"));
    }

    @Test
    public void readinessReadsTheServerConfiguration() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("nodeId", "A");
        props.put("port", 8443);
        assertEquals(new ReadyWatch.Endpoint("A", "127.0.0.1", 8443), ReadyWatch.endpoint(props));
        props.put("host", "0.0.0.0");
        props.put("port", "9443");
        assertEquals(new ReadyWatch.Endpoint("A", "127.0.0.1", 9443), ReadyWatch.endpoint(props));
        props.put("port", "x");
        assertEquals(null, ReadyWatch.endpoint(props));
    }
}
