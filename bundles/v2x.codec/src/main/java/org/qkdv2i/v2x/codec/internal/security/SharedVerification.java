package org.qkdv2i.v2x.codec.internal.security;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification state that every IEEE 1609.2 codec of a framework shares: the message-signature
 * verdict memo ({@link MessageVerdictMemo}), the parsed certificates ({@link ParsedCertificates}),
 * the parsed signed messages ({@link ParsedMessages}) and their counters. One DS component (PID {@value #PID}, {@link VerifierConfig}) owns it; the
 * prototype-scoped codec service ({@link OerIeee1609Dot2Codec}) hands each consumer (each V2X stack)
 * a codec of its own built on it. Outside a framework, {@code new SharedVerification()} is the same
 * thing for a benchmark's stacks; nothing here is static.
 * <p>
 * Only bounded maps keyed by SHA-256 of octets, results of pure functions: no secret and no
 * per-receiver judgement (freshness, trust, chain, validity and permissions stay each codec's).
 * <p>
 * Logs its counters ({@link VerifierStatistics#logLine()}: verifications by outcome, message ECDSA
 * verifications, duplicates and single-flight waits, memo hits/misses/size) in one INFO line when
 * deactivated, and at most once every {@value #REPORT_SECONDS} s while verifications happen (on the
 * first verification after the period; nothing is logged while nothing happens).
 */
@Component(service = SharedVerification.class, configurationPid = SharedVerification.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = VerifierConfig.class)
public final class SharedVerification {

    public static final String PID = "org.qkdv2i.v2x.codec.Verifier";
    static final int MIN_ENTRIES = 64;
    static final int REPORT_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(SharedVerification.class);

    private final MessageVerdictMemo verdicts;
    private final VerifierStatistics.Counters counters;
    private final ParsedCertificates certificates = new ParsedCertificates();
    private final ParsedMessages messages = new ParsedMessages();
    private final Verifier.SignatureCheck ecdsa;
    /** The last counters line logged (tests). */
    private volatile String lastLogLine;

    /**
     * Outside a framework: the defaults (memo on, {@value MessageVerdictMemo#DEFAULT_CAPACITY} entries; parsed
     * messages shared, {@value ParsedMessages#DEFAULT_CAPACITY} entries).
     */
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
        this(ecdsa, System::nanoTime);
    }

    /** Tests: and the clock of the periodic counters line. */
    SharedVerification(Verifier.SignatureCheck ecdsa, LongSupplier nanoClock) {
        this.verdicts = new MessageVerdictMemo(true, MessageVerdictMemo.DEFAULT_CAPACITY);
        this.ecdsa = ecdsa;
        this.counters = new VerifierStatistics.Counters(nanoClock);
        counters.reportEvery(TimeUnit.SECONDS.toNanos(REPORT_SECONDS), () -> log("every " + REPORT_SECONDS + " s"));
    }

    /** The final counters line (the city benchmark reads how many ECDSA verifications really ran). */
    @Deactivate
    public void deactivate() {
        counters.stopReports();
        log("deactivated");
    }

    /** One INFO line; returns it (tests). Counts only: no key, no message content. */
    String log(String when) {
        String line = "V2X verification counters (" + when + ", since activation): " + statistics().logLine();
        LOG.info(line);
        lastLogLine = line;
        return line;
    }

    String lastLogLine() {
        return lastLogLine;
    }

    /** A configuration update reaches every codec at once: they all hold this memo. */
    @Modified
    public void configure(VerifierConfig config) {
        verdicts.configure(config.messageVerdictMemo(), Math.max(MIN_ENTRIES, config.messageVerdictMemoEntries()));
        messages.configure(Math.max(0, config.parsedMessages()));
    }

    /** A new codec (own certificate verdicts and keys) sharing this memo and these parsed certificates. */
    public OerIeee1609Dot2Codec newCodec() {
        return new OerIeee1609Dot2Codec(this);
    }

    /** Counters of every codec built on this (benchmarks; not an API). */
    public VerifierStatistics statistics() {
        return counters.snapshot(verdicts, messages);
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

    ParsedMessages messages() {
        return messages;
    }

    Verifier.SignatureCheck ecdsa() {
        return ecdsa;
    }
}
