package org.qkdv2i.v2x.codec.internal.security;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The verification state that every IEEE 1609.2 codec of a framework shares: the message-signature
 * verdict memo ({@link MessageVerdictMemo}), the parsed certificates ({@link ParsedCertificates})
 * and their counters. One DS component (PID {@value #PID}, {@link VerifierConfig}) owns it; the
 * prototype-scoped codec service ({@link OerIeee1609Dot2Codec}) hands each consumer (each V2X stack)
 * a codec of its own built on it. Outside a framework, {@code new SharedVerification()} is the same
 * thing for a benchmark's stacks; nothing here is static.
 * <p>
 * Only bounded maps keyed by SHA-256 of octets, results of pure functions: no secret and no
 * per-receiver judgement (freshness, trust, chain, validity and permissions stay each codec's).
 */
@Component(service = SharedVerification.class, configurationPid = SharedVerification.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = VerifierConfig.class)
public final class SharedVerification {

    public static final String PID = "org.qkdv2i.v2x.codec.Verifier";
    static final int MIN_ENTRIES = 64;

    private final MessageVerdictMemo verdicts;
    private final VerifierStatistics.Counters counters = new VerifierStatistics.Counters();
    private final ParsedCertificates certificates = new ParsedCertificates();
    private final Verifier.SignatureCheck ecdsa;

    /** Outside a framework: the defaults (memo on, {@value MessageVerdictMemo#DEFAULT_CAPACITY} entries). */
    public SharedVerification() {
        this(Ecdsa256::verify);
    }

    /** The component: configured by PID {@value #PID} (absent: the defaults). */
    @Activate
    public SharedVerification(VerifierConfig config) {
        this(Ecdsa256::verify);
        configure(config);
    }

    /** Tests: a seam around each ECDSA verification of the codecs built on this. */
    SharedVerification(Verifier.SignatureCheck ecdsa) {
        this.verdicts = new MessageVerdictMemo(true, MessageVerdictMemo.DEFAULT_CAPACITY);
        this.ecdsa = ecdsa;
    }

    /** A configuration update reaches every codec at once: they all hold this memo. */
    @Modified
    public void configure(VerifierConfig config) {
        verdicts.configure(config.messageVerdictMemo(), Math.max(MIN_ENTRIES, config.messageVerdictMemoEntries()));
    }

    /** A new codec (own certificate verdicts and keys) sharing this memo and these parsed certificates. */
    public OerIeee1609Dot2Codec newCodec() {
        return new OerIeee1609Dot2Codec(this);
    }

    /** Counters of every codec built on this (benchmarks; not an API). */
    public VerifierStatistics statistics() {
        return counters.snapshot(verdicts);
    }

    MessageVerdictMemo verdicts() {
        return verdicts;
    }

    VerifierStatistics.Counters counters() {
        return counters;
    }

    ParsedCertificates certificates() {
        return certificates;
    }

    Verifier.SignatureCheck ecdsa() {
        return ecdsa;
    }
}
