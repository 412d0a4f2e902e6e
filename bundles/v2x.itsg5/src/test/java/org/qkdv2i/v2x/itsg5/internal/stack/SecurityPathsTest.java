package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.v2x.api.adapter.DenmRequest;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.message.CauseCode;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.StationType;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/** Signed (TS 103 097 / 1609.2 ECDSA) and PSK (DAU-V channel) paths, and their refusals. */
public class SecurityPathsTest {
    private static DevPki pki;
    private static DevPki otherPki;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void pkis() {
        pki = new DevPki(Rig.START.minus(Duration.ofDays(1)));
        otherPki = new DevPki(Rig.START.minus(Duration.ofDays(1)));
    }

    private static TrustStore trust(DevPki p) {
        TrustStore t = new TrustStore();
        t.addRoot(p.rootCertificate());
        t.addCertificate(p.authorityCertificate());
        return t;
    }

    private record Pair(Rig rig, V2xEngine sender, V2xEngine receiver, Collector heard, MovingStation car) {
    }

    private static Pair pair(Profile profile, SigningCredential senderTicket, TrustStore receiverTrust,
            boolean receiverAcceptsUnsecured, boolean sign) {
        Rig rig = new Rig();
        MovingStation car = new MovingStation(rig.clock, 481370000, 115750000);
        V2xEngine s = rig.itsG5(StackConfig.defaults("car", profile, 1001, StationType.PASSENGER_CAR).signed(sign, true),
                0x02_00_00_00_00_01L, senderTicket, null);
        s.setStateProvider(car);
        V2xEngine r = rig.itsG5(StackConfig.defaults("rsu", profile, 2002, StationType.ROAD_SIDE_UNIT).generating(false)
                .signed(false, receiverAcceptsUnsecured), 0x02_00_00_00_00_02L, null, receiverTrust);
        Collector c = new Collector();
        r.addListener(c, null, null);
        return new Pair(rig, s, r, c, car);
    }

    @Test
    public void signedCamsVerifyCertificateOncePerSecondDigestBetween() {
        SigningCredential ticket = pki.ticket();
        Pair p = pair(Profile.EU, ticket, trust(pki), false, true);
        p.car.move(50, 0); // 10 Hz
        p.rig.run(Duration.ofMillis(2000));
        assertEquals(21, p.heard.cams().size());
        assertEquals(0, p.receiver.statistics().refused());
        var first = p.heard.messages.get(0).security();
        assertEquals(Protection.SIGNED, first.protection());
        assertEquals(36L, (long) first.psid());
        assertEquals(HexFormat.of().formatHex(HashedId8.ofCertificate(ticket.certificate()).toBytes()), first.signerId());
        assertEquals(Rig.START, first.generationTime());
        // on the air: the certificate at 0, 1 s, 2 s (larger frames), digests in between
        int[] sizes = p.rig.air.sent().stream().mapToInt(RadioFrame::payloadLength).toArray();
        assertTrue(sizes[0] > sizes[1] + 100);
        assertEquals(sizes[0], sizes[10], 8);
        assertEquals(sizes[1], sizes[9], 8);
        // and the frame is a secured GeoNetworking packet (basic NH = 2)
        GnPacket g = NetCodecs.geoNetworking().decode(p.rig.air.sent().get(0).payload()).value();
        assertTrue(g.isSecured());
    }

    @Test
    public void signedDenmCarriesLocationAndVerifies() throws Exception {
        Pair p = pair(Profile.EU, pki.ticket(), trust(pki), false, false);
        p.sender.triggerDenm(DenmRequest.of(new CauseCode(2, 0), Duration.ofSeconds(30))
                .withEventPosition(ReferencePosition.ofDegrees(48.1, 11.5)), Security.signed());
        assertEquals(1, p.heard.denms().size());
        assertEquals(37L, (long) p.heard.messages.get(0).security().psid());
    }

    @Test
    public void digestFromAnUnknownSignerIsRefused() {
        Pair p = pair(Profile.EU, pki.ticket(), trust(pki), false, true);
        p.car.move(50, 0);
        // the receiver misses the first CAM (with the certificate): digests name an unknown signer
        p.rig.air.tamper(f -> p.rig.air.sent().size() == 1 ? null : f);
        p.rig.run(Duration.ofMillis(500));
        assertEquals(0, p.heard.messages.size());
        assertEquals(5, p.receiver.statistics().refused());
        assertEquals(java.util.Map.of("UNKNOWN_SIGNER", 5L), p.receiver.statistics().refusedBy());
        // at 1 s the certificate comes again and from then on everything verifies
        p.rig.run(Duration.ofMillis(600));
        assertEquals(2, p.heard.messages.size());
    }

