package org.qkdv2i.driver.etsi014.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/** The SAE identity from configuration: PKCS#12 key store with a PEM or PKCS#12 trust store, real handshakes. */
public class SaeTlsTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();
    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private static Path pki;
    private static FakeVendorKmes vendor;
    private static final LinkEnd END = new LinkEnd("A-B", "A", "B", QkdRole.TRANSMITTER);

    @BeforeClass
    public static void start() throws Exception {
        pki = TMP.newFolder("pki").toPath();
        DevPki.init(pki, List.of("kme-a", "kme-b"), List.of("sae-m", "sae-s"), PW);
        vendor = new FakeVendorKmes(pki, PW, "sae-m", "sae-s");
        vendor.addStock(3);
    }

    @AfterClass
    public static void stop() throws Exception {
        vendor.close();
    }

    /** An instance of the configuration annotation as DS would make it from these properties. */
    static Etsi014LinkConfig config(Map<String, Object> values) {
        return (Etsi014LinkConfig) Proxy.newProxyInstance(SaeTlsTest.class.getClassLoader(),
                new Class<?>[] {Etsi014LinkConfig.class}, (p, m, a) -> {
                    Object v = values.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
    }

    private static long storedVia(NodeTls tls) throws Exception {
        try (JettyKmeClient c = new JettyKmeClient(vendor.urlA(), tls, 5000, "test-sae-tls")) {
            return c.status("sae-s").storedKeyCount();
        }
    }

    @Test
    public void pemTrustStore() throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("keyStore", pki.resolve("sae-sae-m.p12").toString());
        v.put("keyStorePassword", new String(PW));
        v.put("trustStore", pki.resolve("ca.pem").toString());
        assertEquals(3, storedVia(Etsi014LinkComponent.saeTls(END, config(v))));
    }

    @Test
    public void pkcs12TrustStoreWithPassword() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(pki.resolve("ca.pem"))) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ts.setCertificateEntry("vendor-ca", c);
            }
        }
        Path p12 = pki.resolve("vendor-trust.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ts.store(out, "trust-pw".toCharArray());
        }
        Map<String, Object> v = new HashMap<>();
        v.put("keyStore", pki.resolve("sae-sae-m.p12").toString());
        v.put("keyStorePassword", new String(PW));
        v.put("trustStore", p12.toString());
        v.put("trustStorePassword", "trust-pw");
        v.put("namedGroups", new String[] {"x25519", "secp256r1"});
        assertEquals(3, storedVia(Etsi014LinkComponent.saeTls(END, config(v))));
    }

    @Test
    public void missingKeyStoreNamesTheFile() throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("keyStore", pki.resolve("nope.p12").toString());
        v.put("keyStorePassword", "x");
        v.put("trustStore", pki.resolve("ca.pem").toString());
        try {
            Etsi014LinkComponent.saeTls(END, config(v));
            fail();
        } catch (NoSuchFileException e) {
            assertTrue(e.getMessage().contains("nope.p12"));
        }
    }

    @Test
    public void kmeUrlMustBeHttps() throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("keyStore", pki.resolve("sae-sae-m.p12").toString());
        v.put("keyStorePassword", new String(PW));
        v.put("trustStore", pki.resolve("ca.pem").toString());
        NodeTls tls = Etsi014LinkComponent.saeTls(END, config(v));
        try {
            new JettyKmeClient("http://localhost:1", tls, 1000, "test-sae-tls").close();
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("https://"));
        }
    }
}
