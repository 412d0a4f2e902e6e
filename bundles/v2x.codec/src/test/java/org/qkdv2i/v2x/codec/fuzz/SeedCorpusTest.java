package org.qkdv2i.v2x.codec.fuzz;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.Assume;
import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.security.GenerationLocation;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.VerificationStatus;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/**
 * The seed corpora of the Jazzer targets ({@code src/test/resources/.../fuzz/<Target>Inputs/fuzz/}).
 * They were written from the existing test vectors and samples (published vectors, pinned
 * encodings, the random samples of the round-trip tests, messages signed by {@link FuzzPki}) by
 * {@code mvn -pl bundles/v2x.codec test -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true}; Jazzer adds
 * its crash inputs next to them. This test checks that the committed seeds still mean what they
 * should: every seed not named {@code reject-*} or {@code crash-*} is accepted by its target's
 * decoder, and every {@code signed-*} seed verifies against the fixed PKI.
 */
public class SeedCorpusTest {
    private static final String INTERNAL = "org.qkdv2i.v2x.codec.internal.";
    private static final Ieee1609Dot2Codec SEC = Ieee1609Dot2Codecs.create();

    private static final Map<String, Function<byte[], DecodeResult<?>>> DECODERS = new LinkedHashMap<>();

    static {
        DECODERS.put("CamFuzzTest", b -> V2xCodecs.cam().decode(b));
        DECODERS.put("DenmFuzzTest", b -> V2xCodecs.denm().decode(b));
        DECODERS.put("BsmFuzzTest", b -> V2xCodecs.bsm().decode(b));
        DECODERS.put("GnFuzzTest", b -> NetCodecs.geoNetworking().decode(b));
        DECODERS.put("BtpFuzzTest", b -> NetCodecs.btp().decode((b[0] & 1) == 0 ? BtpPacket.Type.A : BtpPacket.Type.B,
                Arrays.copyOfRange(b, 1, b.length)));
        DECODERS.put("WsmpFuzzTest", b -> NetCodecs.wsmp().decode(b));
        DECODERS.put("Pc5FuzzTest", b -> NetCodecs.pc5NonIp().decode(b));
        DECODERS.put("EthernetFuzzTest", b -> NetCodecs.ethernet().decode(b));
        DECODERS.put("Ieee1609DecodeFuzzTest", SEC::decode);
        DECODERS.put("Ieee1609VerifyFuzzTest", SEC::decode);
    }

    @Test
    public void everyTargetHasSeedsAndTheyAreAccepted() throws Exception {
        for (Map.Entry<String, Function<byte[], DecodeResult<?>>> e : DECODERS.entrySet()) {
            Map<String, byte[]> seeds = committedSeeds(e.getKey());
            assertTrue(e.getKey() + " has " + seeds.size() + " seeds", seeds.size() >= 3);
            for (Map.Entry<String, byte[]> s : seeds.entrySet()) {
                DecodeResult<?> r = e.getValue().apply(s.getValue());
                if (s.getKey().startsWith("reject-")) {
                    assertFalse(e.getKey() + "/" + s.getKey() + " should be refused", r.isOk());
                } else if (!s.getKey().startsWith("crash-")) {
                    assertTrue(e.getKey() + "/" + s.getKey() + ": " + r, r.isOk());
                }
            }
        }
    }

    @Test
    public void signedSeedsVerifyAgainstTheFixedPki() throws Exception {
        FuzzPki pki = new FuzzPki(SEC);
        int signed = 0;
        for (Map.Entry<String, byte[]> s : committedSeeds("Ieee1609VerifyFuzzTest").entrySet()) {
            if (s.getKey().startsWith("signed-")) {
                assertEquals(s.getKey(), VerificationStatus.OK, SEC.verify(s.getValue(), pki.trustStore()).status());
                signed++;
            }
        }
        assertTrue(signed >= 4);
    }

