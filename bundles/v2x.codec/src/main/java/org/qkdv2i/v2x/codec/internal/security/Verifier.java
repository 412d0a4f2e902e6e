package org.qkdv2i.v2x.codec.internal.security;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.oer.its.ieee1609dot2.Certificate;
import org.bouncycastle.oer.its.ieee1609dot2.CertificateType;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Content;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Data;
import org.bouncycastle.oer.its.ieee1609dot2.IssuerIdentifier;
import org.bouncycastle.oer.its.ieee1609dot2.PsidGroupPermissions;
import org.bouncycastle.oer.its.ieee1609dot2.SignedData;
import org.bouncycastle.oer.its.ieee1609dot2.SubjectPermissions;
import org.bouncycastle.oer.its.ieee1609dot2.ToBeSignedCertificate;
import org.bouncycastle.oer.its.ieee1609dot2.VerificationKeyIndicator;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EccP256CurvePoint;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.PsidSsp;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.PsidSspRange;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.PublicVerificationKey;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.SequenceOfPsidSspRange;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.ValidityPeriod;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.internal.security.Oer.Failure;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * IEEE 1609.2 §5.2 / ETSI TS 103 097 §7 verification of signed data: message signature,
 * certificate chain to a trusted root, validity at the generation time, psid permissions.
 */
final class Verifier {

    /** One ECDSA P-256 verification; a seam so that tests can count them. */
    @FunctionalInterface
    interface SignatureCheck {
        boolean verify(ECPublicKeyParameters key, byte[] digest, Signature signature);
    }

    /** This receiver's certificate verdicts and keys (certificates met by this receiver). */
    private final SignatureMemo memo = new SignatureMemo();
    /** Message-signature verdicts, shared with the other verifiers of the bundle (see OerIeee1609Dot2Codec). */
    private final MessageVerdictMemo verdicts;
    private final VerifierStatistics.Counters counters;
    private final SignatureCheck ecdsa;
    /** Parsed certificates, shared like the verdicts (a pure function of the octets). */
    private final ParsedCertificates certificates;
    /** Parsed signed messages, shared like the certificates (a pure function of the octets). */
    private final ParsedMessages messages;

    Verifier(MessageVerdictMemo verdicts, VerifierStatistics.Counters counters, SignatureCheck ecdsa,
            ParsedCertificates certificates, ParsedMessages messages) {
        this.verdicts = verdicts;
        this.counters = counters;
        this.ecdsa = ecdsa;
        this.certificates = certificates;
        this.messages = messages;
    }

    /** Authorization ticket → authority → root; a longer chain is refused. */
    static final int MAX_CHAIN = 4;

    /** Thrown inside the verifier only. */
    private static final class Outcome extends Exception {
        private static final long serialVersionUID = 1L;
        final VerificationStatus status;

        Outcome(VerificationStatus status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }
    }

    /** {@code now == null}: no freshness check. */
    VerificationResult verify(byte[] encoding, TrustStore trust, Instant now, Duration maxAge) {
        VerificationResult r = judge(encoding, trust, now, maxAge);
        counters.outcome(r.status());
        return r;
    }

    private VerificationResult judge(byte[] encoding, TrustStore trust, Instant now, Duration maxAge) {
        SecuredData.Signed message = null;
        try {
            // another receiver's parse of exactly these octets (full SHA-256), if it proved them canonical
            byte[] id = messages.enabled() && encoding != null && encoding.length > 0 && encoding.length <= Oer.MAX_INPUT
                    ? Ecdsa256.sha256(encoding) : null;
            ParsedMessages.Parsed parsed = id == null ? null : messages.get(id);
            if (parsed != null) {
                message = parsed.model(); // this receiver's own arrays
            } else {
                messages.parsed();
                Ieee1609Dot2Data d;
                try {
                    d = OerIeee1609Dot2Codec.parseData(encoding);
                } catch (Failure f) {
                    return failed(f, null);
                }
                if (d.getContent().getChoice() != Ieee1609Dot2Content.signedData) {
                    return new VerificationResult(VerificationStatus.NOT_SIGNED,
                            "content alternative " + d.getContent().getChoice() + " is not signedData", null);
                }
                SignedData sd = SignedData.getInstance(d.getContent().getIeee1609Dot2Content());
                SecuredData.Signed m;
                try {
                    m = OerIeee1609Dot2Codec.signed(sd);
                } catch (Failure f) {
                    return failed(f, null);
                }
                parsed = new ParsedMessages.Parsed(sd, m);
                if (id != null) {
                    messages.put(id, parsed); // parsed, canonical and a supported signed message: only these
                    message = parsed.model();
                } else {
                    message = m;
                }
            }
            check(message, parsed, encoding, trust, now, maxAge);
            if (message.signerKind() == SignerKind.CERTIFICATE) {
                trust.addCertificate(message.signerCertificate()); // later messages may name it by digest (§7.1.1)
            }
            return new VerificationResult(VerificationStatus.OK, "signed by " + message.signerId() + " for psid "
                    + message.header().psid() + ", chain to a trusted root", message);
        } catch (Outcome o) {
            return new VerificationResult(o.status, o.getMessage(), message);
        } catch (RuntimeException e) {
            return new VerificationResult(VerificationStatus.MALFORMED,
                    "inconsistent signed data (" + e.getClass().getSimpleName() + ")", message);
        }
    }

