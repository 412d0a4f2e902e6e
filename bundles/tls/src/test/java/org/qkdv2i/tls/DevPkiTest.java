package org.qkdv2i.tls;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DevPkiTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void rerunKeepsCaAndExistingEntitiesAndAddsNewOnes() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("pki");
        DevPki.Result first = DevPki.init(dir, List.of("A"), List.of("s1"), DevPki.DEFAULT_PASSWORD);
        assertEquals(List.of("ca", "node-A", "sae-s1"), first.created());
        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
        byte[] nodeP12 = Files.readAllBytes(dir.resolve("node-A.p12"));

        DevPki.Result second = DevPki.init(dir, List.of("A", "B"), List.of("s1", "s2"), DevPki.DEFAULT_PASSWORD);
        assertEquals(List.of("node-B", "sae-s2"), second.created());
        assertEquals(List.of("ca", "node-A", "sae-s1"), second.existing());
        assertArrayEquals(ca, Files.readAllBytes(dir.resolve("ca.pem")));
        assertArrayEquals(nodeP12, Files.readAllBytes(dir.resolve("node-A.p12")));

        // the new entity is signed by the existing CA
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate caCert;
        X509Certificate b;
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            caCert = (X509Certificate) cf.generateCertificate(in);
        }
        try (InputStream in = Files.newInputStream(dir.resolve("node-B.pem"))) {
            b = (X509Certificate) cf.generateCertificate(in);
        }
        b.verify(caCert.getPublicKey());
        assertEquals("B", JettyTls.commonName(b).orElseThrow());
        assertTrue(b.getSubjectAlternativeNames().stream().anyMatch(n -> "127.0.0.1".equals(n.get(1))));
        assertTrue(b.getSubjectAlternativeNames().stream().anyMatch(n -> "localhost".equals(n.get(1))));
        assertEquals("EC", b.getPublicKey().getAlgorithm());
        assertEquals("SHA256withECDSA", b.getSigAlgName());
    }

    @Test
    public void keysAndKeyStoresAreOwnerOnly() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("pki");
        DevPki.init(dir, List.of("A"), List.of("s1"), DevPki.DEFAULT_PASSWORD);
        Set<PosixFilePermission> ownerOnly = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (String f : List.of("ca-key.pem", "node-A-key.pem", "node-A.p12", "sae-s1-key.pem", "sae-s1.p12")) {
            assertEquals(f, ownerOnly, Files.getPosixFilePermissions(dir.resolve(f)));
        }
        try (Stream s = new Stream(dir)) {
            assertFalse("no temp files left behind", s.hasTemp());
        }
    }

    @Test
    public void keyStoreOpensWithPasswordAndHoldsChain() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("pki");
        DevPki.init(dir, List.of("A"), List.of(), DevPki.DEFAULT_PASSWORD);
        KeyStore ks = KeyStore.getInstance("PKCS12"); // the JDK's reader: the files must be standard PKCS#12
        try (InputStream in = Files.newInputStream(dir.resolve("node-A.p12"))) {
            ks.load(in, DevPki.DEFAULT_PASSWORD.toCharArray());
        }
        String alias = ks.aliases().nextElement();
        assertTrue(ks.isKeyEntry(alias));
        assertEquals(2, ks.getCertificateChain(alias).length);
    }

    @Test
    public void keyStoreOpensWithBouncyCastleAtOpenSslIterationCounts() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("pki");
        DevPki.init(dir, List.of("A"), List.of(), DevPki.DEFAULT_PASSWORD);
        byte[] der = Files.readAllBytes(dir.resolve("node-A.p12"));
        org.bouncycastle.pkcs.PKCS12PfxPdu pdu = new org.bouncycastle.pkcs.PKCS12PfxPdu(der);
        assertTrue("HMAC present", pdu.hasMac());
        assertEquals(DevPki.P12_ITERATIONS, pdu.toASN1Structure().getMacData().getIterationCount().intValue());
        assertTrue("MAC verifies with the password", pdu.isMacValid(
                new org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider()
                        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()),
                DevPki.DEFAULT_PASSWORD.toCharArray()));
        KeyStore ks = KeyStore.getInstance("PKCS12", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        try (InputStream in = Files.newInputStream(dir.resolve("node-A.p12"))) {
            ks.load(in, DevPki.DEFAULT_PASSWORD.toCharArray());
        }
        String alias = ks.aliases().nextElement();
        assertEquals("A", alias);
        assertTrue(ks.isKeyEntry(alias));
        assertEquals(2, ks.getCertificateChain(alias).length);
        assertTrue(ks.getKey(alias, DevPki.DEFAULT_PASSWORD.toCharArray()) instanceof java.security.PrivateKey);
        try (InputStream in = Files.newInputStream(dir.resolve("node-A.p12"))) {
            ks.load(in, "wrong".toCharArray());
            fail("a wrong password must not open the key store");
        } catch (java.io.IOException expected) {
            // MAC check failed
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void idsThatAreNotSafeFileNamesAreRefused() throws Exception {
        DevPki.init(tmp.getRoot().toPath(), List.of("../evil"), List.of(), DevPki.DEFAULT_PASSWORD);
    }

    /** Lists the folder, closing the directory stream. */
    private static final class Stream implements AutoCloseable {
        private final java.util.stream.Stream<Path> s;

        Stream(Path dir) throws java.io.IOException {
            s = Files.list(dir);
        }

        boolean hasTemp() {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-"));
        }

        @Override
        public void close() {
            s.close();
        }
    }
}
