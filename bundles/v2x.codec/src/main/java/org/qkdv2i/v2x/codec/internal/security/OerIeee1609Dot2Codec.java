package org.qkdv2i.v2x.codec.internal.security;

import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.oer.its.ieee1609dot2.AesCcmCiphertext;
import org.bouncycastle.oer.its.ieee1609dot2.Certificate;
import org.bouncycastle.oer.its.ieee1609dot2.CertificateId;
import org.bouncycastle.oer.its.ieee1609dot2.CertificateType;
import org.bouncycastle.oer.its.ieee1609dot2.EncryptedData;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Content;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Data;
import org.bouncycastle.oer.its.ieee1609dot2.IssuerIdentifier;
import org.bouncycastle.oer.its.ieee1609dot2.Opaque;
import org.bouncycastle.oer.its.ieee1609dot2.PKRecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.PreSharedKeyRecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.PsidGroupPermissions;
import org.bouncycastle.oer.its.ieee1609dot2.RecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.SequenceOfCertificate;
import org.bouncycastle.oer.its.ieee1609dot2.SequenceOfPsidGroupPermissions;
import org.bouncycastle.oer.its.ieee1609dot2.SignedData;
import org.bouncycastle.oer.its.ieee1609dot2.SignedDataPayload;
import org.bouncycastle.oer.its.ieee1609dot2.SignerIdentifier;
import org.bouncycastle.oer.its.ieee1609dot2.SubjectPermissions;
import org.bouncycastle.oer.its.ieee1609dot2.SymmRecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.SymmetricCiphertext;
import org.bouncycastle.oer.its.ieee1609dot2.ToBeSignedCertificate;
import org.bouncycastle.oer.its.ieee1609dot2.ToBeSignedData;
import org.bouncycastle.oer.its.ieee1609dot2.VerificationKeyIndicator;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.CrlSeries;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Elevation;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EccP256CurvePoint;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashAlgorithm;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId3;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Hostname;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Latitude;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Longitude;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Psid;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.PsidSsp;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.PsidSspRange;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.PublicVerificationKey;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.SequenceOfPsidSsp;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.SequenceOfPsidSspRange;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.ThreeDLocation;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Time32;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Time64;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.UINT16;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.UINT8;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.ValidityPeriod;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.internal.security.Oer.Failure;
import org.qkdv2i.v2x.codec.security.CertificateTemplate;
import org.qkdv2i.v2x.codec.security.GenerationLocation;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.HeaderInfo;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.RecipientKind;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;

/**
 * IEEE 1609.2 / ETSI TS 103 097 {@code Ieee1609Dot2Data} through Bouncy Castle's OER types,
 * offered as the {@link Ieee1609Dot2Codec} service. Thread-safe; its only state is bounded memos of
 * signature verdicts (pure functions of the bytes); the trust store is the caller's.
 * <p>
 * The service is prototype-scoped: each consumer (each V2X stack, by a
 * {@code ReferenceScope.PROTOTYPE_REQUIRED} reference) gets an instance of its own, and all of them
 * share the framework's {@link SharedVerification} component (message-verdict memo and parsed
 * certificates, PID {@value SharedVerification#PID}): a thousand stations simulated in one
 * framework, all hearing the same CAM, run its ECDSA verification once. Outside a framework
 * {@link org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs#create()} makes a codec with a memo of
 * its own, and {@link SharedVerification#newCodec()} codecs sharing one. No static state.
 */
