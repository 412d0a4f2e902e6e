package org.qkdv2i.v2x.cv2x.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.Pc5NonIpPdu;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.itsg5.internal.stack.Collector;
import org.qkdv2i.v2x.itsg5.internal.stack.DevPki;
import org.qkdv2i.v2x.itsg5.internal.stack.LoopbackAir;
import org.qkdv2i.v2x.itsg5.internal.stack.ManualClock;
import org.qkdv2i.v2x.itsg5.internal.stack.MovingStation;
import org.qkdv2i.v2x.itsg5.internal.stack.StackConfig;
import org.qkdv2i.v2x.itsg5.internal.stack.V2xEngine;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/** The shared upper layers over PC5 non-IP framing, between two stacks on a loopback sidelink. */
public class Pc5StackTest {
    static final Instant START = Instant.parse("2026-11-27T10:00:00Z");
    static final LinkAddress GROUP = LinkAddress.layer2Id(0xFFFFFF);
    final ManualClock clock = new ManualClock(START);
    final LoopbackAir air = new LoopbackAir();

    V2xEngine engine(StackConfig c, int l2, SigningCredential cred, TrustStore trust) {
        V2xEngine e = new V2xEngine(c, new Pc5Framing(GROUP), clock, cred, trust == null ? new TrustStore() : trust);
        e.setRadio(air.radio(c.stackId(), RadioTechnology.CV2X_PC5, LinkAddress.layer2Id(l2)));
        return e;
    }

    void run(Duration d, V2xEngine... engines) {
        Instant end = clock.instant().plus(d);
        while (true) {
            for (V2xEngine e : engines) {
                e.tick();
            }
            if (clock.instant().plusMillis(50).isAfter(end)) {
                return;
            }
            clock.advance(Duration.ofMillis(50));
        }
    }

    @Test
    public void camAndDenmInEtsiFamilyWithPpppFromTheTrafficClass() throws Exception {
        V2xEngine car = engine(StackConfig.defaults("car", Profile.EU, 1001, 5), 0x000001, null, null);
        MovingStation s = new MovingStation(clock, 481370000, 115750000);
        car.setStateProvider(s);
        V2xEngine rsu = engine(StackConfig.defaults("rsu", Profile.EU, 77, 15).generating(false), 0x000002, null, null);
        Collector heard = new Collector();
        rsu.addListener(heard, null, null);
        run(Duration.ofSeconds(2), car, rsu);
        assertEquals(3, heard.cams().size());
        RadioFrame f = air.sent().get(0);
        assertEquals(RadioFrame.PC5_SDU_TYPE_NON_IP, f.protocol());
        assertEquals(GROUP, f.destination());
        Pc5NonIpPdu pdu = NetCodecs.pc5NonIp().decode(f.payload()).value();
        assertEquals(Pc5NonIpPdu.FAMILY_ETSI_ITS, pdu.family());
        assertEquals(0x11, pdu.payload()[0]); // GeoNetworking version 1, NH common header
        assertEquals(4, f.metadata().sidelink().pppp()); // CAM: traffic class 2
        assertEquals(LinkAddress.layer2Id(1), heard.messages.get(0).source());

        car.triggerDenm(DenmRequest.of(new CauseCode(97, 0), Duration.ofSeconds(10))
                .withEventPosition(ReferencePosition.ofDegrees(48.1, 11.5)), Security.unsecured());
        assertEquals(2, air.sent().get(air.sent().size() - 1).metadata().sidelink().pppp()); // DENM: traffic class 0
        assertEquals(1, heard.denms().size());
    }

    @Test
    public void bsmInIeee1609FamilySignedAndVerified() {
        DevPki pki = new DevPki(START.minus(Duration.ofDays(1)));
        TrustStore trust = new TrustStore();
        trust.addRoot(pki.rootCertificate());
        trust.addCertificate(pki.authorityCertificate());
        V2xEngine obu = engine(StackConfig.defaults("obu", Profile.US, 7, 5).signed(true, false), 0x000003, pki.ticket(),
                null);
        obu.setStateProvider(new MovingStation(clock, 377000000, -1224000000));
        V2xEngine rsu = engine(StackConfig.defaults("rsu", Profile.US, 9, 15).generating(false).signed(false, false),
                0x000004, null, trust);
        Collector heard = new Collector();
        rsu.addListener(heard, null, null);
        run(Duration.ofSeconds(1), obu, rsu);
        assertEquals(11, heard.bsms().size());
        assertEquals(Protection.SIGNED, heard.messages.get(5).security().protection());
        RadioFrame f = air.sent().get(0);
        assertEquals(Pc5NonIpPdu.FAMILY_IEEE_1609, NetCodecs.pc5NonIp().decode(f.payload()).value().family());
        assertEquals(3, f.metadata().sidelink().pppp());
        assertEquals(0, rsu.statistics().refused());
    }

    @Test
    public void pskPayloadOverSidelink() throws Exception {
        V2xEngine rsu = engine(StackConfig.defaults("rsu", Profile.EU, 77, 15).generating(false), 0x000005, null, null);
        V2xEngine car = engine(StackConfig.defaults("car", Profile.EU, 1001, 5).generating(false).signed(false, false),
                0x000006, null, null);
        Collector heard = new Collector();
        car.addListener(heard, null, null);
        byte[] key = new byte[16];
        new Random(7).nextBytes(key);
        var mp = new MessageProtectionComponent();
        try (ProtectedChannel tx = mp.ieee1609Psk(key, ChannelOptions.datagram("v2i", clock));
                ProtectedChannel rx = mp.ieee1609Psk(key, ChannelOptions.datagram("v2i", clock))) {
            car.registerPsk(key, rx);
            java.util.Arrays.fill(key, (byte) 0);
            rsu.sendPayload(4000, new byte[] {1, 2, 3}, 0, Security.psk(tx));
        }
        assertEquals(1, heard.messages.size());
        assertEquals(Protection.PSK, heard.messages.get(0).security().protection());
        assertEquals(4000, ((V2xContent.Payload) heard.messages.get(0).content()).serviceId());
        assertEquals(2, air.sent().get(0).metadata().sidelink().pppp());
    }

    @Test
    public void hostileSidelinkFramesAreCountedNeverThrown() {
        V2xEngine rsu = engine(StackConfig.defaults("rsu", Profile.EU, 77, 15).generating(false), 0x000007, null, null);
        LoopbackAir.LoopbackRadio attacker = air.radio("attacker", RadioTechnology.CV2X_PC5, LinkAddress.layer2Id(0x666666));
        Random rnd = new Random(1);
        int n = 0;
        for (int family = 0; family < 256; family++) {
            air.inject(attacker, new RadioFrame(attacker.address(), GROUP, 3, new byte[] {(byte) family, 0x11, 0},
                    FrameMetadata.NONE));
            n++;
        }
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            if (b.length > 0) {
                b[0] = (byte) (1 + rnd.nextInt(3));
            }
            air.inject(attacker, new RadioFrame(attacker.address(), GROUP, rnd.nextInt(5), b, FrameMetadata.NONE));
            n++;
        }
        StackStatistics s = rsu.statistics();
        assertEquals(n, s.received());
        assertEquals(s.received(), s.malformed() + s.refused() + s.delivered() + s.duplicates() + s.outsideArea());
        assertTrue(s.malformed() > n - 10);
    }
}
