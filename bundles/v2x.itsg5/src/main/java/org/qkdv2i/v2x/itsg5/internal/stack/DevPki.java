package org.qkdv2i.v2x.itsg5.internal.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.qkdv2i.v2x.codec.security.CertificateTemplate;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.SigningCredential;

/**
 * A development PKI (ETSI TS 102 940 shape, NOT for production): root CA → authorization
 * authority → one authorization ticket per station, ECDSA P-256 explicit certificates, written as
 * the files a SIGNED stack reads: {@code root.oer}, {@code aa.oer}, and per station
 * {@code <name>.ticket.oer} + {@code <name>.ticket.key} (QV2XKEY1, see {@link CredentialFiles}).
 * Root and authority private keys are not kept. Used by the tests; from a shell:
 * {@code java -cp <v2x.itsg5, v2x.codec, v2x.api, bcprov, bcutil, slf4j-api jars>
 * org.qkdv2i.v2x.itsg5.internal.stack.DevPki <folder> <password> <station>...}.
 */
public final class DevPki {
    /** CAM, DENM, BSM and the experimental psid 0x8A used by the tests for opaque payloads. */
    public static final List<Long> PSIDS = List.of(36L, 37L, 32L, 0x8AL);

    private final Ieee1609Dot2Codec codec = Ieee1609Dot2Codecs.create();
    private final BouncyCastleProvider bc = new BouncyCastleProvider();
    private final SigningCredential root;
    private final SigningCredential authority;
    private final Instant validFrom;

    public DevPki(Instant validFrom) {
        this.validFrom = validFrom;
        KeyPair r = keyPair();
        root = new SigningCredential(codec.selfSign(CertificateTemplate.root("root.dev.qkdv2i", validFrom, 3 * 8760,
                (ECPublicKey) r.getPublic()), (ECPrivateKey) r.getPrivate()), (ECPrivateKey) r.getPrivate());
        KeyPair a = keyPair();
        authority = new SigningCredential(codec.issueCertificate(CertificateTemplate.authority("aa.dev.qkdv2i", validFrom,
                8760, PSIDS, (ECPublicKey) a.getPublic()), root), (ECPrivateKey) a.getPrivate());
    }

    public byte[] rootCertificate() {
        return root.certificate();
    }

    public byte[] authorityCertificate() {
        return authority.certificate();
    }

    /** A ticket valid {@code hours} from {@code from}, for {@code psids}. */
    public SigningCredential ticket(Instant from, int hours, List<Long> psids) {
        KeyPair t = keyPair();
        return new SigningCredential(codec.issueCertificate(CertificateTemplate.ticket(from, hours, psids,
                (ECPublicKey) t.getPublic()), authority), (ECPrivateKey) t.getPrivate());
    }

    public SigningCredential ticket() {
        return ticket(validFrom, 168, PSIDS);
    }

    /** Writes root.oer, aa.oer and {@code name}.ticket.oer/.key into {@code folder}. */
    public void write(Path folder, String name, char[] password, int iterations) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("root.oer"), root.certificate());
        Files.write(folder.resolve("aa.oer"), authority.certificate());
        SigningCredential t = ticket();
        Files.write(folder.resolve(name + ".ticket.oer"), t.certificate());
        byte[] pkcs8 = t.privateKey().getEncoded();
        try {
            CredentialFiles.writeKey(folder.resolve(name + ".ticket.key"), pkcs8, password, iterations);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: DevPki <folder> <password> <station>...");
            System.exit(2);
        }
        DevPki pki = new DevPki(Instant.now().minusSeconds(3600));
        char[] pw = args[1].toCharArray();
        for (int i = 2; i < args.length; i++) {
            pki.write(Path.of(args[0]), args[i], pw, 310_000);
        }
        Arrays.fill(pw, '\0');
        System.out.println("wrote root.oer, aa.oer and tickets to " + args[0]);
    }
}