    private static VerificationResult failed(Failure f, SecuredData.Signed message) {
        VerificationStatus s = f.error.kind() == Kind.UNSUPPORTED || f.error.kind() == Kind.UNEXPECTED_MESSAGE
                ? VerificationStatus.UNSUPPORTED : VerificationStatus.MALFORMED;
        return new VerificationResult(s, f.error.toString(), message);
    }

    /** {@code encoding}: the octets {@code parsed} was parsed from (Oer.parse proved them canonical). */
    private void check(SecuredData.Signed m, ParsedMessages.Parsed parsed, byte[] encoding, TrustStore trust,
            Instant now, Duration maxAge) throws Outcome {
        SignedData sd = parsed.signedData;
        Long generationTime = m.header().generationTime();
        if (generationTime == null) {
            throw new Outcome(VerificationStatus.INVALID_HEADER, "no generationTime (ETSI TS 103 097 §5.2 requires it)");
        }
        if (m.header().psid() == Psid.DENM && m.header().generationLocation() == null) {
            throw new Outcome(VerificationStatus.INVALID_HEADER, "DENM without generationLocation (ETSI TS 103 097 §7.1.2)");
        }
        if (now != null) {
            // judged before any ECDSA work: a replayed or far-future message costs nothing
            Instant generated = ItsTime.fromTime64(generationTime);
            if (generated.isBefore(now.minus(maxAge)) || generated.isAfter(now.plus(maxAge))) {
                throw new Outcome(VerificationStatus.STALE, "generated " + generated + ", receiver time " + now
                        + ", more than " + maxAge.toMillis() + " ms apart");
            }
        }
        byte[] signerBytes = switch (m.signerKind()) {
        case CERTIFICATE -> m.signerCertificate();
        case DIGEST -> trust.certificate(m.signerId()).orElseThrow(
                () -> new Outcome(VerificationStatus.UNKNOWN_SIGNER, "signer digest " + m.signerId() + " names no known certificate"));
        case SELF -> throw new Outcome(VerificationStatus.UNSUPPORTED, "self-signed data (only certificate requests are)");
        };
        ParsedCertificates.Parsed signer = certificate(signerBytes, "signer certificate " + m.signerId());
        ECPublicKeyParameters key = verificationKey(signer, m.signerId());
        byte[] tbsHash = parsed.tbsSha256(encoding); // §5.3.1: SHA-256(tbs), shared with the message's other receivers
        requireP256(sd.getSignature(), "message");
        if (!messageSignatureVerifies(key, Ecdsa256.sha256(tbsHash, signer.sha256()), sd.getSignature())) {
            throw new Outcome(VerificationStatus.BAD_SIGNATURE, "the message signature does not verify under "
                    + m.signerId() + "'s key");
        }
        long psid = m.header().psid();
        if (!mayUse(signer.certificate().getToBeSigned(), psid)) {
            throw new Outcome(VerificationStatus.PSID_NOT_PERMITTED, m.signerId() + " has no appPermissions for psid " + psid);
        }
        chain(signer, m.signerId(), generationTime, psid, trust);
    }

    /**
     * The ToBeSignedData octets to hash (§5.3.1): the slice of the input they were parsed from, which
     * is their canonical encoding because the whole input is (Oer.parse), rather than a re-encoding.
     */
    static byte[] tbsData(SecuredData.Signed m, SignedData sd, byte[] encoding) {
        int signerLength = switch (m.signerKind()) {
        case CERTIFICATE -> Oer.CERTIFICATE_SIGNER_PREFIX + m.signerCertificate().length;
        case DIGEST -> 1 + 8; // tag [0], HashedId8: a fixed-size OCTET STRING, no length (X.696 §17)
        default -> Oer.encode(sd.getSigner(), Oer.SIGNER).length;
        };
        byte[] slice = Oer.tbsDataSlice(encoding, signerLength, sd.getSignature());
        return slice != null ? slice : Oer.encode(sd.getTbsData(), Oer.TBS_DATA);
    }

