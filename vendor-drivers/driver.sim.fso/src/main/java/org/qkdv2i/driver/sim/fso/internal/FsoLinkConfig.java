package org.qkdv2i.driver.sim.fso.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;

/**
 * One end of a simulated FSO decoy-state BB84 link. Configure ALICE at one node and BOB at
 * the other with the same linkId, the same optics/source values and the same authentication
 * key. Defaults: a 300 m urban rooftop link at 1550 nm (see README).
 */
@ObjectClassDefinition(name = "Simulated FSO QKD link end",
        description = "Decoy-state BB84 over an emulated free-space optical channel. Alice streams emulated qubits "
                + "to Bob over TCP (quantum channel) and both run sifting, decoy estimation, Cascade, verification and "
                + "privacy amplification over a Wegman-Carter authenticated TCP channel (classical channel); "
                + "optionally re-bootstraps that authentication post-quantum (ML-KEM-768, ML-DSA-65) when its key runs out.")
@interface FsoLinkConfig {

    enum Role {
        ALICE, BOB
    }

    @AttributeDefinition(description = "Link ID, the same at both ends")
    String linkId();

    @AttributeDefinition(description = "Node this end belongs to")
    String localNode();

    @AttributeDefinition(description = "Node at the other end")
    String peerNode();

    @AttributeDefinition(description = "ALICE sends (transmitter, runs the channel emulation and any eavesdropper), BOB measures (receiver, listens)")
    Role role() default Role.ALICE;

    @AttributeDefinition(description = "Quantum channel: Bob listens on this address, Alice connects to it")
    String quantumHost() default "127.0.0.1";

    @AttributeDefinition(description = "Quantum channel TCP port")
    int quantumPort() default 47_100;

    @AttributeDefinition(description = "Classical channel: Bob listens on this address, Alice connects to it")
    String classicalHost() default "127.0.0.1";