    @Test
    public void untrustedRootIsRefused() {
        Pair p = pair(Profile.EU, otherPki.ticket(), trust(pki), false, true);
        p.rig.run(Duration.ofMillis(0));
        assertEquals(0, p.heard.messages.size());
        assertEquals(1, p.receiver.statistics().refused());
    }

    @Test
    public void expiredTicketIsRefused() {
        SigningCredential old = pki.ticket(Rig.START.minus(Duration.ofDays(1)), 1, DevPki.PSIDS);
        Pair p = pair(Profile.EU, old, trust(pki), false, true);
        p.rig.run(Duration.ofMillis(0));
        assertEquals(0, p.heard.messages.size());
        assertEquals(1, p.receiver.statistics().refused());
    }

    @Test
    public void ticketWithoutCamPermissionIsRefused() {
        SigningCredential bsmOnly = pki.ticket(Rig.START.minus(Duration.ofHours(1)), 24, java.util.List.of(32L));
        Pair p = pair(Profile.EU, bsmOnly, trust(pki), false, true);
        p.rig.run(Duration.ofMillis(0));
        assertEquals(0, p.heard.messages.size());
        assertEquals(1, p.receiver.statistics().refused());
    }

    @Test
    public void tamperedSignedFramesAreRefusedEveryOctet() {
        Pair p = pair(Profile.EU, pki.ticket(), trust(pki), false, true);
        p.rig.run(Duration.ofMillis(0));
        RadioFrame good = p.rig.air.sent().get(0);
        byte[] octets = good.payload();
        LoopbackAir.LoopbackRadio fake = p.rig.air.radio("fake", good.source().octets() == 6
                ? org.qkdv2i.v2x.api.radio.RadioTechnology.ITS_G5 : null, good.source());
        int delivered = p.heard.messages.size();
        // flip one bit in every octet after the basic header: never delivered with other content
        for (int i = 4; i < octets.length; i++) {
            byte[] t = octets.clone();
            t[i] ^= 0x01;
            p.rig.air.inject(fake, new RadioFrame(good.source(), good.destination(), good.protocol(), t, good.metadata()));
        }
        long accepted = p.heard.messages.size() - delivered;
        // only flips in octets the signature does not cover may pass (rSig's point-form choice,
        // see v2x.codec's SecurityHostileInputTest): then the content is the genuine one
        for (int i = delivered; i < p.heard.messages.size(); i++) {
            assertEquals(p.heard.messages.get(0).content(), p.heard.messages.get(i).content());
        }
        assertTrue("accepted " + accepted, accepted <= 2);
        var st = p.receiver.statistics();
        assertEquals(octets.length - 4 - accepted, st.refused() + st.malformed());
        assertEquals("the split adds up", st.refused(), st.refusedBy().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    public void staleSignedFrameIsRefused() {
        Pair p = pair(Profile.EU, pki.ticket(), trust(pki), false, true);
        p.rig.run(Duration.ofMillis(0));
        RadioFrame recorded = p.rig.air.sent().get(0);
        int before = p.heard.messages.size();
        // replayed 5 s later (max age 2 s)
        p.rig.clock.advance(Duration.ofSeconds(5));
        p.rig.air.inject(p.rig.air.radio("replayer", org.qkdv2i.v2x.api.radio.RadioTechnology.ITS_G5,
                recorded.source()), recorded);
        assertEquals(before, p.heard.messages.size());
        assertEquals(1, p.receiver.statistics().refused());
        assertEquals(java.util.Map.of("STALE", 1L), p.receiver.statistics().refusedBy());
    }

    @Test
    public void unsecuredRefusedWhereSecurityIsRequired() {
        Pair p = pair(Profile.EU, null, trust(pki), false, false);
        p.rig.run(Duration.ofMillis(0));
        assertEquals(0, p.heard.messages.size());
        assertEquals(1, p.receiver.statistics().refused());
        assertEquals(java.util.Map.of(org.qkdv2i.v2x.api.adapter.StackStatistics.UNSECURED, 1L),
                p.receiver.statistics().refusedBy());
    }

    @Test
    public void signedBsmOverWsmp() {
        Pair p = pair(Profile.US, pki.ticket(), trust(pki), false, true);
        p.rig.run(Duration.ofMillis(1000));
        assertEquals(11, p.heard.bsms().size());
        assertEquals(32L, (long) p.heard.messages.get(0).security().psid());
        assertEquals(0, p.receiver.statistics().refused());
    }

    private static byte[] psk() {
        byte[] k = new byte[16];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    public void pskPayloadsOpenWithTheRegisteredChannelOnly() throws Exception {
        for (Profile profile : Profile.values()) {
            Pair p = pair(profile, null, new TrustStore(), false, false);
            MessageProtection mp = new MessageProtectionComponent();
            ChannelOptions options = ChannelOptions.datagram("rsu-7", p.rig.clock);
            byte[] key = psk();
            byte[] payload = "speed advice 50 km/h".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long service = profile == Profile.EU ? 3000 : 0x8A;
            try (ProtectedChannel rsuSide = mp.ieee1609Psk(key, options);
                    ProtectedChannel carSide = mp.ieee1609Psk(key, options)) {
                // not registered yet: refused
                p.sender.sendPayload(service, payload, 1, Security.psk(rsuSide));
                assertEquals(0, p.heard.messages.size());
                assertEquals(1, p.receiver.statistics().refused());

                AutoCloseable reg = p.receiver.registerPsk(key, carSide);
                Arrays.fill(key, (byte) 0);
                p.sender.sendPayload(service, payload, 1, Security.psk(rsuSide));
                assertEquals(1, p.heard.messages.size());
                var m = p.heard.messages.get(0);
                assertEquals(Protection.PSK, m.security().protection());
                assertNotNull(m.security().pskId());
                V2xContent.Payload got = (V2xContent.Payload) m.content();
                assertEquals(service, got.serviceId());
                assertArrayEquals(payload, got.data());

                // another key: refused; a replay of the accepted frame: refused by the channel
                try (ProtectedChannel stranger = mp.ieee1609Psk(psk(), options)) {
                    p.sender.sendPayload(service, payload, 1, Security.psk(stranger));
                }
                RadioFrame accepted = p.rig.air.sent().get(1);
                p.rig.air.inject(p.rig.air.radio("x", org.qkdv2i.v2x.api.radio.RadioTechnology.ITS_G5,
                        accepted.source()), accepted);
                // tampered ciphertext: refused
                p.rig.air.tamper(f -> {
                    byte[] b = f.payload();
                    b[b.length - 3] ^= 0x40;
                    return new RadioFrame(f.source(), f.destination(), f.protocol(), b, f.metadata());
                });
                p.sender.sendPayload(service, payload, 1, Security.psk(rsuSide));
                assertEquals(1, p.heard.messages.size());
                assertEquals(profile + " refusals", 4, p.receiver.statistics().refused());
                var by = p.receiver.statistics().refusedBy();
                // before registration and the stranger's key: another station's traffic, not an attack on this one
                assertEquals(by.toString(), 2L, (long) by.get(org.qkdv2i.v2x.api.adapter.StackStatistics.NO_PSK));
                assertEquals(by.toString(), 2L, by.entrySet().stream().filter(e -> e.getKey().startsWith("PSK_"))
                        .mapToLong(java.util.Map.Entry::getValue).sum());

                reg.close();
                p.rig.air.tamper(f -> f);
                p.sender.sendPayload(service, payload, 1, Security.psk(rsuSide));
                assertEquals(1, p.heard.messages.size());
            }
        }
    }

    @Test
    public void signedOpaquePayloadNeedsAnExplicitPsid() throws Exception {
        Pair p = pair(Profile.EU, pki.ticket(), trust(pki), false, false);
        try {
            p.sender.sendPayload(3000, new byte[] {1}, 3, Security.signed());
            fail("payload signed without psid");
        } catch (IllegalArgumentException expected) {
            // which ITS-AID would the receiver check?
        }
        p.sender.sendPayload(3000, new byte[] {1, 2}, 3, Security.signed(0x8A));
        assertEquals(0x8AL, (long) p.heard.messages.get(0).security().psid());
    }

    @Test
    public void credentialFilesRoundTripAndRefuseAWrongPassword() throws Exception {
        Path dir = tmp.newFolder("pki").toPath();
        pki.write(dir, "obu1", "s3cret".toCharArray(), 1000);
        SigningCredential c = CredentialFiles.loadCredential(dir.resolve("obu1.ticket.oer"), dir.resolve("obu1.ticket.key"),
                "s3cret".toCharArray());
        TrustStore t = CredentialFiles.loadTrust(new String[] {dir.resolve("root.oer").toString()},
                new String[] {dir.resolve("aa.oer").toString()});
        assertEquals(2, t.size());
        Pair p = pair(Profile.EU, c, t, false, true);
        p.rig.run(Duration.ofMillis(0));
        assertEquals(1, p.heard.messages.size());
        // the key file holds no clear PKCS#8 and a wrong password is an IOException
        byte[] file = Files.readAllBytes(dir.resolve("obu1.ticket.key"));
        byte[] der = c.privateKey().getEncoded();
        assertTrue(indexOf(file, Arrays.copyOfRange(der, der.length - 32, der.length)) < 0);
        try {
            CredentialFiles.loadCredential(dir.resolve("obu1.ticket.oer"), dir.resolve("obu1.ticket.key"),
                    "wrong".toCharArray());
            fail("wrong password");
        } catch (IOException expected) {
            assertTrue(expected.getMessage().contains("wrong password"));
        }
    }

    /** A key file that decrypts to something other than an EC key is refused with one clear line. */
    @Test
    public void credentialFilesRefuseAKeyThatIsNotEc() throws Exception {
        Path dir = tmp.newFolder("pki-not-ec").toPath();
        pki.write(dir, "obu1", "s3cret".toCharArray(), 1000);
        byte[] notEc = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.edec.EdECObjectIdentifiers.id_Ed25519),
                new org.bouncycastle.asn1.DEROctetString(new byte[32])).getEncoded();
        CredentialFiles.writeKey(dir.resolve("obu1.ticket.key"), notEc, "s3cret".toCharArray(), 1000);
        try {
            CredentialFiles.loadCredential(dir.resolve("obu1.ticket.oer"), dir.resolve("obu1.ticket.key"),
                    "s3cret".toCharArray());
            fail("an Ed25519 key was taken for a ticket's EC key");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("does not hold an EC private key"));
        }
    }

