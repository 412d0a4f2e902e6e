package org.qkdv2i.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * A development PKI for newcomers: one CA, a server/client certificate per node (KME) and a
 * client certificate per SAE, as PEM and PKCS#12, so that the ETSI 014 API can be called with
 * curl in minutes. Not for production: production configurations point to their own CA.
 *
 * <p>Layout of {@code dir}: {@code ca.pem}, {@code ca-key.pem}; per node {@code node-<id>.p12},
 * {@code node-<id>.pem}, {@code node-<id>-key.pem}; per SAE {@code sae-<id>.p12},
 * {@code sae-<id>.pem}, {@code sae-<id>-key.pem}. Private keys and key stores are owner-only.
 * Re-running adds missing entities, signed by the existing CA.
 */
public final class DevPki {

    /** Password of the generated PKCS#12 files for development set-ups. */
    public static final String DEFAULT_PASSWORD = "qkdv2i-dev";
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(730);
    /** PBKDF2 and MAC iterations of the generated PKCS#12 files: OpenSSL 3's default. */
    static final int P12_ITERATIONS = 2048;

    /** IDs become file names and CNs: keep them to a safe alphabet. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /**
     * What {@link #init} produced.
     *
     * @param dir      the PKI folder
     * @param created  entities written by this run ("ca", "node-A", "sae-X", ...)
     * @param existing entities that were already there and left alone
     */
    public record Result(Path dir, List<String> created, List<String> existing) {
        public Path caCertificate() {
            return dir.resolve("ca.pem");
        }

        public Path nodeKeyStore(String nodeId) {
            return dir.resolve("node-" + nodeId + ".p12");
        }

        public Path saeKeyStore(String saeId) {
            return dir.resolve("sae-" + saeId + ".p12");
        }

        public Path saeCertificate(String saeId) {
            return dir.resolve("sae-" + saeId + ".pem");
        }

        public Path saeKey(String saeId) {
            return dir.resolve("sae-" + saeId + "-key.pem");
        }
    }

    private final BouncyCastleProvider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();
    private final Path dir;
    private final Duration validity;
    private X509Certificate caCert;
    private PrivateKey caKey;

    private DevPki(Path dir, Duration validity) {
        this.dir = dir;
        this.validity = validity;
    }

    public static Result init(Path dir, List<String> nodeIds, List<String> saeIds, char[] password)
            throws IOException, GeneralSecurityException {
        return init(dir, nodeIds, saeIds, password, DEFAULT_VALIDITY);
    }

    public static Result init(Path dir, List<String> nodeIds, List<String> saeIds, String password)
            throws IOException, GeneralSecurityException {
        return init(dir, nodeIds, saeIds, password.toCharArray(), DEFAULT_VALIDITY);
    }