@Component(service = Ieee1609Dot2Codec.class, scope = ServiceScope.PROTOTYPE,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class OerIeee1609Dot2Codec implements Ieee1609Dot2Codec {

    private final MessageVerdictMemo verdicts;
    private final VerifierStatistics.Counters counters;
    /** Parsed certificates (the signer's, when signing; shared with the verifier). */
    private final ParsedCertificates certificates;
    /** Parsed signed messages (shared with the other codecs of a {@link SharedVerification}). */
    private final ParsedMessages messages;
    /** Certificate verdicts and keys are this instance's; message verdicts are {@link #verdicts}. */
    private final Verifier verifier;

    /**
     * {@code Ieee1609Dot2Codecs.create()}: a codec with a memo and parsed certificates of its own; no
     * parsed messages (kept only to share them between receivers: a {@link SharedVerification}'s).
     */
    public OerIeee1609Dot2Codec() {
        this(new MessageVerdictMemo(true, MessageVerdictMemo.DEFAULT_CAPACITY), new VerifierStatistics.Counters(),
                Ecdsa256::verify, new ParsedCertificates(), new ParsedMessages(0));
    }

    /** The service: one instance per consumer, all on the framework's shared verification state. */
    @Activate
    public OerIeee1609Dot2Codec(@Reference(name = "shared") SharedVerification shared) {
        this(shared.verdicts(), shared.counters(), shared.ecdsa(), shared.certificates(), shared.messages());
    }

    /** Tests: an own memo and counters, and a seam around each ECDSA verification. */
    OerIeee1609Dot2Codec(MessageVerdictMemo verdicts, VerifierStatistics.Counters counters,
            Verifier.SignatureCheck ecdsa) {
        this(verdicts, counters, ecdsa, new ParsedCertificates(), new ParsedMessages(0));
    }

    OerIeee1609Dot2Codec(MessageVerdictMemo verdicts, VerifierStatistics.Counters counters,
            Verifier.SignatureCheck ecdsa, ParsedCertificates certificates) {
        this(verdicts, counters, ecdsa, certificates, new ParsedMessages(0));
    }

    OerIeee1609Dot2Codec(MessageVerdictMemo verdicts, VerifierStatistics.Counters counters,
            Verifier.SignatureCheck ecdsa, ParsedCertificates certificates, ParsedMessages messages) {
        this.verdicts = verdicts;
        this.counters = counters;
        this.certificates = certificates;
        this.messages = messages;
        this.verifier = new Verifier(verdicts, counters, ecdsa, certificates, messages);
    }

    /** Counters of the verifiers sharing this codec's memo (benchmarks; not an API). */
    public VerifierStatistics statistics() {
        return counters.snapshot(verdicts, messages);
    }

    /** IEEE 1609.2 §6.3.2: protocolVersion 3 (2016, 2022; ETSI TS 103 097 v1.3+ / v2.1.1). */
    static final int PROTOCOL_VERSION = 3;
    static final String ROOT = "Ieee1609Dot2Data";

    @Override
    public DecodeResult<SecuredData> decode(byte[] encoding) {
        try {
            return DecodeResult.ok(model(parseData(encoding)));
        } catch (Failure f) {
            return DecodeResult.failed(f.error);
        } catch (RuntimeException e) {
            // a structure BC parsed but its typed accessors refuse: still the sender's fault
            return DecodeResult.failed(new org.qkdv2i.v2x.codec.DecodeError(Kind.MALFORMED, ROOT, 0,
                    "inconsistent " + ROOT + " (" + e.getClass().getSimpleName() + ")"));
        }
    }

    static Ieee1609Dot2Data parseData(byte[] encoding) throws Failure {
        Ieee1609Dot2Data d = Ieee1609Dot2Data.getInstance(Oer.parse(encoding, Oer.DATA, ROOT));
        int version = d.getProtocolVersion().getValue().intValue();
        if (version != PROTOCOL_VERSION) {
            throw new Failure(Kind.UNEXPECTED_MESSAGE, ROOT + ".protocolVersion", 0,
                    "protocol version " + version + ", only " + PROTOCOL_VERSION + " is IEEE 1609.2-2016+/TS 103 097 v1.3+");
        }
        return d;
    }

    static Certificate parseCertificate(byte[] encoding, String field) throws Failure {
        return Certificate.getInstance(Oer.parse(encoding, Oer.CERTIFICATE, field));
    }

    private static SecuredData model(Ieee1609Dot2Data d) throws Failure {
        Ieee1609Dot2Content content = d.getContent();
        return switch (content.getChoice()) {
        case Ieee1609Dot2Content.unsecuredData ->
            new SecuredData.Unsecured(Opaque.getInstance(content.getIeee1609Dot2Content()).getContent());
        case Ieee1609Dot2Content.signedData -> signed(SignedData.getInstance(content.getIeee1609Dot2Content()));
        case Ieee1609Dot2Content.encryptedData -> encrypted(EncryptedData.getInstance(content.getIeee1609Dot2Content()));
        default -> throw new Failure(Kind.UNSUPPORTED, ROOT + ".content", 8,
                "content alternative " + content.getChoice() + " (certificate requests are not V2X messages)");
        };
    }

    static SecuredData.Signed signed(SignedData sd) throws Failure {
        String f = ROOT + ".content.signedData";
        if (!HashAlgorithm.sha256.equals(sd.getHashId())) {
            throw new Failure(Kind.UNSUPPORTED, f + ".hashId", 16, "hash algorithm " + sd.getHashId().getValue()
                    + ", only sha256 (0) with ECDSA P-256");
        }
        SignedDataPayload payload = sd.getTbsData().getPayload();
        if (payload.getData() == null) {
            throw new Failure(Kind.UNSUPPORTED, f + ".tbsData.payload", 24, "extDataHash (detached payload) is not supported");
        }
        Ieee1609Dot2Data inner = payload.getData();
        if (inner.getProtocolVersion().getValue().intValue() != PROTOCOL_VERSION
                || inner.getContent().getChoice() != Ieee1609Dot2Content.unsecuredData) {
            throw new Failure(Kind.UNSUPPORTED, f + ".tbsData.payload.data", 32,
                    "the signed payload is not protocol-version-3 unsecuredData (nested security is not supported)");
        }
        byte[] data = Opaque.getInstance(inner.getContent().getIeee1609Dot2Content()).getContent();
        HeaderInfo header = header(sd.getTbsData().getHeaderInfo(), f + ".tbsData.headerInfo");
        SignerIdentifier signer = sd.getSigner();
        return switch (signer.getChoice()) {
        case SignerIdentifier.digest -> new SecuredData.Signed(header, data, SignerKind.DIGEST,
                HashedId8.of(org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8
                        .getInstance(signer.getSignerIdentifier()).getHashBytes()), null);
        case SignerIdentifier.certificate -> {
            List<Certificate> chain = SequenceOfCertificate.getInstance(signer.getSignerIdentifier()).getCertificates();
            if (chain.size() != 1) {
                throw new Failure(Kind.UNSUPPORTED, f + ".signer.certificate", 0, chain.size()
                        + " certificates; ETSI TS 103 097 §5.2 allows exactly one (the authorization ticket)");
            }
            byte[] cert = Oer.encode(chain.get(0), Oer.CERTIFICATE);
            yield new SecuredData.Signed(header, data, SignerKind.CERTIFICATE, HashedId8.ofCertificate(cert), cert);
        }
        case SignerIdentifier.self -> new SecuredData.Signed(header, data, SignerKind.SELF, null, null);
        default -> throw new Failure(Kind.UNSUPPORTED, f + ".signer", 0, "signer alternative " + signer.getChoice());
        };
    }

    private static HeaderInfo header(org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo h, String f) throws Failure {
        BigInteger psid = h.getPsid().getPsid();
        if (psid.signum() < 0 || psid.bitLength() > 63) {
            throw new Failure(Kind.OUT_OF_RANGE, f + ".psid", 0, "psid " + psid + " beyond 2^63-1");
        }
        Long generationTime = null;
        if (h.getGenerationTime() != null) {
            BigInteger t = h.getGenerationTime().getValue();
            if (t.bitLength() > 63) {
                throw new Failure(Kind.OUT_OF_RANGE, f + ".generationTime", 0, "generationTime " + t + " beyond 2^63-1 µs");
            }
            generationTime = t.longValue();
        }
        GenerationLocation location = null;
        ThreeDLocation l = h.getGenerationLocation();
        if (l != null) {
            try {
                location = new GenerationLocation(l.getLatitude().getValue().intValueExact(),
                        l.getLongitude().getValue().intValueExact(), l.getElevation().getValue().intValueExact());
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new Failure(Kind.OUT_OF_RANGE, f + ".generationLocation", 0, "generationLocation out of range: "
                        + e.getMessage());
            }
        }
        return new HeaderInfo(psid.longValue(), generationTime, location);
    }

    private static SecuredData.Encrypted encrypted(EncryptedData e) throws Failure {
        String f = ROOT + ".content.encryptedData";
        List<SecuredData.Recipient> recipients = new ArrayList<>();
        for (RecipientInfo r : e.getRecipients().getRecipientInfos()) {
            RecipientReader h = new RecipientReader(r);
            recipients.add(h.recipient());
        }
        SymmetricCiphertext c = e.getCiphertext();
        if (c.getChoice() != SymmetricCiphertext.aes128ccm) {
            throw new Failure(Kind.UNSUPPORTED, f + ".ciphertext", 0, "ciphertext alternative " + c.getChoice()
                    + ", only aes128ccm");
        }
        AesCcmCiphertext ccm = AesCcmCiphertext.getInstance(c.getSymmetricCiphertext());
        if (ccm.getNonce().getOctets().length != 12) {
            throw new Failure(Kind.OUT_OF_RANGE, f + ".ciphertext.aes128ccm.nonce", 0, "nonce is not 12 octets");
        }
        int length = ccm.getCcmCiphertext().getContent().length;
        if (length < 16) {
            throw new Failure(Kind.OUT_OF_RANGE, f + ".ciphertext.aes128ccm.ccmCiphertext", 0, length
                    + " octets, shorter than the 16-octet CCM tag");
        }
        return new SecuredData.Encrypted(recipients, length);
    }

    /** Reads the HashedId8 of any RecipientInfo alternative (§6.3.33). */
    private record RecipientReader(RecipientInfo info) {
        SecuredData.Recipient recipient() throws Failure {
            return switch (info.getChoice()) {
            case RecipientInfo.pskRecipInfo -> new SecuredData.Recipient(RecipientKind.PSK,
                    HashedId8.of(PreSharedKeyRecipientInfo.getInstance(info.getRecipientInfo()).getHashBytes()));
            case RecipientInfo.symmRecipInfo -> new SecuredData.Recipient(RecipientKind.SYMMETRIC,
                    HashedId8.of(SymmRecipientInfo.getInstance(info.getRecipientInfo()).getRecipientId().getHashBytes()));
            case RecipientInfo.certRecipInfo, RecipientInfo.signedDataRecipInfo, RecipientInfo.rekRecipInfo -> new SecuredData.Recipient(
                    info.getChoice() == RecipientInfo.certRecipInfo ? RecipientKind.CERTIFICATE
                            : info.getChoice() == RecipientInfo.signedDataRecipInfo ? RecipientKind.SIGNED_DATA
                                    : RecipientKind.RESPONSE_KEY,
                    HashedId8.of(PKRecipientInfo.getInstance(info.getRecipientInfo()).getRecipientId().getHashBytes()));
            default -> throw new Failure(Kind.UNSUPPORTED, ROOT + ".content.encryptedData.recipients", 0,
                    "recipient alternative " + info.getChoice());
            };
        }
    }

    @Override
    public byte[] encodeUnsecured(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return Oer.encode(unsecured(payload), Oer.DATA);
    }

    private static Ieee1609Dot2Data unsecured(byte[] payload) {
        return new Ieee1609Dot2Data(new UINT8(PROTOCOL_VERSION), Ieee1609Dot2Content.unsecuredData(new Opaque(payload)));
    }

    @Override
    public byte[] sign(SignRequest request, SigningCredential signer) {
        Objects.requireNonNull(request, "request");
        GenerationLocation loc = request.generationLocation();
        // ETSI TS 103 097 §7.1: psid and generationTime; the DENM adds generationLocation
        var header = new org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo(new Psid(request.psid()),
                new Time64(ItsTime.time64(request.generationTime())), null,
                loc == null ? null : new ThreeDLocation(new Latitude(loc.latitude()), new Longitude(loc.longitude()),
                        new Elevation(loc.elevation())),
                null, null, null, null, null, null, null);
        return sign(header, request.payload(), request.signer(), signer, certificates);
    }

    /** SignedData over {@code payload} with any header (tests build headers the profile forbids). */
    static byte[] sign(org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo header, byte[] payload, SignerKind kind,
            SigningCredential signer) {
        return sign(header, payload, kind, signer, new ParsedCertificates());
    }

    /**
     * ToBeSignedData is encoded once: its octets are hashed (§5.3.1) and then placed as they are in
     * the output ({@link Oer#signedData}); the signer certificate is parsed once per codec
     * ({@code certificates}, by its SHA-256, which also serves the digest and the HashedId8).
     */
    static byte[] sign(org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo header, byte[] payload, SignerKind kind,
            SigningCredential signer, ParsedCertificates certificates) {
        Objects.requireNonNull(signer, "signer");
        byte[] certBytes = signer.certificate();
        ParsedCertificates.Parsed cert;
        try {
            cert = certificates.parse(certBytes, "signer certificate");
        } catch (Failure f) {
            throw new IllegalArgumentException("the signing credential's certificate: " + f.error);
        }
        ToBeSignedData tbs = new ToBeSignedData(new SignedDataPayload(unsecured(payload), null), header);
        byte[] tbsBytes = Oer.encode(tbs, Oer.TBS_DATA);
        Signature signature = Ecdsa256.sign(Ecdsa256.privateKey(signer.privateKey()),
                Ecdsa256.digestWithSignerHash(tbsBytes, cert.sha256()));
        Oer.SignerIdentifierOctets signerId = kind == SignerKind.DIGEST
                ? Oer.SignerIdentifierOctets.digest(java.util.Arrays.copyOfRange(cert.sha256(), 24, 32)) // §6.3.6
                : Oer.SignerIdentifierOctets.certificate(certBytes); // canonical: certificates.parse proved it
        return Oer.signedData(tbsBytes, signerId, signature);
    }

    @Override
    public VerificationResult verify(byte[] encoding, TrustStore trust) {
        Objects.requireNonNull(trust, "trust");
        return verifier.verify(encoding, trust, null, null);
    }

    @Override
    public VerificationResult verify(byte[] encoding, TrustStore trust, Instant now, java.time.Duration maxAge) {
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(now, "now");
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must be zero or positive");
        }
        return verifier.verify(encoding, trust, now, maxAge);
    }

    @Override
    public byte[] issueCertificate(CertificateTemplate template, SigningCredential issuer) {
        Objects.requireNonNull(issuer, "issuer");
        byte[] issuerBytes = issuer.certificate();
        try {
            parseCertificate(issuerBytes, "issuer certificate");
        } catch (Failure f) {
            throw new IllegalArgumentException("the issuer's certificate: " + f.error);
        }
        return certificate(template, IssuerIdentifier.sha256AndDigest(
                new org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8(issuer.id().toBytes())),
                issuer.privateKey(), issuerBytes);
    }

    @Override
    public byte[] selfSign(CertificateTemplate template, ECPrivateKey privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        return certificate(template, IssuerIdentifier.self(HashAlgorithm.sha256), privateKey, null);
    }

    /** IEEE 1609.2 §6.4.2 / ETSI TS 103 097 §7.2: an explicit certificate, version 3. */
    private static byte[] certificate(CertificateTemplate t, IssuerIdentifier issuerId, ECPrivateKey signingKey,
            byte[] issuerCertificate) {
        Objects.requireNonNull(t, "template");
        ECPublicKeyParameters subjectKey = Ecdsa256.publicKey(t.verificationKey());
        CertificateId id = t.name() == null ? CertificateId.none() : CertificateId.name(new Hostname(t.name()));
        ValidityPeriod validity = new ValidityPeriod(new Time32(ItsTime.time32(t.validFrom())),
                Duration.hours(new UINT16(t.validityHours())));
        SequenceOfPsidSsp app = t.appPermissions().isEmpty() ? null
                : new SequenceOfPsidSsp(t.appPermissions().stream().map(p -> new PsidSsp(new Psid(p), null)).toList());
        SequenceOfPsidGroupPermissions issue = null;
        if (t.issuePermissions() != null) {
            SubjectPermissions subject = t.issuePermissions().isEmpty() ? SubjectPermissions.all()
                    : SubjectPermissions.explicit(new SequenceOfPsidSspRange(
                            t.issuePermissions().stream().map(p -> new PsidSspRange(new Psid(p), null)).toList()));
            issue = new SequenceOfPsidGroupPermissions(List.of(new PsidGroupPermissions(subject, null, null, null)));
        }
        EccP256CurvePoint key = Ecdsa256.compressed(subjectKey);
        ToBeSignedCertificate tbs = new ToBeSignedCertificate(id, new HashedId3(new byte[3]), new CrlSeries(0), validity,
                null, null, app, issue, null, null, null,
                VerificationKeyIndicator.verificationKey(PublicVerificationKey.ecdsaNistP256(key)));
        byte[] tbsBytes = Oer.encode(tbs, Oer.TBS_CERTIFICATE);
        Signature signature = Ecdsa256.sign(Ecdsa256.privateKey(signingKey), Ecdsa256.digest(tbsBytes, issuerCertificate));
        Certificate cert = new Certificate(new UINT8(3), CertificateType.explicit, issuerId, tbs, signature);
        return Oer.encode(cert, Oer.CERTIFICATE);
    }
}
