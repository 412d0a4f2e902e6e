package org.qkdv2i.v2x.itsg5.internal.stack;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.DenmEvent;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.MessageKind;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.adapter.ReceivedMessage;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.SecurityInfo;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.v2x.api.message.AccelerationSet4Way;
import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.Acceleration;
import org.qkdv2i.v2x.api.message.Altitude;
import org.qkdv2i.v2x.api.message.BasicContainer;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerHighFrequency;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerLowFrequency;
import org.qkdv2i.v2x.api.message.BrakeSystemStatus;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.BsmCoreData;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.Curvature;
import org.qkdv2i.v2x.api.message.CurvatureCalculationMode;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.api.message.DriveDirection;
import org.qkdv2i.v2x.api.message.ExteriorLights;
import org.qkdv2i.v2x.api.message.Heading;
import org.qkdv2i.v2x.api.message.HighFrequencyContainer;
import org.qkdv2i.v2x.api.message.ItsPduHeader;
import org.qkdv2i.v2x.api.message.LocationContainer;
import org.qkdv2i.v2x.api.message.ManagementContainer;
import org.qkdv2i.v2x.api.message.PosConfidenceEllipse;
import org.qkdv2i.v2x.api.message.PositionalAccuracy;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.RsuContainerHighFrequency;
import org.qkdv2i.v2x.api.message.SituationContainer;
import org.qkdv2i.v2x.api.message.Speed;
import org.qkdv2i.v2x.api.message.Termination;
import org.qkdv2i.v2x.api.message.TransmissionState;
import org.qkdv2i.v2x.api.message.VehicleLength;
import org.qkdv2i.v2x.api.message.VehicleRole;
import org.qkdv2i.v2x.api.message.VehicleSize;
import org.qkdv2i.v2x.api.message.YawRate;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.Radio;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.BsmCodec;
import org.qkdv2i.v2x.codec.CamCodec;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.DenmCodec;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.net.BtpCodec;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GeoArea;
import org.qkdv2i.v2x.codec.net.GeoNetworkingCodec;
import org.qkdv2i.v2x.codec.net.GnAddress;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.TrafficClass;
import org.qkdv2i.v2x.codec.net.WsmpCodec;
import org.qkdv2i.v2x.codec.net.WsmpPacket;
import org.qkdv2i.v2x.codec.security.GenerationLocation;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.PskKeyring;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upper layers of a V2X stack, shared by the ITS-G5 and the PC5 bundles (the PC5 bundle
 * carries a private copy of this package, see its README): CA basic service (EN 302 637-2), DEN
 * basic service (EN 302 637-3), the BSM (SAE J2735 / J2945/1), BTP and GeoNetworking or WSMP,
 * and IEEE 1609.2 / ETSI TS 103 097 security; below it a {@link LinkFraming}. Time comes from the
 * injected clock and {@link #tick()} is called by whoever schedules (the component: every
 * T_CheckCamGen; tests: by hand), so nothing here sleeps or owns a thread. Thread-safe.
 */