    @Test
    public void writeSeeds() throws Exception {
        // a tool, run on demand (see the class comment): skipped, not passed, in ordinary runs
        Assume.assumeTrue("seed writer: run with -Dfuzz.writeSeeds=true", Boolean.getBoolean("fuzz.writeSeeds"));
        Map<String, Map<String, byte[]>> all = generate();
        for (Map.Entry<String, Map<String, byte[]>> t : all.entrySet()) {
            Path dir = Paths.get("src/test/resources/org/qkdv2i/v2x/codec/fuzz", t.getKey() + "Inputs", "fuzz");
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> s : t.getValue().entrySet()) {
                Files.write(dir.resolve(s.getKey()), s.getValue());
            }
        }
    }

    private static Map<String, byte[]> committedSeeds(String target) throws IOException, URISyntaxException {
        var url = SeedCorpusTest.class.getResource(target + "Inputs/fuzz");
        assertTrue(target + ": no seed directory", url != null);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Paths.get(url.toURI()))) {
            for (Path p : files.sorted().toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    seeds.put(p.getFileName().toString(), in.readAllBytes());
                }
            }
        }
        return seeds;
    }

    // ---- generation from the existing vectors and samples (package-private there: read by reflection)

    private static Object constant(String cls, String field) throws ReflectiveOperationException {
        Field f = Class.forName(INTERNAL + cls).getDeclaredField(field);
        f.setAccessible(true);
        return f.get(null);
    }

    private static byte[] hex(String cls, String field) throws ReflectiveOperationException {
        return Properties.HEX.parseHex((String) constant(cls, field));
    }

    private static List<Object> samples(String method, int n) throws ReflectiveOperationException {
        Class<?> c = Class.forName(INTERNAL + "Samples");
        Constructor<?> k = c.getDeclaredConstructor(long.class);
        k.setAccessible(true);
        Object s = k.newInstance(6L);
        Method m = c.getDeclaredMethod(method);
        m.setAccessible(true);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(m.invoke(s));
        }
        return out;
    }

    private static List<Object> netSamples(String method, int n) throws ReflectiveOperationException {
        Method m = Class.forName(INTERNAL + "net.NetSamples").getDeclaredMethod(method, Random.class);
        m.setAccessible(true);
        Random r = new Random(6);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(m.invoke(null, r));
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Map<String, byte[]>> generate() throws Exception {
        Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
        Map<String, byte[]> cam = new LinkedHashMap<>();
        cam.put("vanetza-golf8-verify", hex("PublishedVectorsTest", "CAM_GOLF8_VERIFY"));
        cam.put("vanetza-golf8-deserialize", hex("PublishedVectorsTest", "CAM_GOLF8_DESERIALIZE"));
        cam.put("vanetza-issue-115", hex("PublishedVectorsTest", "CAM_VANETZA_ISSUE_115"));
        cam.put("pinned-full", hex("PinnedEncodingsTest", "FULL_CAM"));
        cam.put("pinned-rsu", hex("PinnedEncodingsTest", "RSU_CAM"));
        int i = 0;
        for (Object m : samples("cam", 6)) {
            cam.put("sample-" + i++, ((org.qkdv2i.v2x.codec.MessageCodec) V2xCodecs.cam()).encode(m));
        }
        all.put("CamFuzzTest", cam);

        Map<String, byte[]> denm = new LinkedHashMap<>();
        denm.put("pinned-full", hex("PinnedEncodingsTest", "FULL_DENM"));
        denm.put("reject-v1-oslo", hex("PinnedEncodingsTest", "DENM_V1_OSLO"));
        i = 0;
        for (Object m : samples("denm", 6)) {
            denm.put("sample-" + i++, ((org.qkdv2i.v2x.codec.MessageCodec) V2xCodecs.denm()).encode(m));
        }
        all.put("DenmFuzzTest", denm);

        Map<String, byte[]> bsm = new LinkedHashMap<>();
        bsm.put("asn1-codec-part2", hex("PublishedVectorsTest", "BSM_ASN1_CODEC"));
        bsm.put("asn1-codec-three-part2", hex("PublishedVectorsTest", "BSM_ASN1_CODEC_PART2"));
        i = 0;
        for (Object m : samples("bsm", 6)) {
            bsm.put("sample-" + i++, ((org.qkdv2i.v2x.codec.MessageCodec) V2xCodecs.bsm()).encode(m));
        }
        all.put("BsmFuzzTest", bsm);

        Map<String, byte[]> gn = new LinkedHashMap<>();
        gn.put("vanetza-golf8-shb", Properties.HEX.parseHex("11001a01" + constant("net.NetPublishedVectorsTest",
                "GOLF8_DESERIALIZE_GN")));
        gn.put("secured-vanetza", NetCodecs.geoNetworking().encode(GnPacket.secured(GnLifetime.DEFAULT, 1,
                hex("security.VanetzaVectorsTest", "GOLF8_WITH_CERTIFICATE"))));
        i = 0;
        for (Object p : netSamples("gn", 8)) {
            gn.put("sample-" + i++, NetCodecs.geoNetworking().encode((GnPacket) p));
        }
        all.put("GnFuzzTest", gn);

        Map<String, byte[]> btp = new LinkedHashMap<>();
        i = 0;
        for (Object p : netSamples("btp", 6)) {
            BtpPacket b = (BtpPacket) p;
            byte[] octets = NetCodecs.btp().encode(b);
            byte[] seed = new byte[octets.length + 1];
            seed[0] = (byte) (b.type() == BtpPacket.Type.A ? 0 : 1);
            System.arraycopy(octets, 0, seed, 1, octets.length);
            btp.put("sample-" + i++, seed);
        }
        all.put("BtpFuzzTest", btp);

        Map<String, byte[]> wsmp = new LinkedHashMap<>();
        wsmp.put("rsa-rsu", hex("net.NetPublishedVectorsTest", "WSMP_RSA"));
        i = 0;
        for (Object p : netSamples("wsmp", 8)) {
            wsmp.put("sample-" + i++, NetCodecs.wsmp().encode((org.qkdv2i.v2x.codec.net.WsmpPacket) p));
        }
        all.put("WsmpFuzzTest", wsmp);

        Map<String, byte[]> pc5 = new LinkedHashMap<>();
        i = 0;
        for (Object p : netSamples("pc5", 5)) {
            pc5.put("sample-" + i++, NetCodecs.pc5NonIp().encode((org.qkdv2i.v2x.codec.net.Pc5NonIpPdu) p));
        }
        all.put("Pc5FuzzTest", pc5);

        Map<String, byte[]> eth = new LinkedHashMap<>();
        eth.put("obu-bsm-frame-header", hex("net.NetPublishedVectorsTest", "BSM_FRAME_HEADER"));
        i = 0;
        for (Object p : netSamples("ethernet", 5)) {
            eth.put("sample-" + i++, NetCodecs.ethernet().encode((org.qkdv2i.v2x.codec.net.EthernetFrame) p));
        }
        all.put("EthernetFuzzTest", eth);

        FuzzPki pki = new FuzzPki(SEC);
        byte[] camInGn = gn.get("vanetza-golf8-shb");
        Map<String, byte[]> signed = new LinkedHashMap<>();
        signed.put("signed-cam-certificate", SEC.sign(new SignRequest(Psid.CAM, camInGn, FuzzPki.SIGNED_AT, null,
                SignerKind.CERTIFICATE), pki.ticket));
        signed.put("signed-cam-digest", SEC.sign(new SignRequest(Psid.CAM, camInGn, FuzzPki.SIGNED_AT, null,
                SignerKind.DIGEST), pki.ticket));
        signed.put("signed-denm-location", SEC.sign(new SignRequest(Psid.DENM, denm.get("pinned-full"), FuzzPki.SIGNED_AT,
                new GenerationLocation(599_139_000, 107_522_000, 230), SignerKind.CERTIFICATE), pki.ticket));
        signed.put("signed-bsm-digest", SEC.sign(new SignRequest(Psid.BSM, bsm.get("asn1-codec-part2"), FuzzPki.SIGNED_AT,
                null, SignerKind.DIGEST), pki.ticket));
        signed.put("vanetza-golf8-certificate", hex("security.VanetzaVectorsTest", "GOLF8_WITH_CERTIFICATE"));
        signed.put("vanetza-golf8-digest", hex("security.VanetzaVectorsTest", "GOLF8_BY_DIGEST"));
        all.put("Ieee1609VerifyFuzzTest", signed);

        Map<String, byte[]> sec = new LinkedHashMap<>(signed);
        sec.put("unsecured-cam", SEC.encodeUnsecured(camInGn));
        sec.put("encrypted-psk", new MessageProtectionComponent().ieee1609Psk(new byte[16],
                ChannelOptions.datagram("s", Clock.systemUTC())).protect(new byte[] {1, 2, 3}));
        all.put("Ieee1609DecodeFuzzTest", sec);
        return all;
    }
}