    /**
     * The one judgement another receiver's work may answer: the ECDSA verdict on exactly (e, r, s,
     * Q), a pure function of those bytes (see MessageVerdictMemo). Everything before (freshness,
     * the signer lookup in this receiver's store) and after (permissions, chain to this receiver's
     * roots, validity) is judged here, per receiver, whatever the memo says.
     */
    private boolean messageSignatureVerifies(ECPublicKeyParameters key, byte[] digest, Signature signature) {
        byte[] id = verdicts.enabled() ? MessageVerdictMemo.key(digest, signature, key) : null;
        if (id == null) {
            counters.messageEcdsa.increment();
            return ecdsa.verify(key, digest, signature);
        }
        if (verdicts.knownValid(id)) {
            return true;
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> other = verdicts.takeOff(id, mine);
        if (other != null) {
            // another receiver is verifying exactly these inputs: its verdict is this one's
            counters.singleFlightWaits.increment();
            Boolean verdict = other.join(); // always completed: the leader lands in a finally
            if (verdict != null) {
                return verdict;
            }
            return verifyAndRemember(id, key, digest, signature); // the leader's check threw: judge here
        }
        Boolean verdict = null;
        try {
            // landed between the lookup above and the take-off: nothing left to compute
            verdict = verdicts.containsValid(id) ? Boolean.TRUE : verifyAndRemember(id, key, digest, signature);
            return verdict;
        } finally {
            verdicts.land(id, mine, verdict);
        }
    }

    private boolean verifyAndRemember(byte[] id, ECPublicKeyParameters key, byte[] digest, Signature signature) {
        counters.messageEcdsa.increment();
        boolean valid = ecdsa.verify(key, digest, signature);
        // only successes: a forger can neither poison nor crowd it
        if (valid && verdicts.rememberValid(id)) {
            counters.duplicateMessageEcdsa.increment(); // already there: another receiver computed it too
        }
        return valid;
    }

    private void chain(ParsedCertificates.Parsed cert, HashedId8 certId, long generationTime, long psid,
            TrustStore trust) throws Outcome {
        for (int depth = 0; depth < MAX_CHAIN; depth++) {
            checkValidity(cert.certificate().getToBeSigned(), certId, generationTime);
            if (trust.isRoot(certId)) {
                return; // a trust anchor: its own signature was judged when it was configured
            }
            IssuerIdentifier issuer = cert.certificate().getIssuer();
            if (issuer.isSelf()) {
                throw new Outcome(VerificationStatus.UNTRUSTED_CHAIN, certId + " is self-signed but not a trusted root");
            }
            if (issuer.getChoice() != IssuerIdentifier.sha256AndDigest) {
                throw new Outcome(VerificationStatus.UNSUPPORTED, certId + " is issued with sha384AndDigest");
            }
            HashedId8 issuerId = HashedId8.of(org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8
                    .getInstance(issuer.getIssuerIdentifier()).getHashBytes());
            Optional<byte[]> found = trust.certificate(issuerId);
            if (found.isEmpty()) {
                throw new Outcome(VerificationStatus.UNTRUSTED_CHAIN, "issuer " + issuerId + " of " + certId + " is unknown");
            }
            byte[] issuerBytes = found.get();
            ParsedCertificates.Parsed issuerCert = certificate(issuerBytes, "issuer certificate " + issuerId);
            if (!memo.verified(cert.sha256(), issuerCert.sha256())) {
                ECPublicKeyParameters issuerKey = verificationKey(issuerCert, issuerId);
                Signature signature = cert.certificate().getSignature();
                if (signature == null) {
                    throw new Outcome(VerificationStatus.MALFORMED, certId + " carries no signature");
                }
                requireP256(signature, "certificate " + certId);
                byte[] tbs = Oer.encode(cert.certificate().getToBeSigned(), Oer.TBS_CERTIFICATE);
                if (!ecdsa.verify(issuerKey, Ecdsa256.digestWithSignerHash(tbs, issuerCert.sha256()), signature)) {
                    throw new Outcome(VerificationStatus.BAD_CERTIFICATE_SIGNATURE, "the signature of " + certId
                            + " does not verify under issuer " + issuerId);
                }
                memo.rememberVerified(cert.sha256(), issuerCert.sha256());
            }
            if (!mayIssue(issuerCert.certificate().getToBeSigned(), psid)) {
                throw new Outcome(VerificationStatus.PSID_NOT_PERMITTED, "issuer " + issuerId
                        + " has no certIssuePermissions for psid " + psid);
            }
            cert = issuerCert;
            certId = issuerId;
        }
        throw new Outcome(VerificationStatus.UNTRUSTED_CHAIN, "no trusted root within " + MAX_CHAIN + " certificates");
    }

    private ParsedCertificates.Parsed certificate(byte[] bytes, String what) throws Outcome {
        try {
            ParsedCertificates.Parsed parsed = certificates.parse(bytes, what);
            Certificate c = parsed.certificate();
            if (c.getVersion().getValue().intValue() != 3 || !CertificateType.explicit.equals(c.getType())) {
                throw new Outcome(VerificationStatus.UNSUPPORTED, what + " is not an explicit version-3 certificate");
            }
            return parsed;
        } catch (Failure f) {
            throw new Outcome(VerificationStatus.MALFORMED, what + ": " + f.error);
        }
    }

    private ECPublicKeyParameters verificationKey(ParsedCertificates.Parsed parsed, HashedId8 id) throws Outcome {
        ECPublicKeyParameters known = memo.key(parsed.sha256());
        if (known != null) {
            return known;
        }
        VerificationKeyIndicator vki = parsed.certificate().getToBeSigned().getVerifyKeyIndicator();
        if (vki.getChoice() != VerificationKeyIndicator.verificationKey) {
            throw new Outcome(VerificationStatus.UNSUPPORTED, id + " has a reconstruction value (implicit certificate)");
        }
        PublicVerificationKey pvk = PublicVerificationKey.getInstance(vki.getVerificationKeyIndicator());
        if (pvk.getChoice() != PublicVerificationKey.ecdsaNistP256) {
            throw new Outcome(VerificationStatus.UNSUPPORTED, id + " has a verification key of another curve ("
                    + pvk.getChoice() + "), only ecdsaNistP256");
        }
        ECPublicKeyParameters key = Ecdsa256.publicKey(EccP256CurvePoint.getInstance(pvk.getPublicVerificationKey()));
        if (key == null) {
            throw new Outcome(VerificationStatus.MALFORMED, id + "'s verification key is not a P-256 point");
        }
        memo.rememberKey(parsed.sha256(), key);
        return key;
    }

    private static void requireP256(Signature s, String what) throws Outcome {
        if (s.getChoice() != Signature.ecdsaNistP256Signature) {
            throw new Outcome(VerificationStatus.UNSUPPORTED, "the " + what + " signature is of alternative "
                    + s.getChoice() + ", only ecdsaNistP256Signature");
        }
    }

    /** §6.4.14–6.4.15: valid from start through start + duration (years of 31556952 s). */
    private static void checkValidity(ToBeSignedCertificate tbs, HashedId8 id, long generationTime) throws Outcome {
        ValidityPeriod vp = tbs.getValidityPeriod();
        BigInteger startMicros = vp.getStart().getValue().multiply(BigInteger.valueOf(1_000_000));
        org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration d = vp.getDuration();
        long unitMicros = switch (d.getChoice()) {
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.microseconds -> 1L;
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.milliseconds -> 1_000L;
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.seconds -> 1_000_000L;
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.minutes -> 60_000_000L;
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.hours -> 3_600_000_000L;
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.sixtyHours -> 216_000_000_000L;
        case org.bouncycastle.oer.its.ieee1609dot2.basetypes.Duration.years -> 31_556_952_000_000L;
        default -> throw new Outcome(VerificationStatus.MALFORMED, id + " has an unknown duration unit");
        };
        BigInteger end = startMicros.add(d.getDuration().getValue().multiply(BigInteger.valueOf(unitMicros)));
        BigInteger t = BigInteger.valueOf(generationTime);
        if (t.compareTo(startMicros) < 0 || t.compareTo(end) > 0) {
            throw new Outcome(VerificationStatus.EXPIRED_CERT, id + " is not valid at the generation time (" + vp + ")");
        }
    }

    private static boolean mayUse(ToBeSignedCertificate tbs, long psid) {
        if (tbs.getAppPermissions() == null) {
            return false;
        }
        for (PsidSsp p : tbs.getAppPermissions().getPsidSsps()) {
            if (p.getPsid().getPsid().equals(BigInteger.valueOf(psid))) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayIssue(ToBeSignedCertificate tbs, long psid) {
        if (tbs.getCertIssuePermissions() == null) {
            return false;
        }
        for (PsidGroupPermissions g : tbs.getCertIssuePermissions().getPsidGroupPermissions()) {
            SubjectPermissions s = g.getSubjectPermissions();
            if (s.getChoice() == SubjectPermissions.all) {
                return true;
            }
            if (s.getChoice() == SubjectPermissions.explicit) {
                for (PsidSspRange r : SequenceOfPsidSspRange.getInstance(s.getSubjectPermissions()).getPsidSspRanges()) {
                    if (r.getPsid().getPsid().equals(BigInteger.valueOf(psid))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
