package org.qkdv2i.driver.sim.fso.internal;

import java.util.HexFormat;
import java.util.Objects;

import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;
import org.qkdv2i.driver.sim.fso.internal.sim.EveSettings;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * A validated configuration. {@link #conditions()} (weather, daylight, Eve) may change on a
 * running link; any other change restarts it.
 */
record LinkSettings(LinkEnd end, String quantumHost, int quantumPort, String classicalHost, int classicalPort,
        byte[] authKey, String stateDir, LinkParameters params, double abortQber, double roundSeconds,
        double sampleFraction, boolean finiteKey, double speed, long seed, Conditions conditions, Pq pq) {

    /**
     * The post-quantum fallback: {@code peerPublicKey} the peer's ML-DSA-65 SubjectPublicKeyInfo (null
     * when none is configured).
     */
    record Pq(boolean fallback, byte[] peerPublicKey, long afterDownSeconds, int pads) {
        Pq {
            if (afterDownSeconds < 0) {
                throw new IllegalArgumentException("pqAfterDownSeconds must be >= 0, got " + afterDownSeconds);
            }
            if (pads < 4 || pads > 1 << 20) {
                throw new IllegalArgumentException("pqPads must be 4..1048576, got " + pads);
            }
        }

        boolean same(Pq o) {
            return fallback == o.fallback && java.util.Arrays.equals(peerPublicKey, o.peerPublicKey)
                    && afterDownSeconds == o.afterDownSeconds && pads == o.pads;
        }
    }

    /** What may change while the link runs. */
    record Conditions(Weather weather, boolean daylight, EveSettings eve) {
    }

    LinkSettings {
        Objects.requireNonNull(end);
        Objects.requireNonNull(pq);
        port(quantumPort, "quantumPort");
        port(classicalPort, "classicalPort");
        if (quantumPort == classicalPort && quantumHost.equals(classicalHost)) {
            throw new IllegalArgumentException("quantum and classical channels need different ports");
        }
        if (!(abortQber > 0 && abortQber <= 0.5)) {
            throw new IllegalArgumentException("abortQber must be in (0, 0.5], got " + abortQber);
        }
        if (!(sampleFraction > 0 && sampleFraction < 1)) {
            throw new IllegalArgumentException("sampleFraction must be in (0, 1), got " + sampleFraction);
        }
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be >= 0, got " + speed);
        }
        long pulses = (long) (roundSeconds * params.sourceRateHz());
        if (!(roundSeconds > 0) || pulses < 1_000_000 || roundSeconds > 60) {
            throw new IllegalArgumentException("roundSeconds must give at least 10^6 pulses and at most 60 s, got "
                    + roundSeconds);
        }
        if (finiteKey && !(params.pOmega() > 0)) {
            throw new IllegalArgumentException("finiteKey needs vacuum pulses (pMu + pNu < 1) for the bounds of Lim et al.");
        }
        if (authKey.length != 0 && authKey.length < 48) {
            throw new IllegalArgumentException("authKeyHex must hold at least 48 bytes");
        }
    }

    static LinkSettings from(FsoLinkConfig c) {
        QkdRole role = c.role() == FsoLinkConfig.Role.ALICE ? QkdRole.TRANSMITTER : QkdRole.RECEIVER;
        LinkEnd end = new LinkEnd(c.linkId(), c.localNode(), c.peerNode(), role);
        byte[] key;
        try {
            key = c.authKeyHex() == null ? new byte[0] : HexFormat.of().parseHex(c.authKeyHex().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("authKeyHex is not hexadecimal");
        }
        double pOmega = 1 - c.pMu() - c.pNu();
        LinkParameters p = new LinkParameters(c.wavelengthNm(), c.distanceM(), c.txApertureM(), c.rxApertureM(),
                c.divergenceRad(), c.pointingJitterRad(), c.rxFieldOfViewRad(), c.rxOpticsEfficiency(),
                c.filterBandwidthNm(), c.skyRadianceDay(), c.nightSkyFactor(), c.detectorEfficiency(),
                c.darkCountRateHz(), c.coincidenceWindowNs(), c.deadTimeNs(), c.misalignment(), c.sourceRateHz(),
                c.mu(), c.nu(), 0, c.pMu(), c.pNu(), Math.max(0, pOmega), c.aliceZ(), c.bobZ(), c.coherenceTimeMs());
        EveSettings eve = new EveSettings(c.eveInterceptFraction(), c.evePhotonNumberSplitting(), c.eveFloodCps(),
                c.eveBlockFraction());
        String stateDir = c.stateDir() == null ? "" : c.stateDir().strip();
        String peerKey = c.pqPeerPublicKey() == null ? "" : c.pqPeerPublicKey().strip();
        Pq pq = new Pq(c.pqFallback(), peerKey.isEmpty() ? null
                : org.qkdv2i.driver.sim.fso.internal.channel.PqIdentity.parsePublicKey(peerKey), c.pqAfterDownSeconds(),
                c.pqPads());
        return new LinkSettings(end, c.quantumHost(), c.quantumPort(), c.classicalHost(), c.classicalPort(), key,
                stateDir, p, c.abortQber(), c.roundSeconds(), c.sampleFraction(), c.finiteKey(), c.speed(), c.seed(),
                new Conditions(c.weather(), c.daylight(), eve), pq);
    }

    /** The same settings with the pad store in {@code dir} (the bundle's data area when none is configured). */
    LinkSettings withStateDir(String dir) {
        return new LinkSettings(end, quantumHost, quantumPort, classicalHost, classicalPort, authKey, dir, params,
                abortQber, roundSeconds, sampleFraction, finiteKey, speed, seed, conditions, pq);
    }

    long roundPulses() {
        return (long) (roundSeconds * params.sourceRateHz());
    }

    /** Same link apart from the runtime conditions and speed? */
    boolean sameLinkAs(LinkSettings o) {
        return end.equals(o.end) && quantumHost.equals(o.quantumHost) && quantumPort == o.quantumPort
                && classicalHost.equals(o.classicalHost) && classicalPort == o.classicalPort
                && java.util.Arrays.equals(authKey, o.authKey) && stateDir.equals(o.stateDir) && params.equals(o.params)
                && abortQber == o.abortQber
                && roundSeconds == o.roundSeconds && sampleFraction == o.sampleFraction && finiteKey == o.finiteKey
                && seed == o.seed && pq.same(o.pq);
    }

    private static void port(int p, String name) {
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(name + " must be 1..65535, got " + p);
        }
    }

    @Override
    public String toString() {
        return "LinkSettings[" + end + "]"; // never the key
    }
}
