package org.qkdv2i.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test-only Ed25519 CA and leaf certificates (in memory). */
final class Ed25519Pki {

    private final BouncyCastleProvider bc = new BouncyCastleProvider();
    private final KeyPair ca;
    private final X509Certificate caCert;
    private long serial = 1;

    Ed25519Pki() throws Exception {
        ca = KeyPairGenerator.getInstance("Ed25519", bc).generateKeyPair();
        X500Name name = new X500Name("CN=ed25519 test CA");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++),
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 86_400_000L), name,
                ca.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        caCert = sign(b);
    }

    KeyStore trustStore() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12", bc);
        ts.load(null, null);
        ts.setCertificateEntry("ca", caCert);
        return ts;
    }

    KeyStore keyStore(String cn) throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519", bc).generateKeyPair();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, BigInteger.valueOf(serial++),
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 86_400_000L),
                new X500Name("CN=" + cn), kp.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
        KeyStore ks = KeyStore.getInstance("PKCS12", bc); // Ed25519 keys need BC's key store (BUILD-FACTS)
        ks.load(null, null);
        ks.setKeyEntry(cn, kp.getPrivate(), DevPki.DEFAULT_PASSWORD.toCharArray(), new Certificate[] { sign(b), caCert });
        return ks;
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter().setProvider(bc)
                .getCertificate(b.build(new JcaContentSignerBuilder("Ed25519").setProvider(bc).build(ca.getPrivate())));
    }
}
