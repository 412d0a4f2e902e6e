package org.qkdv2i.it.platform;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.qkdv2i.it.exam.ExamOptions;
import org.qkdv2i.radio.udp.VirtualAirRadio;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.DenmEvent;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.adapter.ReceivedMessage;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.adapter.V2xMessageListener;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.StationType;
import org.qkdv2i.v2x.api.message.Termination;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.Radio;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * The issue-6 V2X bundles in Felix, configured through ConfigurationAdmin only, on the UDP virtual
 * air (radio.udp, unicast on 127.0.0.1): an RSU at a fixed position, an OBU 100 m north of it and
 * a third station 2 km north that must hear nothing. Per station, three radios on three airs:
 * ITS-G5 channel 180 with an EU stack (CAM/DENM), ITS-G5 channel 172 with a US stack (BSM) and
 * C-V2X PC5 with an EU stack (v2x.cv2x). Every stack signs with v2x.itsg5's dev PKI (written to a
 * temporary folder in {@code @Configuration}) and accepts only verified messages. A whiteboard
 * {@link V2xMessageListener} registered here collects what every stack delivers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class V2xIT {

    static final String RADIO_PID = "org.qkdv2i.radio.udp.Air";
    static final String G5_STACK_PID = "org.qkdv2i.v2x.itsg5.Stack";
    static final String PC5_STACK_PID = "org.qkdv2i.v2x.cv2x.Stack";
    static final String G5_COMPONENT = "org.qkdv2i.v2x.itsg5.internal.ItsG5StackComponent";
    static final String PKI_DIR = "qkdv2i.it.v2x.pki";
    /** Test fixture only: the password of the dev-PKI key files written for this run. */
    static final String PKI_PASSWORD = "v2x-it-only";

    static final long RSU_ID = 7001;
    static final long OBU_ID = 1001;
    static final long FAR_ID = 9001;

    /** Mean Earth radius of radio.udp's haversine (6,371,008.8 m): metres per degree of latitude. */
    static final double METRES_PER_DEGREE = 6_371_008.8 * Math.PI / 180;
    /** Positions in 0.1 microdegree: the RSU, the OBU 100 m north, the far station 2 km north. */
    static final int RSU_LAT = 481_374_000;
    static final int LON = 115_755_000;
    static final int OBU_LAT = RSU_LAT + (int) Math.round(100 / METRES_PER_DEGREE * 1e7);
    static final int FAR_LAT = RSU_LAT + (int) Math.round(2000 / METRES_PER_DEGREE * 1e7);

    static final LinkAddress RSU_MAC = LinkAddress.mac(0x02_00_00_00_01_01L);
    static final LinkAddress OBU_MAC = LinkAddress.mac(0x02_00_00_00_02_01L);
    static final LinkAddress FAR_MAC = LinkAddress.mac(0x02_00_00_00_03_01L);
    static final int RSU_L2 = 0x000101;
    static final int OBU_L2 = 0x000201;

    /** Transmit power the radios use when a frame does not ask (radio.udp default). */
    static final double TX_POWER_DBM = 23.0;

    @Inject
    BundleContext context;

    private ConfigurationAdmin cm;
    private Path pki;
    private final List<org.osgi.service.cm.Configuration> configs = new ArrayList<>();
    private final Map<String, org.osgi.service.cm.Configuration> radioConfigs = new HashMap<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    /** Everything every stack delivered, in order of delivery. */
    private final Queue<ReceivedMessage> inbox = new ConcurrentLinkedQueue<>();

    @Configuration
    public Option[] config() throws IOException {
        String pkiDir = V2xPkiFiles.write(PKI_PASSWORD, "rsu", "obu", "far");
        return Platform.options(ours("zap.api"), ours("zap"), ours("v2x.api"), ours("v2x.codec"), ours("v2x.itsg5"),
                ours("v2x.cv2x"), ours("radio.udp"), frameworkProperty(PKI_DIR).value(pkiDir));
    }

    private static Option ours(String name) {
        return ExamOptions.fileBundle(new File(System.getProperty("qkdv2i.bundle." + name)), ExamOptions.LEVEL_OURS);
    }

    // ------------------------------------------------------------------ set-up

    @Before
    public void setUp() throws Exception {
        pki = Path.of(context.getProperty(PKI_DIR));
        cm = service(ConfigurationAdmin.class, null);
        // the listener and the station states first, so no stack misses them
        registrations.add(context.registerService(V2xMessageListener.class, inbox::add, null));
        station("rsu", RSU_ID, StationType.ROAD_SIDE_UNIT, RSU_LAT);
        station("obu", OBU_ID, StationType.PASSENGER_CAR, OBU_LAT);
        station("far", FAR_ID, StationType.PASSENGER_CAR, FAR_LAT);

        // ITS-G5 control channel (180): RSU, OBU, far station, each with an EU stack
        air("ITS_G5", 0, new String[] { "rsu", "obu", "far" }, new String[] { "02:00:00:00:01:01",
                "02:00:00:00:02:01", "02:00:00:00:03:01" }, new int[] { RSU_LAT, OBU_LAT, FAR_LAT });
        // ITS-G5 US safety channel (172): the BSM pair
        air("ITS_G5", 172, new String[] { "rsu-us", "obu-us" }, new String[] { "02:00:00:00:01:02",
                "02:00:00:00:02:02" }, new int[] { RSU_LAT, OBU_LAT });
        // C-V2X PC5 sidelink: the PC5 pair
        air("CV2X_PC5", 0, new String[] { "rsu-pc5", "obu-pc5" },
                new String[] { hex24(RSU_L2), hex24(OBU_L2) }, new int[] { RSU_LAT, OBU_LAT });

        create(G5_STACK_PID, stack("rsu-eu", "EU", "ITS_G5", "rsu", "rsu", RSU_ID, StationType.ROAD_SIDE_UNIT));
        create(G5_STACK_PID, stack("obu-eu", "EU", "ITS_G5", "obu", "obu", OBU_ID, StationType.PASSENGER_CAR));
        create(G5_STACK_PID, stack("far-eu", "EU", "ITS_G5", "far", "far", FAR_ID, StationType.PASSENGER_CAR));
        create(G5_STACK_PID, stack("rsu-us", "US", "ITS_G5", "rsu-us", "rsu", RSU_ID, StationType.ROAD_SIDE_UNIT));
        create(G5_STACK_PID, stack("obu-us", "US", "ITS_G5", "obu-us", "obu", OBU_ID, StationType.PASSENGER_CAR));
        Hashtable<String, Object> rsuPc5 = stack("rsu-pc5", "EU", "CV2X_PC5", "rsu-pc5", "rsu", RSU_ID,
                StationType.ROAD_SIDE_UNIT);
        rsuPc5.put("destinationL2Id", "0x00abcd");
        create(PC5_STACK_PID, rsuPc5);
        Hashtable<String, Object> obuPc5 = stack("obu-pc5", "EU", "CV2X_PC5", "obu-pc5", "obu", OBU_ID,
                StationType.PASSENGER_CAR);
        obuPc5.put("destinationL2Id", "0x00abcd");
        create(PC5_STACK_PID, obuPc5);
    }

    /** A fixed station: the state the CAM/BSM generators read (standing still). */
    private void station(String name, long id, int type, int lat) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(StationStateProvider.STATION, name);
        StationStateProvider provider = () -> new StationState(id, type, lat, LON, true, 0, 900, Instant.now());
        registrations.add(context.registerService(StationStateProvider.class, provider, p));
    }

    /** One virtual air: every radio binds a free port on 127.0.0.1 and sends to all the others. */
    private void air(String technology, int channel, String[] ids, String[] addresses, int[] lats) throws IOException {
        int[] ports = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ports[i] = TwoNodes.freePort();
        }
        for (int i = 0; i < ids.length; i++) {
            List<String> peers = new ArrayList<>();
            for (int j = 0; j < ids.length; j++) {
                if (j != i) {
                    peers.add("127.0.0.1:" + ports[j]);
                }
            }
            Hashtable<String, Object> p = TwoNodes.props("radio.id", ids[i], "radio.technology", technology,
                    "address", addresses[i], "bind", "127.0.0.1:" + ports[i], "peers", peers.toArray(new String[0]),
                    "position", String.format(Locale.ROOT, "%.7f,%.7f", lats[i] / 1e7, LON / 1e7),
                    "range.m", 1000.0, "path.loss", "FREE_SPACE", "channel", channel);
            radioConfigs.put(ids[i], create(RADIO_PID, p));
        }
    }

    private Hashtable<String, Object> stack(String name, String profile, String technology, String radioId,
            String station, long stationId, int stationType) {
        return TwoNodes.props("v2x.stack", name, "v2x.profile", profile,
                "radio.target", "(&(radio.technology=" + technology + ")(radio.id=" + radioId + "))",
                "radio.id", radioId,
                "stationState.target", "(" + StationStateProvider.STATION + "=" + station + ")",
                "stationId", stationId, "stationType", stationType,
                "security", "SIGNED", "acceptUnsecured", false,
                "signing.certificate", pki.resolve(station + ".ticket.oer").toString(),
                "signing.key", pki.resolve(station + ".ticket.key").toString(),
                ".signing.password", PKI_PASSWORD,
                "trust.roots", new String[] { pki.resolve("root.oer").toString() },
                "trust.certificates", new String[] { pki.resolve("aa.oer").toString() });
    }

    private org.osgi.service.cm.Configuration create(String factoryPid, Hashtable<String, Object> props)
            throws IOException {
        org.osgi.service.cm.Configuration c = cm.createFactoryConfiguration(factoryPid, "?");
        c.update(props);
        configs.add(c);
        return c;
    }

    @After
    public void tearDown() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        for (org.osgi.service.cm.Configuration c : configs) {
            try {
                c.delete();
            } catch (IOException | IllegalStateException e) {
                // already gone (the hot-swap test deletes one itself)
            }
        }
        // ConfigAdmin deletes asynchronously: the next test must not find this test's stacks or radios
        Await.until("every V2X stack and radio of this test to leave", 30, TimeUnit.SECONDS,
                () -> refs(V2xStack.class, null).isEmpty() && refs(Radio.class, null).isEmpty());
        registrations.forEach(ServiceRegistration::unregister);
    }

    // ------------------------------------------------------------------ tests

    @Test
    public void camsDenmsBsmsAndPc5CamsCrossTheAirSignedAndVerifiedAndTheFarStationHearsNothing() throws Exception {
        // CAMs generated by the RSU (RSU container, 1 Hz), signed, verified at the OBU 100 m away
        ReceivedMessage cam = awaitMessage("a CAM from the RSU", "obu-eu", camFrom(RSU_ID));
        V2xContent.CamContent c = (V2xContent.CamContent) cam.content();
        assertEquals(StationType.ROAD_SIDE_UNIT, c.cam().basicContainer().stationType());
        assertEquals(RSU_LAT, c.cam().basicContainer().referencePosition().latitude());
        assertEquals(LON, c.cam().basicContainer().referencePosition().longitude());
        assertSigned(cam, 36);
        assertEquals("obu", cam.radioId());
        assertEquals(RSU_MAC, cam.source());
        assertEquals(Integer.valueOf(180), cam.metadata().channel());
        // radio.udp's free-space model: 23 dBm - FSPL(100 m, 5900 MHz)
        assertEquals(TX_POWER_DBM - fsplDb(distanceMetres(RSU_LAT, OBU_LAT), 5900), cam.metadata().rssiDbm(), 0.05);

        // and the other way
        ReceivedMessage back = awaitMessage("a CAM from the OBU", "rsu-eu", camFrom(OBU_ID));
        assertSigned(back, 36);
        assertEquals(OBU_MAC, back.source());
        assertEquals(StationType.PASSENGER_CAR,
                ((V2xContent.CamContent) back.content()).cam().basicContainer().stationType());

        // the far station (2 km, range 1000 m): its radio drops every frame of the others as out of
        // range, its stack receives nothing, and its own CAMs reach no one
        VirtualAirRadio far = service(VirtualAirRadio.class, "(radio.id=far)");
        VirtualAirRadio rsuRadio = service(VirtualAirRadio.class, "(radio.id=rsu)");
        Await.until("the far radio to drop frames of the RSU and OBU as out of range", 20, TimeUnit.SECONDS,
                () -> far.statistics().droppedOutOfRange() >= 2 && rsuRadio.statistics().droppedOutOfRange() >= 1
                        // the stack counts a frame as sent after the radio took it: the RSU may drop it first
                        && stack("far-eu").statistics().sent() >= 1);
        assertEquals(0, far.statistics().delivered());
        assertEquals(0, stack("far-eu").statistics().received());
        assertTrue("the far station sent CAMs", stack("far-eu").statistics().sent() >= 1);
        assertTrue(inbox.stream().noneMatch(m -> m.stackId().equals("far-eu")));
        assertTrue(inbox.stream().noneMatch(camFrom(FAR_ID)));

        // a DENM triggered at the RSU (GeoBroadcast 500 m around it, repeated every 200 ms)
        V2xStack rsu = stack("rsu-eu");
        V2xStack obu = stack("obu-eu");
        DenmEvent event = rsu.triggerDenm(DenmRequest.of(new CauseCode(CauseCode.ROADWORKS, 0), Duration.ofSeconds(60))
                .withEventPosition(ReferencePosition.ofDegrees(RSU_LAT / 1e7, LON / 1e7))
                .withRepetition(Duration.ofMillis(200), Duration.ofSeconds(30)), Security.signed());
        assertTrue(event.isActive());
        assertEquals(RSU_ID, event.actionId().originatingStationId());
        ReceivedMessage denm = awaitMessage("the DENM", "obu-eu", denmOf(event, null));
        Denm d = ((V2xContent.DenmContent) denm.content()).denm();
        assertSigned(denm, 37);
        assertEquals(CauseCode.ROADWORKS, d.situation().eventType().causeCode());
        assertEquals(RSU_LAT, d.management().eventPosition().latitude());
        long duplicatesBefore = obu.statistics().duplicates();
        Await.until("two repetitions at the OBU, counted as duplicates", 20, TimeUnit.SECONDS,
                () -> obu.statistics().duplicates() >= duplicatesBefore + 2);
        assertEquals("repetitions are not delivered again", 1, inbox.stream().filter(denmOf(event, null)).count());

        event.cancel();
        assertFalse(event.isActive());
        ReceivedMessage cancel = awaitMessage("the cancellation DENM", "obu-eu",
                denmOf(event, Termination.IS_CANCELLATION));
        assertSigned(cancel, 37);
        assertNull("a cancellation carries the management container only",
                ((V2xContent.DenmContent) cancel.content()).denm().situation());
        assertTrue(inbox.stream().noneMatch(m -> m.stackId().equals("far-eu")));

        // US profile: BSMs (10 Hz) over WSMP on channel 172, signed for PSID 32
        ReceivedMessage bsm = awaitMessage("a BSM from the RSU's US stack", "obu-us", bsmFrom(RSU_ID));
        assertSigned(bsm, 32);
        assertEquals(Integer.valueOf(172), bsm.metadata().channel());
        assertEquals(RSU_LAT, ((V2xContent.BsmContent) bsm.content()).bsm().coreData().lat());
        assertSigned(awaitMessage("a BSM from the OBU's US stack", "rsu-us", bsmFrom(OBU_ID)), 32);

        // C-V2X PC5: CAMs in non-IP PC5 frames (CAM PPPP 4, the RSU's Layer-2 ID as source)
        ReceivedMessage pc5 = awaitMessage("a PC5 CAM from the RSU", "obu-pc5", camFrom(RSU_ID));
        assertSigned(pc5, 36);
        assertEquals(LinkAddress.layer2Id(RSU_L2), pc5.source());
        assertNotNull(pc5.metadata().sidelink());
        assertEquals(4, pc5.metadata().sidelink().pppp());
        assertSigned(awaitMessage("a PC5 CAM from the OBU", "rsu-pc5", camFrom(OBU_ID)), 36);

        // every stack of the pairs: nothing malformed on the way
        for (String s : new String[] { "rsu-eu", "obu-eu", "rsu-us", "obu-us", "rsu-pc5", "obu-pc5" }) {
            assertEquals(s + " malformed", 0, stack(s).statistics().malformed());
        }
    }

    @Test
    public void pskPayloadsFromTheDauChannelReachTheObuAndTamperedOrForeignFramesAreRefused() throws Exception {
        V2xStack rsu = stack("rsu-eu");
        V2xStack obu = stack("obu-eu");
        // the RSU's ticket must be known at the OBU before counting refusals (a digest-signed CAM
        // before the first certificate would be refused too)
        awaitMessage("a signed CAM from the RSU", "obu-eu", camFrom(RSU_ID));

        // the DAU-V's channels: one per end, the same 16-octet key (in the system: a DPN session export)
        MessageProtection protection = service(MessageProtection.class, null);
        byte[] psk = new byte[16];
        new SecureRandom().nextBytes(psk);
        ProtectedChannel rsuChannel = protection.ieee1609Psk(psk, ChannelOptions.datagram("v2i", Clock.systemUTC()));
        ProtectedChannel obuChannel = protection.ieee1609Psk(psk, ChannelOptions.datagram("v2i", Clock.systemUTC()));
        closeLater.add(rsuChannel);
        closeLater.add(obuChannel);
        closeLater.add(rsu.registerPsk(psk, rsuChannel));
        AutoCloseable obuRegistration = obu.registerPsk(psk, obuChannel);
        Arrays.fill(psk, (byte) 0);

        // what the OBU's radio hears: keep the PSK frames (GN basic header, then 1609.2 v3 encryptedData)
        Radio obuRadio = service(Radio.class, "(radio.id=obu)");
        Queue<RadioFrame> pskFrames = new ConcurrentLinkedQueue<>();
        RadioSubscription tap = obuRadio.subscribe(f -> {
            byte[] p = f.payload();
            if (p.length > 6 && p[4] == 3 && (p[5] & 0xFF) == 0x82) {
                pskFrames.add(f);
            }
        });
        closeLater.add(tap::close);

        StackStatistics before = obu.statistics();
        byte[] data = "DAU-V: lane 2 closed, reroute".getBytes(StandardCharsets.UTF_8);
        rsu.sendPayload(3000, data, 1, Security.psk(rsuChannel));
        ReceivedMessage m = awaitMessage("the PSK payload", "obu-eu", payload(3000, data));
        assertEquals(Protection.PSK, m.security().protection());
        assertEquals(16, m.security().pskId().length());
        assertNull(m.security().signerId());
        assertEquals(RSU_MAC, m.source());
        RadioFrame genuine = Await.value("the PSK frame at the OBU's radio", 10, TimeUnit.SECONDS, pskFrames::peek);

        // the same frame with one bit of the CCM tag flipped, sent by the RSU's radio: refused
        byte[] tampered = genuine.payload();
        tampered[tampered.length - 1] ^= 0x01;
        Radio rsuRadio = service(Radio.class, "(radio.id=rsu)");
        rsuRadio.send(new RadioFrame(genuine.source(), genuine.destination(), genuine.protocol(), tampered,
                FrameMetadata.NONE));
        Await.until("the tampered frame to be refused", 10, TimeUnit.SECONDS,
                () -> obu.statistics().refused() >= before.refused() + 1);

        // the genuine frame again: a replay, refused
        rsuRadio.send(new RadioFrame(genuine.source(), genuine.destination(), genuine.protocol(), genuine.payload(),
                FrameMetadata.NONE));
        Await.until("the replayed frame to be refused", 10, TimeUnit.SECONDS,
                () -> obu.statistics().refused() >= before.refused() + 2);

        // a frame under another key (not registered at the OBU): refused
        byte[] otherKey = new byte[16];
        new SecureRandom().nextBytes(otherKey);
        ProtectedChannel stranger = protection.ieee1609Psk(otherKey, ChannelOptions.datagram("v2i", Clock.systemUTC()));
        Arrays.fill(otherKey, (byte) 0);
        closeLater.add(stranger);
        byte[] foreign = "from a stranger".getBytes(StandardCharsets.UTF_8);
        rsu.sendPayload(3000, foreign, 1, Security.psk(stranger));
        Await.until("the other-key frame to be refused", 10, TimeUnit.SECONDS,
                () -> obu.statistics().refused() >= before.refused() + 3);

        // the forgeries changed nothing: the next genuine payload arrives; and the OBU answers
        byte[] second = "DAU-V: lane 2 open again".getBytes(StandardCharsets.UTF_8);
        rsu.sendPayload(3000, second, 1, Security.psk(rsuChannel));
        awaitMessage("the second PSK payload", "obu-eu", payload(3000, second));
        byte[] answer = "OBU 1001: ack".getBytes(StandardCharsets.UTF_8);
        obu.sendPayload(3001, answer, 1, Security.psk(obuChannel));
        ReceivedMessage atRsu = awaitMessage("the OBU's PSK answer", "rsu-eu", payload(3001, answer));
        assertEquals(m.security().pskId(), atRsu.security().pskId());

        // after the OBU closes its registration, the key is unknown there
        obuRegistration.close();
        byte[] late = "after close".getBytes(StandardCharsets.UTF_8);
        rsu.sendPayload(3000, late, 1, Security.psk(rsuChannel));
        Await.until("the payload for a closed registration to be refused", 10, TimeUnit.SECONDS,
                () -> obu.statistics().refused() >= before.refused() + 4);

        StackStatistics after = obu.statistics();
        assertEquals("four refusals: tampered, replayed, other key, closed registration", before.refused() + 4,
                after.refused());
        assertEquals("a forgery is a refusal, not a malformed frame", before.malformed(), after.malformed());
        assertEquals(1, inbox.stream().filter(payload(3000, data)).count());
        assertTrue(inbox.stream().noneMatch(payload(3000, foreign)));
        assertTrue(inbox.stream().noneMatch(payload(3000, late)));
    }

    @Test
    public void theObuRadioConfigurationDeletedAndRecreatedTheStackStopsAndResumesReceiving() throws Exception {
        V2xStack rsu = stack("rsu-eu");
        ServiceReference<V2xStack> obuRef = stackRef("obu-eu");
        V2xStack obu = context.getService(obuRef);
        long obuServiceId = TwoNodes.serviceId(obuRef);
        // ConfigAdmin delivers configurations asynchronously: wait for all five ITS-G5 stacks
        Map<Long, Integer> componentsBefore = Await.value("five active ITS-G5 stack components", 30,
                TimeUnit.SECONDS, () -> {
                    Map<Long, Integer> c = Components.configurations(context, G5_COMPONENT);
                    return c.size() == 5 && c.values().stream().allMatch(s -> s == ComponentConfigurationDTO.ACTIVE)
                            ? c : null;
                });
        Security signedPayload = Security.signed(0x8A); // the dev PKI's experimental psid for payloads
        byte[] first = "before the swap".getBytes(StandardCharsets.UTF_8);
        rsu.sendPayload(3002, first, 2, signedPayload);
        awaitMessage("a payload before the swap", "obu-eu", payload(3002, first));

        // the operator deletes the OBU's radio configuration
        org.osgi.service.cm.Configuration radioConfig = radioConfigs.get("obu");
        Hashtable<String, Object> props = copy(radioConfig);
        radioConfig.delete();
        Await.until("the OBU radio to leave", 20, TimeUnit.SECONDS, () -> refs(Radio.class, "(radio.id=obu)").isEmpty());

        long receivedWhileDown = obu.statistics().received();
        byte[] lost = "while the OBU has no radio".getBytes(StandardCharsets.UTF_8);
        rsu.sendPayload(3002, lost, 2, signedPayload); // reaches a closed port: nobody hears it
        try {
            obu.sendPayload(3002, "no radio".getBytes(StandardCharsets.UTF_8), 2, signedPayload);
            fail("a stack without a radio sent");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("no radio"));
        }
        assertEquals("the stack received nothing without its radio", receivedWhileDown, obu.statistics().received());
        ServiceReference<V2xStack> during = stackRef("obu-eu");
        assertEquals("the stack stays registered, not restarted", obuServiceId, TwoNodes.serviceId(during));

        // ... and creates it again (same port, so the other radios' peer lists reach it)
        props.remove("service.pid");
        props.remove("service.factoryPid");
        radioConfigs.put("obu", create(RADIO_PID, props));
        service(Radio.class, "(radio.id=obu)");
        byte[] after = "after the swap".getBytes(StandardCharsets.UTF_8);
        // the radio's socket is bound when its component activates, which the stack's greedy
        // reference triggers; resend until the stack has bound it and hears again
        ReceivedMessage m = Await.value("a payload after the swap", 30, TimeUnit.SECONDS, () -> {
            ReceivedMessage got = inbox.stream().filter(payload(3002, after)).findFirst().orElse(null);
            if (got == null) {
                try {
                    rsu.sendPayload(3002, after, 2, signedPayload);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return got;
        });
        assertEquals("obu-eu", m.stackId());
        assertEquals(Protection.SIGNED, m.security().protection());
        assertTrue(obu.statistics().received() > receivedWhileDown);
        // sent before the radio came back: never delivered later
        assertTrue(inbox.stream().noneMatch(payload(3002, lost)));
        obu.sendPayload(3002, "radio back".getBytes(StandardCharsets.UTF_8), 2, signedPayload);
        awaitMessage("the OBU's payload after the swap", "rsu-eu",
                payload(3002, "radio back".getBytes(StandardCharsets.UTF_8)));

        assertEquals(obuServiceId, TwoNodes.serviceId(stackRef("obu-eu")));
        assertEquals("no stack component was restarted or failed", componentsBefore,
                Components.configurations(context, G5_COMPONENT));
        context.ungetService(obuRef);
    }

    // ------------------------------------------------------------------ helpers

    private static void assertSigned(ReceivedMessage m, long psid) {
        assertEquals(Protection.SIGNED, m.security().protection());
        assertEquals(Long.valueOf(psid), m.security().psid());
        assertEquals("HashedId8 of the signer", 16, m.security().signerId().length());
        assertNotNull(m.security().generationTime());
    }

    private static Predicate<ReceivedMessage> camFrom(long stationId) {
        return m -> m.content() instanceof V2xContent.CamContent c && c.cam().header().stationId() == stationId;
    }

    private static Predicate<ReceivedMessage> bsmFrom(long stationId) {
        byte[] id = ByteBuffer.allocate(4).putInt((int) stationId).array();
        return m -> m.content() instanceof V2xContent.BsmContent b && Arrays.equals(b.bsm().coreData().id(), id);
    }

    private static Predicate<ReceivedMessage> denmOf(DenmEvent event, Termination termination) {
        return m -> m.content() instanceof V2xContent.DenmContent d
                && d.denm().management().actionId().equals(event.actionId())
                && d.denm().management().termination() == termination;
    }

    private static Predicate<ReceivedMessage> payload(long serviceId, byte[] data) {
        return m -> m.content() instanceof V2xContent.Payload p && p.serviceId() == serviceId
                && Arrays.equals(p.data(), data);
    }

    private ReceivedMessage awaitMessage(String what, String stack, Predicate<ReceivedMessage> p) {
        return Await.value(what + " at " + stack, 20, TimeUnit.SECONDS,
                () -> inbox.stream().filter(m -> m.stackId().equals(stack) && p.test(m)).findFirst().orElse(null));
    }

    private V2xStack stack(String name) {
        return context.getService(stackRef(name));
    }

    private ServiceReference<V2xStack> stackRef(String name) {
        return Await.value("V2xStack " + name, 30, TimeUnit.SECONDS, () -> {
            Collection<ServiceReference<V2xStack>> r = refs(V2xStack.class, "(" + V2xStack.STACK + "=" + name + ")");
            return r.isEmpty() ? null : r.iterator().next();
        });
    }

    private <S> S service(Class<S> type, String filter) {
        return Await.value(type.getSimpleName() + (filter == null ? "" : " " + filter), 30, TimeUnit.SECONDS, () -> {
            Collection<ServiceReference<S>> r = refs(type, filter);
            return r.isEmpty() ? null : context.getService(r.iterator().next());
        });
    }

    private <S> Collection<ServiceReference<S>> refs(Class<S> type, String filter) {
        try {
            return context.getServiceReferences(type, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Hashtable<String, Object> copy(org.osgi.service.cm.Configuration c) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (String k : java.util.Collections.list(c.getProperties().keys())) {
            p.put(k, c.getProperties().get(k));
        }
        return p;
    }

    private static String hex24(int id) {
        return String.format("0x%06x", id);
    }

    /** Haversine between two latitudes on one meridian: the arc, as radio.udp computes it. */
    private static double distanceMetres(int lat1, int lat2) {
        return Math.abs(lat2 - lat1) / 1e7 * METRES_PER_DEGREE;
    }

    /** Friis free-space path loss (ITU-R P.525): 20 log10(4 pi d f / c). */
    private static double fsplDb(double metres, double mhz) {
        return 20 * Math.log10(4 * Math.PI * metres * mhz * 1e6 / 299_792_458.0);
    }
}