    @AttributeDefinition(description = "Classical channel TCP port")
    int classicalPort() default 47_101;

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Pre-shared Wegman-Carter bootstrap key, hex, "
            + "at least 48 bytes (16-byte hash key + pads); the same at both ends. Empty: no key is produced")
    String authKeyHex() default "";

    @AttributeDefinition(description = "Directory of this end's authentication pad store (encrypted; positions survive "
            + "restarts so no one-time pad is used twice) and, with pqFallback, of its encrypted ML-DSA-65 identity. "
            + "Empty: the bundle's data area")
    String stateDir() default "";

    // --- post-quantum fallback (paper §5)
    @AttributeDefinition(description = "Post-quantum fallback: when the authentication pads are exhausted (or cannot be "
            + "reconciled), or the link was down longer than pqAfterDownSeconds, both ends re-bootstrap the Wegman-Carter "
            + "authentication with an ML-DSA-65-signed ML-KEM-768 exchange over the classical channel instead of "
            + "staying DOWN. Authentication is then only computationally secure until the fresh pads are used up and "
            + "the first key block has replaced the hash key. Needs pqPeerPublicKey and the fallback at both ends")
    boolean pqFallback() default false;

    @AttributeDefinition(description = "The peer's ML-DSA-65 public key, base64 X.509 SubjectPublicKeyInfo, as the peer "
            + "logs it at start (\"post-quantum identity ... public key ...\"). This end's own key is generated on "
            + "first start and stored encrypted in stateDir")
    String pqPeerPublicKey() default "";

    @AttributeDefinition(description = "With pqFallback: re-bootstrap post-quantum at the next connection when this end "
            + "has had no working classical channel for longer than this many seconds, even with pads left; 0 = only "
            + "when the pads are exhausted")
    long pqAfterDownSeconds() default 0;

    @AttributeDefinition(description = "With pqFallback: pads per direction of a post-quantum bootstrap (at least 4); "
            + "fewer pads = a shorter window of computational-only authentication (about pqPads/2 key rounds)")
    int pqPads() default 64;

    // --- optics
    @AttributeDefinition(description = "Wavelength, nm")
    double wavelengthNm() default 1550;

    @AttributeDefinition(description = "Link distance, m")
    double distanceM() default 300;

    @AttributeDefinition(description = "Transmit beam diameter D_T, m")
    double txApertureM() default 0.01;

    @AttributeDefinition(description = "Receive aperture diameter D_R, m")
    double rxApertureM() default 0.05;

    @AttributeDefinition(description = "Full beam divergence, rad")
    double divergenceRad() default 1e-3;

    @AttributeDefinition(description = "RMS pointing jitter, rad")
    double pointingJitterRad() default 20e-6;

    @AttributeDefinition(description = "Receiver full field of view, rad")
    double rxFieldOfViewRad() default 100e-6;

    @AttributeDefinition(description = "Receiver optics and coupling efficiency, 0..1")
    double rxOpticsEfficiency() default 0.7;

    @AttributeDefinition(description = "Spectral filter bandwidth, nm")
    double filterBandwidthNm() default 1.0;

    @AttributeDefinition(description = "Clear-sky day-time spectral radiance at the wavelength, W/(m² sr nm)")
    double skyRadianceDay() default 1.5e-3;

    @AttributeDefinition(description = "Night sky radiance relative to day (urban light pollution)")
    double nightSkyFactor() default 1e-3;

    // --- detector
    @AttributeDefinition(description = "Detector efficiency, 0..1")
    double detectorEfficiency() default 0.25;

    @AttributeDefinition(description = "Dark count rate per detector, counts/s")
    double darkCountRateHz() default 500;

    @AttributeDefinition(description = "Gate / coincidence window, ns")
    double coincidenceWindowNs() default 0.5;

    @AttributeDefinition(description = "Detector dead time (hold-off), ns")
    double deadTimeNs() default 1000;

    @AttributeDefinition(description = "Misalignment error e_det, 0..0.5")
    double misalignment() default 0.01;

    // --- source
    @AttributeDefinition(description = "Source pulse rate, Hz")
    double sourceRateHz() default 1e9;

    @AttributeDefinition(description = "Signal mean photon number mu")
    double mu() default 0.5;

    @AttributeDefinition(description = "Weak decoy mean photon number nu")
    double nu() default 0.1;

    @AttributeDefinition(description = "Probability of a signal pulse")
    double pMu() default 0.8;

    @AttributeDefinition(description = "Probability of a weak decoy pulse (the rest are vacuum)")
    double pNu() default 0.15;

    @AttributeDefinition(description = "Alice's probability of the Z basis")
    double aliceZ() default 0.5;

    @AttributeDefinition(description = "Bob's probability of the Z basis")
    double bobZ() default 0.5;

    @AttributeDefinition(description = "Turbulence coherence time, ms (one fading sample per batch of this length)")
    double coherenceTimeMs() default 1.0;

    // --- conditions (applied at runtime without reconnecting)
    @AttributeDefinition(description = "Weather on the path")
    Weather weather() default Weather.CLEAR;

    @AttributeDefinition(description = "Daylight (sky background and turbulence by day)")
    boolean daylight() default false;

    @AttributeDefinition(description = "Eve: fraction of arriving pulses intercepted and resent, 0..1")
    double eveInterceptFraction() default 0;

    @AttributeDefinition(description = "Eve: photon-number-splitting attack on multi-photon pulses")
    boolean evePhotonNumberSplitting() default false;

    @AttributeDefinition(description = "Eve: extra light shone into Bob's receiver, detected counts/s (denial of service)")
    double eveFloodCps() default 0;

    @AttributeDefinition(description = "Eve: fraction of time the beam is blocked, 0..1 (denial of service)")
    double eveBlockFraction() default 0;

    // --- protocol
    @AttributeDefinition(description = "QBER above which a round is aborted, 0..0.5")
    double abortQber() default 0.10;

    @AttributeDefinition(description = "Simulated seconds of pulses per round (one key block per round)")
    double roundSeconds() default 1.0;

    @AttributeDefinition(description = "Share of signal sifted bits Bob reveals for the QBER estimate, (0..1)")
    double sampleFraction() default 0.1;

    @AttributeDefinition(description = "Output length from the finite-key bound of Lim et al. 2014 (key from the Z basis "
            + "over all intensities, X basis disclosed whole) instead of 10-sigma margins; needs about 10 simulated s "
            + "per round at 300 m (set at Alice, announced to Bob)")
    boolean finiteKey() default false;

    @AttributeDefinition(description = "Simulated seconds per wall-clock second; 0 runs as fast as the CPU allows")
    double speed() default 1.0;

    @AttributeDefinition(description = "Pacing epoch (runtime): a new value makes a running Alice pace from now on, "
            + "dropping the rounds she is behind her pacing so far (the city demo sets it when its story starts, so "
            + "the start-up's backlog does not count as lag)")
    long paceEpoch() default 0;

    @AttributeDefinition(description = "Pacing hold (runtime): simulated seconds Alice's rounds wait behind her pacing "
            + "(the city demo holds its clock for a slower link and the others wait for it); 0 = none")
    double paceHoldSeconds() default 0;

    @AttributeDefinition(description = "Seed of the simulation's random numbers; 0 draws one from SecureRandom")
    long seed() default 0;
}