    private static int indexOf(byte[] h, byte[] n) {
        outer:
        for (int i = 0; i + n.length <= h.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (h[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static Instant start() {
        return Rig.START;
    }

    /**
     * An RSU greets the vehicle it serves under their PSK on the broadcast air: every other vehicle
     * in range recognises the frame as another station's by its recipients and refuses it NO_PSK
     * without decoding it; the station that holds the key decodes and opens it.
     */
    @Test
    public void anotherStationsPskDataIsRecognisedBeforeDecoding() throws Exception {
        Pair p = pair(Profile.EU, null, new TrustStore(), false, false);
        MessageProtection mp = new MessageProtectionComponent();
        ChannelOptions options = ChannelOptions.datagram("rsu-7", p.rig.clock);
        byte[] key = psk();
        try (ProtectedChannel rsuSide = mp.ieee1609Psk(key.clone(), options);
                ProtectedChannel carSide = mp.ieee1609Psk(key.clone(), options)) {
            p.sender.sendPayload(3000, "serving".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1,
                    Security.psk(rsuSide));
            RadioFrame f = p.rig.air.sent().get(p.rig.air.sent().size() - 1);
            byte[] data = NetCodecs.geoNetworking().decode(f.payload()).value().payload();
            assertTrue("no such key here: another station's", p.receiver.forAnotherStation(data));
            assertEquals(java.util.Map.of(org.qkdv2i.v2x.api.adapter.StackStatistics.NO_PSK, 1L),
                    p.receiver.statistics().refusedBy());
            try (AutoCloseable reg = p.receiver.registerPsk(key, carSide)) {
                assertFalse("the key holder decodes and opens it", p.receiver.forAnotherStation(data));
                p.rig.air.inject(p.rig.air.radio("rsu", org.qkdv2i.v2x.api.radio.RadioTechnology.ITS_G5, f.source()), f);
                assertEquals(1, p.heard.messages.size());
            }
            assertTrue("unregistered again", p.receiver.forAnotherStation(data));
            assertFalse("cut short: left to the full decoding", p.receiver.forAnotherStation(Arrays.copyOf(data, 12)));
            byte[] otherKind = data.clone();
            otherKind[4] = (byte) 0x81; // symmRecipInfo: not a shape this look handles
            assertFalse(p.receiver.forAnotherStation(otherKind));
        }
    }
}