    public static Result init(Path dir, List<String> nodeIds, List<String> saeIds, char[] password,
            Duration validity) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(password, "password");
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
        List<String> nodes = checkIds(nodeIds, "node");
        List<String> saes = checkIds(saeIds, "SAE");
        Files.createDirectories(dir);
        DevPki pki = new DevPki(dir, validity);
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        try {
            if (pki.loadCa()) {
                existing.add("ca");
            } else {
                pki.createCa();
                created.add("ca");
            }
            for (String id : nodes) {
                (pki.entity("node-" + id, id, true, password) ? created : existing).add("node-" + id);
            }
            for (String id : saes) {
                (pki.entity("sae-" + id, id, false, password) ? created : existing).add("sae-" + id);
            }
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign certificate: " + e.getMessage(), e);
        }
        return new Result(dir, List.copyOf(created), List.copyOf(existing));
    }

    private static List<String> checkIds(List<String> ids, String what) {
        List<String> out = new ArrayList<>();
        if (ids == null) {
            return out;
        }
        for (String id : ids) {
            String t = id == null ? "" : id.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!ID.matcher(t).matches()) {
                throw new IllegalArgumentException("invalid " + what + " ID '" + t
                        + "': use 1-64 letters, digits, '.', '_' or '-'");
            }
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private boolean loadCa() throws IOException, GeneralSecurityException {
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca-key.pem");
        if (!Files.exists(cert) && !Files.exists(key)) {
            return false;
        }
        if (!Files.exists(cert) || !Files.exists(key)) {
            throw new GeneralSecurityException("incomplete CA in " + dir + ": need both ca.pem and ca-key.pem");
        }
        try (PEMParser p = new PEMParser(Files.newBufferedReader(cert, StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder)) {
                throw new GeneralSecurityException(cert + " holds no certificate");
            }
            caCert = new JcaX509CertificateConverter().setProvider(bc).getCertificate((X509CertificateHolder) o);
        }
        try (PEMParser p = new PEMParser(Files.newBufferedReader(key, StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(bc);
            if (o instanceof PEMKeyPair) {
                caKey = conv.getKeyPair((PEMKeyPair) o).getPrivate();
            } else if (o instanceof PrivateKeyInfo) {
                caKey = conv.getPrivateKey((PrivateKeyInfo) o);
            } else {
                throw new GeneralSecurityException(key + " holds no private key");
            }
        }
        return true;
    }

    private void createCa() throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair kp = newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "QKD-V2I development")
                .addRDN(BCStyle.CN, "QKD-V2I development CA").build();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                // the CA outlives its certificates so that re-runs can still add entities
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity).plus(validity)), name,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        caCert = sign(b, kp.getPrivate());
        caKey = kp.getPrivate();
        writeOwnerOnly(dir.resolve("ca-key.pem"), pem(caKey));
        writePublic(dir.resolve("ca.pem"), pem(caCert));
    }

    /** @return true if written, false if all its files were already there */
    private boolean entity(String base, String cn, boolean node, char[] password)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Path p12 = dir.resolve(base + ".p12");
        Path certPem = dir.resolve(base + ".pem");
        Path keyPem = dir.resolve(base + "-key.pem");
        if (Files.exists(p12) && Files.exists(certPem) && Files.exists(keyPem)) {
            return false;
        }
        KeyPair kp = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "QKD-V2I development")
                .addRDN(BCStyle.CN, cn).build();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        if (node) {
            // a node serves SAEs (KME) and calls peer nodes (KMM to KMM)
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
        } else {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        X509Certificate cert = sign(b, caKey);

        byte[] p12Bytes = pkcs12(cn, kp, cert, ext, password);
        writeOwnerOnly(keyPem, pem(kp.getPrivate()));
        writeOwnerOnly(p12, p12Bytes);
        writePublic(certPem, pem(cert) + pem(caCert));
        return true;
    }

    /**
     * PKCS#12 as {@code openssl pkcs12 -export} (OpenSSL 3) writes it: key bag AES-256-CBC and
     * certificates AES-128-CBC under PBES2/PBKDF2-HMAC-SHA256, HMAC-SHA256 integrity, all with
     * {@link #P12_ITERATIONS} iterations; readable by OpenSSL 3 / curl without the legacy
     * provider, by Bouncy Castle and by the JDK. Bouncy Castle's own "PKCS12-AES256-AES128"
     * store uses 51,200 PBKDF2 and 102,400 MAC iterations, which cost a node about a second
     * of CPU at every start to open a file whose password sits next to it in deploy/.
     */
    private byte[] pkcs12(String alias, KeyPair kp, X509Certificate cert, JcaX509ExtensionUtils ext, char[] password)
            throws IOException, GeneralSecurityException {
        try {
            AlgorithmIdentifier prf = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
            OutputEncryptor keyEnc = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setProvider(bc).setRandom(random).setPRF(prf).setIterationCount(P12_ITERATIONS).build(password);
            OutputEncryptor certEnc = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes128_CBC)
                    .setProvider(bc).setRandom(random).setPRF(prf).setIterationCount(P12_ITERATIONS).build(password);
            SubjectKeyIdentifier localKeyId = ext.createSubjectKeyIdentifier(kp.getPublic());
            PKCS12SafeBagBuilder eeBag = new JcaPKCS12SafeBagBuilder(cert);
            eeBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias));
            eeBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
            PKCS12SafeBagBuilder caBag = new JcaPKCS12SafeBagBuilder(caCert);
            PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(kp.getPrivate(), keyEnc);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            pfx.addEncryptedData(certEnc, new PKCS12SafeBag[] { eeBag.build(), caBag.build() });
            pfx.addData(keyBag.build());
            PKCS12PfxPdu pdu = pfx.build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
                    .setProvider(bc).setIterationCount(P12_ITERATIONS), password);
            return pdu.getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | PKCSException e) {
            throw new GeneralSecurityException("cannot write the PKCS#12 of " + alias + ": " + e.getMessage(), e);
        }
    }

    private KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc).build(key);
        return new JcaX509CertificateConverter().setProvider(bc).getCertificate(b.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            // private keys as PKCS#8 ("PRIVATE KEY"), which curl and OpenSSL read
            pw.writeObject(o instanceof PrivateKey ? new JcaPKCS8Generator((PrivateKey) o, null) : o);
        }
        return w.toString();
    }

    private void writePublic(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(dir, ".tmp-", ".part");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        move(tmp, target);
    }

    private void writeOwnerOnly(Path target, String text) throws IOException {
        writeOwnerOnly(target, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The file is created owner-only before any secret is written into it. */
    private void writeOwnerOnly(Path target, byte[] bytes) throws IOException {
        Path tmp;
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        if (posix) {
            tmp = Files.createTempFile(dir, ".tmp-", ".part", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            tmp = Files.createTempFile(dir, ".tmp-", ".part");
            tmp.toFile().setReadable(false, false);
            tmp.toFile().setReadable(true, true);
            tmp.toFile().setWritable(false, false);
            tmp.toFile().setWritable(true, true);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(bytes);
        }
        move(tmp, target);
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