public final class V2xEngine implements V2xStack, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(V2xEngine.class);
    /** GeoNetworking traffic class IDs (DCC profiles DP0..DP3, TS 102 636-4-2) per message kind. */
    static final int TC_DENM = 0;
    static final int TC_BSM = 1;
    static final int TC_CAM = 2;
    /** TS 103 097 §7.1.1: a CAM carries the full certificate once per second, else the digest. */
    private static final Duration CERTIFICATE_INTERVAL = Duration.ofSeconds(1);
    private static final int DENM_TABLE_SIZE = 4096;

    private final StackConfig config;
    private final LinkFraming framing;
    private final Clock clock;
    private final SigningCredential credential;
    private final TrustStore trust;
    private final CamCodec cams = V2xCodecs.cam();
    private final DenmCodec denms = V2xCodecs.denm();
    private final BsmCodec bsms = V2xCodecs.bsm();
    private final GeoNetworkingCodec gn = NetCodecs.geoNetworking();
    private final BtpCodec btp = NetCodecs.btp();
    private final WsmpCodec wsmp = NetCodecs.wsmp();
    /** This stack's own codec (certificate verdicts, keys); in a framework it shares v2x.codec's verdict memo. */
    private final Ieee1609Dot2Codec security;
    private final PskKeyring<ProtectedChannel> keyring = new PskKeyring<>();
    /** The keyring's HashedId8s, for a look at a received EncryptedData's recipients before any decoding. */
    private final Set<HashedId8> pskIds = ConcurrentHashMap.newKeySet();
    private final List<ListenerEntry> listeners = new CopyOnWriteArrayList<>();
    private final RateLimitedLog dropLog;
    private final RateLimitedLog listenerLog;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, LongAdder> refusedBy = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong outsideArea = new AtomicLong();

    private final Object radioLock = new Object();
    private volatile Radio radio;
    private RadioSubscription subscription;
    private volatile StationStateProvider stateProvider;

    // generator state, guarded by "this"
    private final CamGenerationRules camRules;
    private final Map<ActionId, OriginatedEvent> originated = new LinkedHashMap<>();
    private Instant lastBsm;
    private int bsmCount;
    private int denmSequence;
    private int gnSequence;
    private Instant lastCertificateSigned;
    private boolean warnedNoState;
    /**
     * Epoch ms before which a tick has nothing to do (no DENM to repeat, no CAM/BSM possible);
     * {@link Long#MIN_VALUE}: check at the next tick. Written under "this", read without a lock by
     * the tick's fast path.
     */
    private volatile long nothingDueBefore = Long.MIN_VALUE;

    /** EN 302 637-3 §8.3 receiving table: actionID → latest referenceTime seen. */
    private final Map<ActionId, Long> denmTable = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ActionId, Long> eldest) {
            return size() > DENM_TABLE_SIZE;
        }
    };

    /**
     * @param credential the authorization ticket that signs, or {@code null} (then signing is refused)
     * @param trust roots and authorities that received signatures must chain to
     */
    public V2xEngine(StackConfig config, LinkFraming framing, Clock clock, SigningCredential credential,
            TrustStore trust) {
        this(config, framing, clock, credential, trust, Ieee1609Dot2Codecs.create());
    }

    /**
     * @param security this stack's IEEE 1609.2 codec (in a framework: its instance of v2x.codec's
     *     prototype-scoped service, which shares the framework's verdict memo)
     */
    public V2xEngine(StackConfig config, LinkFraming framing, Clock clock, SigningCredential credential,
            TrustStore trust, Ieee1609Dot2Codec security) {
        this.security = Objects.requireNonNull(security, "security");
        this.config = Objects.requireNonNull(config, "config");
        this.framing = Objects.requireNonNull(framing, "framing");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.credential = credential;
        this.trust = Objects.requireNonNull(trust, "trust");
        this.camRules = new CamGenerationRules(config.camMin(), config.camMax(), config.lowFrequencyInterval(),
                config.isRsu());
        this.dropLog = new RateLimitedLog(LOG, clock, Duration.ofSeconds(1));
        this.listenerLog = new RateLimitedLog(LOG, clock, Duration.ofSeconds(1));
        if (config.signGenerated() && credential == null) {
            throw new IllegalArgumentException("stack " + config.stackId() + ": signing needs a credential");
        }
    }

    // ---------------------------------------------------------------- bindings

    /** Binds the radio (replacing any other) and subscribes to its frames. */
    public void setRadio(Radio r) {
        synchronized (radioLock) {
            closeSubscription();
            radio = r;
            if (r != null) {
                if (r.technology() != framing.technology()) {
                    LOG.warn("stack {}: radio {} is {}, this stack needs {}; not used", config.stackId(), r.radioId(),
                            r.technology(), framing.technology());
                    radio = null;
                    return;
                }
                subscription = r.subscribe(this::receive);
                LOG.info("stack {}: radio {} bound ({}, {})", config.stackId(), r.radioId(), r.technology(),
                        r.address());
            }
        }
    }

    /** Drops {@code r} if it is the bound radio. */
    public void unsetRadio(Radio r) {
        synchronized (radioLock) {
            if (radio == r) {
                closeSubscription();
                radio = null;
                LOG.info("stack {}: radio {} gone", config.stackId(), r.radioId());
            }
        }
    }

    private void closeSubscription() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    public void setStateProvider(StationStateProvider p) {
        stateProvider = p;
        nothingDueBefore = Long.MIN_VALUE;
    }

    public void unsetStateProvider(StationStateProvider p) {
        if (stateProvider == p) {
            stateProvider = null;
        }
    }

    /**
     * @param stacks the listener's {@code v2x.stack} filter, or {@code null} for all stacks
     * @param kinds its {@code v2x.kinds} filter, or {@code null} for all kinds
     */
    public void addListener(V2xMessageListener l, Set<String> stacks, Set<MessageKind> kinds) {
        listeners.add(new ListenerEntry(l, stacks, kinds));
    }

    public void removeListener(V2xMessageListener l) {
        listeners.removeIf(e -> e.listener == l);
    }

    @Override
    public void close() {
        synchronized (radioLock) {
            closeSubscription();
            radio = null;
        }
        listeners.clear();
    }

    // ---------------------------------------------------------------- V2xStack

    @Override
    public String stackId() {
        return config.stackId();
    }

    @Override
    public Profile profile() {
        return config.profile();
    }

    @Override
    public RadioTechnology technology() {
        return framing.technology();
    }

    private Map<String, Long> refusedBy() {
        Map<String, Long> m = new TreeMap<>();
        refusedBy.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public StackStatistics statistics() {
        return new StackStatistics(sent.get(), sendFailures.get(), received.get(), delivered.get(), malformed.get(),
                refused.get(), duplicates.get(), outsideArea.get(), refusedBy());
    }

    @Override
    public void sendCam(Cam cam, Security sec) throws IOException {
        requireProfile(Profile.EU, "CAM");
        sendBtpShb(BtpPacket.PORT_CAM, cams.encode(cam), TC_CAM, sec, Psid.CAM);
    }

    @Override
    public void sendBsm(Bsm bsm, Security sec) throws IOException {
        requireProfile(Profile.US, "BSM");
        sendWsm(WsmpPacket.PSID_BSM, bsms.encode(bsm), TC_BSM, sec, Psid.BSM);
    }

    @Override
    public void sendPayload(long serviceId, byte[] payload, int priority, Security sec) throws IOException {
        Objects.requireNonNull(payload, "payload");
        if (priority < 0 || priority > 3) {
            throw new IllegalArgumentException("priority " + priority + " outside 0..3");
        }
        if (config.profile() == Profile.EU) {
            if (serviceId < 0 || serviceId > 65535) {
                throw new IllegalArgumentException("BTP port " + serviceId + " outside 0..65535");
            }
            Long psid = sec instanceof Security.Signed s ? s.psid() : null;
            if (sec instanceof Security.Signed && psid == null) {
                throw new IllegalArgumentException("a signed payload needs Security.signed(psid)");
            }
            sendBtpShb((int) serviceId, payload, priority, sec, psid == null ? 0 : psid);
        } else {
            if (serviceId < 0 || serviceId > WsmpPacket.MAX_PSID) {
                throw new IllegalArgumentException("PSID " + serviceId + " outside 0..0x1020407F");
            }
            sendWsm(serviceId, payload, priority, sec, serviceId);
        }
    }

    @Override
    public AutoCloseable registerPsk(byte[] psk16, ProtectedChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (psk16 == null || psk16.length != 16) {
            throw new IllegalArgumentException("an AES-128-CCM PSK has 16 octets");
        }
        HashedId8 id = keyring.register(psk16, channel);
        pskIds.add(id);
        LOG.info("stack {}: PSK {} registered", config.stackId(), id);
        return () -> {
            pskIds.remove(id);
            keyring.unregister(id);
            LOG.info("stack {}: PSK {} unregistered", config.stackId(), id);
        };
    }

    @Override
    public synchronized DenmEvent triggerDenm(DenmRequest request, Security sec) throws IOException {
        requireProfile(Profile.EU, "DENM");
        Instant now = clock.instant();
        // EN 302 637-3 §8.1.2: a new actionID (own station ID, next sequence number)
        ActionId id = new ActionId(config.stationId(), denmSequence);
        denmSequence = (denmSequence + 1) & 0xFFFF;
        OriginatedEvent e = new OriginatedEvent(id, sec, itsMillis(now));
        originated.put(id, e);
        nothingDueBefore = Long.MIN_VALUE; // repetitions are checked at every tick from now on
        e.start(request, now);
        return e;
    }

    @Override
    public void negateDenm(ActionId actionId, DenmRequest request, Security sec) throws IOException {
        requireProfile(Profile.EU, "DENM");
        Instant now = clock.instant();
        long t = itsMillis(now);
        // §8.1.4: negation carries the other station's actionID and termination isNegation
        sendDenm(buildDenm(actionId, request, t, t, Termination.IS_NEGATION, now), request, sec);
    }

    private void requireProfile(Profile p, String what) {
        if (config.profile() != p) {
            throw new IllegalStateException("stack " + config.stackId() + " is " + config.profile() + "; a " + what
                    + " needs a " + p + " stack");
        }
    }

    // ---------------------------------------------------------------- generation

    /**
     * One check (T_CheckCamGen): generates the CAM or BSM that is due and repeats due DENMs. Never
     * throws; a failed send is counted and logged.
     */
    public void tick() {
        // the fast path of most ticks at city scale: nothing can be due yet (one clock read, one
        // volatile read, no allocation, no lock, no station state)
        long nowMillis = clock.millis();
        if (nowMillis < nothingDueBefore) {
            return;
        }
        Instant now = clock.instant();
        try {
            synchronized (this) {
                nothingDueBefore = Long.MIN_VALUE;
                repeatDenms(now);
                if (config.generate()) {
                    StationState state = currentState();
                    if (state == null) {
                        if (!warnedNoState) {
                            warnedNoState = true;
                            LOG.info("stack {}: no station state yet; not generating {}", config.stackId(),
                                    config.profile() == Profile.EU ? "CAMs" : "BSMs");
                        }
                    } else {
                        warnedNoState = false;
                        if (config.profile() == Profile.EU) {
                            CamGenerationRules.Decision d = camRules.check(now, state);
                            if (d.generate()) {
                                sendBtpShb(BtpPacket.PORT_CAM, cams.encode(buildCam(state, now, d.lowFrequency())),
                                        TC_CAM, generatedSecurity(), Psid.CAM);
                            }
                        } else if (lastBsm == null
                                || Duration.between(lastBsm, now).compareTo(config.bsmInterval()) >= 0) {
                            lastBsm = now;
                            Bsm bsm = buildBsm(state, now, bsmCount);
                            bsmCount = (bsmCount + 1) % 128; // J2735 MsgCount 0..127 wraps
                            sendWsm(WsmpPacket.PSID_BSM, bsms.encode(bsm), TC_BSM, generatedSecurity(), Psid.BSM);
                        }
                    }
                }
                nothingDueBefore = nextCheckMillis();
            }
        } catch (IOException e) {
            dropLog.log("stack " + config.stackId() + ": send failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("stack {}: generation failed: {}", config.stackId(), e.toString());
        }
    }

    /** When the next tick may have work: see {@link #nothingDueBefore}. Caller holds the lock. */
    private long nextCheckMillis() {
        if (!originated.isEmpty()) {
            return Long.MIN_VALUE;
        }
        if (!config.generate()) {
            return Long.MAX_VALUE; // only DENMs, which reset this when triggered
        }
        if (config.profile() == Profile.EU) {
            return camRules.earliestNextMillis();
        }
        return lastBsm == null ? Long.MIN_VALUE : lastBsm.toEpochMilli() + config.bsmInterval().toMillis();
    }

    /** The T_GenCam now in force (for tests and diagnostics). */
    public synchronized Duration currentTGenCam() {
        return camRules.currentTGenCam();
    }

    private Security generatedSecurity() {
        return config.signGenerated() ? Security.signed() : Security.unsecured();
    }

    private StationState currentState() {
        StationStateProvider p = stateProvider;
        if (p == null) {
            return null;
        }
        try {
            return p.stationState();
        } catch (RuntimeException e) {
            LOG.warn("stack {}: station state provider failed: {}", config.stackId(), e.toString());
            return null;
        }
    }

    Cam buildCam(StationState s, Instant now, boolean lowFrequency) {
        ReferencePosition pos = new ReferencePosition(s.latitude(), s.longitude(), PosConfidenceEllipse.UNAVAILABLE,
                Altitude.UNAVAILABLE);
        HighFrequencyContainer hf;
        if (config.isRsu()) {
            hf = new RsuContainerHighFrequency(List.of());
        } else {
            hf = BasicVehicleContainerHighFrequency.of(
                    new Heading(Math.min(s.heading(), Heading.VALUE_UNAVAILABLE), Heading.CONFIDENCE_UNAVAILABLE),
                    new Speed(s.speed(), Speed.CONFIDENCE_UNAVAILABLE), DriveDirection.UNAVAILABLE,
                    new VehicleLength(VehicleLength.VALUE_UNAVAILABLE, VehicleLength.CONFIDENCE_UNAVAILABLE), 62,
                    Acceleration.UNAVAILABLE, new Curvature(Curvature.VALUE_UNAVAILABLE, Curvature.CONFIDENCE_UNAVAILABLE),
                    CurvatureCalculationMode.UNAVAILABLE, new YawRate(YawRate.VALUE_UNAVAILABLE,
                            YawRate.CONFIDENCE_UNAVAILABLE));
        }
        BasicVehicleContainerLowFrequency lf = lowFrequency
                ? new BasicVehicleContainerLowFrequency(VehicleRole.DEFAULT, ExteriorLights.NONE, List.of())
                : null;
        return new Cam(ItsPduHeader.cam(config.stationId()), Cam.generationDeltaTimeOf(itsMillis(now)),
                new BasicContainer(config.stationType(), pos), hf, lf);
    }

    Bsm buildBsm(StationState s, Instant now, int msgCnt) {
        long id = config.stationId();
        byte[] tempId = {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        int secMark = (int) (now.toEpochMilli() % 60_000); // J2735 DSecond: ms within the minute
        int speed = s.speed() >= 16383 ? 8191 : Math.min(8190, (s.speed() + 1) / 2); // 0.02 m/s units
        int heading = s.heading() > 3599 ? 28800 : s.heading() * 8; // 0.0125 degree units
        int lon = Math.max(-1_799_999_999, s.longitude());
        return Bsm.of(new BsmCoreData(msgCnt, tempId, secMark, s.latitude(), lon, -4096, PositionalAccuracy.UNAVAILABLE,
                TransmissionState.UNAVAILABLE, speed, heading, 127, AccelerationSet4Way.UNAVAILABLE,
                BrakeSystemStatus.UNAVAILABLE, new VehicleSize(0, 0)));
    }

    // ---------------------------------------------------------------- DENM (EN 302 637-3 §8)

    private Denm buildDenm(ActionId id, DenmRequest r, long detection, long reference, Termination termination,
            Instant now) {
        ReferencePosition pos = eventPosition(r, now);
        boolean repeating = r.repetitionInterval() != null;
        ManagementContainer m = new ManagementContainer(id, detection, reference, termination, pos,
                r.relevanceDistance(), null, (int) r.validity().toSeconds(),
                repeating ? (int) r.repetitionInterval().toMillis() : null, config.stationType());
        if (termination != null) {
            // a termination DENM carries the management container only (§7.1)
            return new Denm(ItsPduHeader.denm(config.stationId()), m, null, null);
        }
        return new Denm(ItsPduHeader.denm(config.stationId()), m,
                SituationContainer.of(r.informationQuality(), r.eventType()), LocationContainer.minimal());
    }

    private ReferencePosition eventPosition(DenmRequest r, Instant now) {
        if (r.eventPosition() != null) {
            return r.eventPosition();
        }
        StationState s = currentState();
        if (s == null) {
            throw new IllegalStateException("stack " + config.stackId()
                    + ": the DENM has no event position and the station state is unknown");
        }
        return new ReferencePosition(s.latitude(), s.longitude(), PosConfidenceEllipse.UNAVAILABLE, Altitude.UNAVAILABLE);
    }

    private void sendDenm(Denm d, DenmRequest r, Security sec) throws IOException {
        ReferencePosition pos = d.management().eventPosition();
        GeoArea area = GeoArea.circle(pos.latitude(), pos.longitude(), r.destinationRadiusMetres());
        sendBtp(BtpPacket.PORT_DENM, denms.encode(d), TC_DENM, sec, Psid.DENM, area);
    }

    private void repeatDenms(Instant now) {
        var it = originated.values().iterator();
        while (it.hasNext()) {
            OriginatedEvent e = it.next();
            if (!e.active || !now.isBefore(e.validUntil)) {
                e.active = false;
                it.remove();
                continue;
            }
            if (e.nextRepetition != null && !now.isBefore(e.nextRepetition)) {
                if (now.isBefore(e.repetitionEnd)) {
                    try {
                        sendDenm(e.current, e.request, e.security);
                    } catch (IOException | RuntimeException ex) {
                        dropLog.log("stack " + config.stackId() + ": DENM " + e.id + " repetition failed: " + ex.getMessage());
                    }
                    e.nextRepetition = e.nextRepetition.plus(e.request.repetitionInterval());
                } else {
                    e.nextRepetition = null;
                }
            }
        }
    }

    private final class OriginatedEvent implements DenmEvent {
        final ActionId id;
        final Security security;
        final long detectionTime;
        DenmRequest request;
        Denm current;
        Instant validUntil;
        Instant nextRepetition;
        Instant repetitionEnd;
        boolean active = true;

        OriginatedEvent(ActionId id, Security security, long detectionTime) {
            this.id = id;
            this.security = security;
            this.detectionTime = detectionTime;
        }

        /** Trigger or update: new referenceTime, send now, schedule repetitions. Caller holds the engine lock. */
        void start(DenmRequest r, Instant now) throws IOException {
            request = r;
            current = buildDenm(id, r, detectionTime, itsMillis(now), null, now);
            validUntil = now.plus(r.validity());
            if (r.repetitionInterval() != null) {
                nextRepetition = now.plus(r.repetitionInterval());
                repetitionEnd = now.plus(r.repetitionDuration());
            } else {
                nextRepetition = null;
            }
            sendDenm(current, r, security);
        }

        @Override
        public ActionId actionId() {
            return id;
        }

        @Override
        public void update(DenmRequest r) throws IOException {
            synchronized (V2xEngine.this) {
                if (!active) {
                    throw new IllegalStateException("DENM " + id + " is no longer active");
                }
                start(r, clock.instant());
            }
        }

        @Override
        public void cancel() throws IOException {
            synchronized (V2xEngine.this) {
                if (!active) {
                    return;
                }
                active = false;
                originated.remove(id);
                Instant now = clock.instant();
                sendDenm(buildDenm(id, request, detectionTime, itsMillis(now), Termination.IS_CANCELLATION, now),
                        request, security);
            }
        }

        @Override
        public boolean isActive() {
            synchronized (V2xEngine.this) {
                return active && clock.instant().isBefore(validUntil);
            }
        }
    }

    // ---------------------------------------------------------------- send path

    private void sendBtpShb(int port, byte[] message, int tc, Security sec, long psid) throws IOException {
        sendBtp(port, message, tc, sec, psid, null);
    }

    /** BTP-B → GeoNetworking SHB ({@code area == null}) or GBC → security → link. */
    private void sendBtp(int port, byte[] message, int tc, Security sec, long psid, GeoArea area) throws IOException {
        Radio r = requireRadio();
        Instant now = clock.instant();
        StationState s = currentState();
        if (s == null) {
            // no kinematics known (e.g. a DENM at a given position from a station without a provider)
            int lat = area != null ? area.latitude() : 0;
            int lon = area != null ? area.longitude() : 0;
            s = new StationState(config.stationId(), config.stationType(), lat, lon, false, 0, 3601, now);
        } else {
            s = new StationState(s.stationId(), s.stationType(), s.latitude(), s.longitude(), s.positionAccurate(),
                    s.speed(), s.heading(), now);
        }
        LongPositionVector so = LongPositionVector.of(GnAddress.of(config.stationType(), r.address().value()), s);
        byte[] btpBytes = btp.encode(BtpPacket.b(port, message));
        boolean mobile = !config.isRsu();
        GnPacket packet;
        if (area == null) {
            packet = GnPacket.unsecured(GnLifetime.DEFAULT, 1, new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B,
                    new TrafficClass(false, false, tc), mobile, 1), new GnExtendedHeader.SingleHopBroadcast(so), btpBytes);
        } else {
            int hops = config.gbcHopLimit();
            int sn;
            synchronized (this) {
                sn = gnSequence;
                gnSequence = (gnSequence + 1) & 0xFFFF;
            }
            packet = GnPacket.unsecured(GnLifetime.DEFAULT, hops, new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B,
                    new TrafficClass(false, false, tc), mobile, hops), new GnExtendedHeader.GeoBroadcast(sn, so, area),
                    btpBytes);
        }
        byte[] pdu = gn.encode(packet);
        if (!(sec instanceof Security.Unsecured)) {
            // TS 103 097 §7.1 / EN 302 636-4-1 §9.6: the basic header stays outside; what is
            // secured is the common header onwards
            byte[] inner = java.util.Arrays.copyOfRange(pdu, 4, pdu.length);
            GenerationLocation location = area == null ? null : new GenerationLocation(s.latitude(), s.longitude(), 0);
            byte[] secured = protect(sec, inner, psid, port == BtpPacket.PORT_CAM, location, now);
            pdu = gn.encode(GnPacket.secured(packet.lifetime(), packet.remainingHopLimit(), secured));
        }
        transmit(r, LinkFraming.Network.GEONETWORKING, pdu, tc);
    }

    /** IEEE 1609.2 data → WSMP → link. US WSMs always carry an Ieee1609Dot2Data (unsecuredData when unsecured). */
    private void sendWsm(long psid, byte[] message, int tc, Security sec, long signPsid) throws IOException {
        Radio r = requireRadio();
        byte[] data = sec instanceof Security.Unsecured ? security.encodeUnsecured(message)
                : protect(sec, message, signPsid, psid == WsmpPacket.PSID_BSM, null, clock.instant());
        transmit(r, LinkFraming.Network.WSMP, wsmp.encode(WsmpPacket.of(psid, data)), tc);
    }

    private byte[] protect(Security sec, byte[] inner, long defaultPsid, boolean digestAllowed, GenerationLocation loc,
            Instant now) {
        if (sec instanceof Security.Psk p) {
            return p.channel().protect(inner);
        }
        Security.Signed signed = (Security.Signed) sec;
        if (credential == null) {
            throw new IllegalStateException("stack " + config.stackId() + " has no signing credential configured");
        }
        long psid = signed.psid() != null ? signed.psid() : defaultPsid;
        SignerKind kind = SignerKind.CERTIFICATE;
        if (digestAllowed) {
            synchronized (this) {
                // TS 103 097 §7.1.1: the certificate once per second, the digest in between
                if (lastCertificateSigned != null
                        && Duration.between(lastCertificateSigned, now).compareTo(CERTIFICATE_INTERVAL) < 0) {
                    kind = SignerKind.DIGEST;
                } else {
                    lastCertificateSigned = now;
                }
            }
        }
        return security.sign(new SignRequest(psid, inner, now, loc, kind), credential);
    }

    private Radio requireRadio() throws IOException {
        Radio r = radio;
        if (r == null) {
            sendFailures.incrementAndGet();
            throw new IOException("stack " + config.stackId() + " has no radio");
        }
        return r;
    }

    private void transmit(Radio r, LinkFraming.Network network, byte[] pdu, int tc) throws IOException {
        try {
            r.send(framing.frame(r.address(), network, pdu, tc));
            sent.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            sendFailures.incrementAndGet();
            throw e instanceof IOException io ? io : new IOException("radio " + r.radioId() + " refused the frame: "
                    + e.getMessage(), e);
        }
    }

    private static long itsMillis(Instant t) {
        return ManagementContainer.timestampItsOfUnixMillis(t.toEpochMilli());
    }

    // ---------------------------------------------------------------- receive path

    /** A frame from the radio: decode, check security, decode the message, deliver. Never throws. */
    public void receive(RadioFrame frame) {
        received.incrementAndGet();
        try {
            LinkFraming.Unframed u = framing.unframe(frame);
            if (u.error() != null) {
                drop(frame, u.error(), null);
                return;
            }
            if (u.network() == LinkFraming.Network.GEONETWORKING) {
                if (config.profile() != Profile.EU) {
                    drop(frame, "GeoNetworking on a US stack", null);
                    return;
                }
                receiveGn(frame, u.pdu());
            } else {
                if (config.profile() != Profile.US) {
                    drop(frame, "WSMP on an EU stack", null);
                    return;
                }
                receiveWsm(frame, u.pdu());
            }
        } catch (RuntimeException e) {
            // a defect, not hostile input (decoders return typed errors): still never thrown at the radio
            drop(frame, "internal error " + e, null);
        }
    }

    /** Verified inner octets with their security info, or a refusal. */
    private record Opened(byte[] payload, SecurityInfo info, String refusal, String refusedAs) {
    }

    private void receiveGn(RadioFrame frame, byte[] pdu) {
        DecodeResult<GnPacket> outer = gn.decodeLinkPayload(pdu);
        if (!outer.isOk()) {
            drop(frame, "GeoNetworking: " + outer.error(), null);
            return;
        }
        GnPacket p = outer.value();
        SecurityInfo info = SecurityInfo.UNSECURED;
        if (p.isSecured()) {
            Opened o = open(p.payload());
            if (o.refusal != null) {
                drop(frame, o.refusal, o.refusedAs);
                return;
            }
            info = o.info;
            // rebuild the unsecured packet: the basic header (outside) + the secured common header onwards
            byte[] inner = o.payload;
            byte[] whole = new byte[4 + inner.length];
            whole[0] = (byte) (GnPacket.VERSION << 4 | 1);
            whole[2] = (byte) p.lifetime().octet();
            whole[3] = (byte) p.remainingHopLimit();
            System.arraycopy(inner, 0, whole, 4, inner.length);
            DecodeResult<GnPacket> in = gn.decode(whole);
            if (!in.isOk()) {
                drop(frame, "secured GeoNetworking payload: " + in.error(), null);
                return;
            }
            p = in.value();
        } else if (!config.acceptUnsecured()) {
            drop(frame, "unsecured GeoNetworking packet refused by configuration", StackStatistics.UNSECURED);
            return;
        }
        GnCommonHeader.NextHeader nh = p.common().nextHeader();
        if (nh != GnCommonHeader.NextHeader.BTP_B && nh != GnCommonHeader.NextHeader.BTP_A) {
            drop(frame, "GeoNetworking next header " + nh + " not handled", null);
            return;
        }
        if (p.extended() instanceof GnExtendedHeader.GeoBroadcast g && !insideOrUnknown(g.area())) {
            // EN 302 636-4-1 §10.3.11.3: a GBC packet goes to the upper layer only inside its area
            outsideArea.incrementAndGet();
            return;
        }
        DecodeResult<BtpPacket> b = btp.decode(p);
        if (!b.isOk()) {
            drop(frame, "BTP: " + b.error(), null);
            return;
        }
        BtpPacket bp = b.value();
        int port = bp.destinationPort();
        V2xContent content;
        long expectedPsid;
        if (port == BtpPacket.PORT_CAM) {
            DecodeResult<Cam> c = cams.decode(bp.payload());
            if (!c.isOk()) {
                drop(frame, "CAM: " + c.error(), null);
                return;
            }
            content = new V2xContent.CamContent(c.value());
            expectedPsid = Psid.CAM;
        } else if (port == BtpPacket.PORT_DENM) {
            DecodeResult<Denm> d = denms.decode(bp.payload());
            if (!d.isOk()) {
                drop(frame, "DENM: " + d.error(), null);
                return;
            }
            content = new V2xContent.DenmContent(d.value());
            expectedPsid = Psid.DENM;
        } else {
            content = new V2xContent.Payload(port, bp.payload());
            expectedPsid = -1;
        }
        if (info.psid() != null && expectedPsid >= 0 && info.psid() != expectedPsid) {
            // TS 103 097 §7.1: a CAM must be signed for the CA service, a DENM for the DEN service
            drop(frame, "psid " + info.psid() + " does not match BTP port " + port, StackStatistics.PSID_MISMATCH);
            return;
        }
        if (content instanceof V2xContent.DenmContent dc && !isNewDenm(dc.denm())) {
            duplicates.incrementAndGet();
            return;
        }
        deliver(frame, content, info);
    }

    private void receiveWsm(RadioFrame frame, byte[] pdu) {
        DecodeResult<WsmpPacket> w = wsmp.decodeLinkPayload(pdu);
        if (!w.isOk()) {
            drop(frame, "WSMP: " + w.error(), null);
            return;
        }
        WsmpPacket packet = w.value();
        Opened o = open(packet.data());
        if (o.refusal != null) {
            drop(frame, o.refusal, o.refusedAs);
            return;
        }
        if (o.info.protection() == Protection.UNSECURED && !config.acceptUnsecured()) {
            drop(frame, "unsecured WSM refused by configuration", StackStatistics.UNSECURED);
            return;
        }
        if (o.info.psid() != null && o.info.psid() != packet.psid()) {
            drop(frame, "signed psid " + o.info.psid() + " does not match WSMP PSID " + packet.psid(),
                    StackStatistics.PSID_MISMATCH);
            return;
        }
        V2xContent content;
        if (packet.psid() == WsmpPacket.PSID_BSM) {
            DecodeResult<Bsm> b = bsms.decode(o.payload);
            if (!b.isOk()) {
                drop(frame, "BSM: " + b.error(), null);
                return;
            }
            content = new V2xContent.BsmContent(b.value());
        } else {
            content = new V2xContent.Payload(packet.psid(), o.payload);
        }
        deliver(frame, content, o.info);
    }

    /** Decodes an {@code Ieee1609Dot2Data} and verifies (signed) or opens (PSK) it. */
    private Opened open(byte[] wire) {
        if (forAnotherStation(wire)) {
            // another station's PSK traffic (an RSU greets each vehicle it serves on the broadcast air):
            // refused as the full decoding below would refuse it, without decoding (issue 8 city)
            return new Opened(null, null, "EncryptedData for no registered PSK", StackStatistics.NO_PSK);
        }
        if (looksSigned(wire)) {
            // the common case at city scale (~10,000 signed CAMs/s at the RSUs): verify() decodes
            // once; decoding first as well cost ~25 µs of ~180 µs per message (issue 8)
            VerificationResult v = security.verify(wire, trust, clock.instant(), config.maxAge());
            if (v.status() != VerificationStatus.MALFORMED && v.status() != VerificationStatus.NOT_SIGNED) {
                return verified(v);
            }
            // rare: judged below exactly as before (malformed data vs. a malformed certificate in it)
        }
        DecodeResult<SecuredData> d = security.decode(wire);
        if (!d.isOk()) {
            return new Opened(null, null, "IEEE 1609.2: " + d.error(), null);
        }
        SecuredData sd = d.value();
        if (sd instanceof SecuredData.Unsecured u) {
            return new Opened(u.payload(), SecurityInfo.UNSECURED, null, null);
        }
        if (sd instanceof SecuredData.Signed) {
            return verified(security.verify(wire, trust, clock.instant(), config.maxAge()));
        }
        SecuredData.Encrypted e = (SecuredData.Encrypted) sd;
        var channel = keyring.find(e);
        if (channel.isEmpty()) {
            return new Opened(null, null, "EncryptedData for no registered PSK (" + e.pskIds() + ")", StackStatistics.NO_PSK);
        }
        try {
            byte[] plain = channel.get().open(wire);
            String pskId = e.pskIds().isEmpty() ? null : HexFormat.of().formatHex(e.pskIds().get(0).toBytes());
            return new Opened(plain, new SecurityInfo(Protection.PSK, null, null, null, pskId), null, null);
        } catch (MessageRejectedException ex) {
            return new Opened(null, null, "PSK channel refused: " + ex.reason() + " " + ex.getMessage(), "PSK_" + ex.reason());
        }
    }

    /**
     * True if {@code wire} is, by its first octets, an EncryptedData whose recipients are all
     * pskRecipInfo naming keys this stack does not hold. IEEE 1609.2 §6.3.30–6.3.34 in COER:
     * protocolVersion 3, content CHOICE tag 0x82 (encryptedData), the SEQUENCE OF quantity (one
     * length octet, then the count), then per recipient the RecipientInfo CHOICE tag 0x80
     * (pskRecipInfo) and its HashedId8. Any other shape (another recipient kind, a longer count, a
     * short frame) returns false and takes the full decoding.
     */
    boolean forAnotherStation(byte[] wire) {
        if (wire.length < 13 || wire[0] != 3 || wire[1] != (byte) 0x82 || wire[2] != 1) {
            return false;
        }
        int n = wire[3] & 0xFF;
        if (n < 1 || n > 8 || wire.length < 4 + 9 * n) {
            return false;
        }
        for (int i = 0, at = 4; i < n; i++, at += 9) {
            if (wire[at] != (byte) 0x80) {
                return false;
            }
            if (pskIds.contains(HashedId8.of(Arrays.copyOfRange(wire, at + 1, at + 9)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * IEEE 1609.2 §6.3.2 in COER: protocolVersion 3, then the Ieee1609Dot2Content CHOICE tag,
     * 0x81 = signedData. Only picks the path; the verifier decodes and judges everything.
     */
    private static boolean looksSigned(byte[] wire) {
        return wire.length > 2 && wire[0] == 3 && wire[1] == (byte) 0x81;
    }

    private static Opened verified(VerificationResult v) {
        if (!v.isOk()) {
            return new Opened(null, null, "1609.2 verification " + v.status() + ": " + v.detail(), v.status().name());
        }
        SecuredData.Signed s = v.message();
        String signer = s.signerId() == null ? null : HexFormat.of().formatHex(s.signerId().toBytes());
        Instant gen = s.header().generationTime() == null ? null : ItsTime.fromTime64(s.header().generationTime());
        return new Opened(s.payload(), new SecurityInfo(Protection.SIGNED, signer, s.header().psid(), gen, null), null,
                null);
    }

    /** True if this station is inside {@code area} or does not know where it is. */
    private boolean insideOrUnknown(GeoArea area) {
        StationState s = currentState();
        return s == null || GeoAreas.contains(area, s.latitude(), s.longitude());
    }

    /** EN 302 637-3 §8.3: a DENM is new if its actionID is unknown or its referenceTime is later. */
    private boolean isNewDenm(Denm d) {
        ActionId id = d.management().actionId();
        long ref = d.management().referenceTime();
        synchronized (denmTable) {
            Long known = denmTable.get(id);
            if (known != null && ref <= known) {
                return false;
            }
            denmTable.put(id, ref);
            return true;
        }
    }

    private void deliver(RadioFrame frame, V2xContent content, SecurityInfo info) {
        Radio r = radio;
        ReceivedMessage m = new ReceivedMessage(config.stackId(), r == null ? "" : r.radioId(), content, info,
                frame.source(), frame.metadata(), clock.instant());
        delivered.incrementAndGet();
        for (ListenerEntry e : listeners) {
            if (e.accepts(config.stackId(), content.kind())) {
                try {
                    e.listener.received(m);
                } catch (RuntimeException ex) {
                    listenerLog.log("stack " + config.stackId() + ": listener " + e.listener.getClass().getName()
                            + " failed: " + ex);
                }
            }
        }
    }

    /** Counts and logs (rate-limited) a frame not delivered: refused by security as {@code refusedAs}, or malformed if null. */
    private void drop(RadioFrame frame, String reason, String refusedAs) {
        boolean security = refusedAs != null;
        if (security) {
            refused.incrementAndGet();
            refusedBy.computeIfAbsent(refusedAs, k -> new LongAdder()).increment();
        } else {
            malformed.incrementAndGet();
        }
        dropLog.log("stack " + config.stackId() + ": " + (security ? "refused" : "dropped") + " frame from "
                + frame.source() + ": " + reason);
    }

    private record ListenerEntry(V2xMessageListener listener, Set<String> stacks, Set<MessageKind> kinds) {
        boolean accepts(String stack, MessageKind kind) {
            return (stacks == null || stacks.contains(stack)) && (kinds == null || kinds.contains(kind));
        }
    }
}
