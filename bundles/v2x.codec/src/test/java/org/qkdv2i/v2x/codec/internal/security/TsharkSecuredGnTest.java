package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.testing.Tshark;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/**
 * Wireshark's own IEEE 1609.2 dissector (tshark 4.0, generated from the 1609.2 ASN.1 by its
 * compiler) reads secured GeoNetworking frames built here — the Vanetza CAM as published, our
 * PKI's CAMs signed with a certificate and with a digest, unsecured data and the DAU's PSK
 * EncryptedData — without malformed packets or expert warnings, and shows the values we encoded.
 * The GeoNetworking basic header (EN 302 636-4-1 §9.6: version 1, next header 2 = secured) is
 * written by hand; the secured payload carries the Golf 8's common + SHB + BTP-B + CAM bytes.
 * Skipped where tshark is absent, unless the environment variable CI is set (then it fails).
 */
public class TsharkSecuredGnTest {
    static final HexFormat HEX = HexFormat.of();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    static byte[] securedGnFrame(byte[] ieee1609Dot2Data) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 + ieee1609Dot2Data.length);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1, (byte) 0x89, 0x47});
        b.put(new byte[] {0x12, 0x00, 0x1a, 0x01}); // basic: version 1, NH 2 secured packet, lifetime 60 s, RHL 1
        b.put(ieee1609Dot2Data);
        return b.array();
    }

    private List<String> dissect(List<byte[]> frames) throws Exception {
        File file = tmp.newFile("secured.pcap");
        Files.write(file.toPath(), Tshark.pcap(frames));
        List<String> perFrame = new ArrayList<>();
        for (int i = 1; i <= frames.size(); i++) {
            perFrame.add(Tshark.run(file, "-V", "-Y", "frame.number == " + i));
        }
        return perFrame;
    }

    private static void clean(String text) {
        Tshark.assertClean(text, "Comment", "Chat", "Note"); // no Warning or Error
        assertTrue(text, text.contains("Ieee1609Dot2Data"));
        assertTrue(text, text.contains("protocolVersion: 3"));
    }

    private static void shows(String text, String... lines) {
        for (String l : lines) {
            assertTrue("tshark shows \"" + l + "\"\n" + text, text.contains(l));
        }
    }

    /** Wireshark prints Time64 as UTC with microseconds, leap seconds taken off. */
    private static String time(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC).format(t);
    }

    @Test
    public void securedFramesDissectCleanly() throws Exception {
        Tshark.require("1609.2 cross-check");
        Ieee1609Dot2Codec codec = Ieee1609Dot2Codecs.create();
        TestPki pki = new TestPki(codec);
        byte[] vanetza = HEX.parseHex(VanetzaVectorsTest.GOLF8_WITH_CERTIFICATE);
        byte[] gnPacket = ((SecuredData.Signed) codec.decode(vanetza).value()).payload();
        Instant t = Instant.parse("2026-11-03T12:00:00.654321Z");
        byte[] byCert = codec.sign(new SignRequest(Psid.CAM, gnPacket, t, null, SignerKind.CERTIFICATE), pki.ticket);
        byte[] byDigest = codec.sign(new SignRequest(Psid.CAM, gnPacket, t, null, SignerKind.DIGEST), pki.ticket);
        byte[] unsecured = codec.encodeUnsecured(gnPacket);
        byte[] psk = new MessageProtectionComponent().ieee1609Psk(new byte[16], ChannelOptions.datagram("s",
                Clock.systemUTC())).protect(gnPacket);

        List<String> text = dissect(List.of(securedGnFrame(vanetza), securedGnFrame(byCert), securedGnFrame(byDigest),
                securedGnFrame(unsecured), securedGnFrame(psk)));
        text.forEach(TsharkSecuredGnTest::clean);
        shows(text.get(0), "psid: psid-ca-basic-services (36)", "generationTime: 2019-11-21 13:27:54.447061",
                "sha256AndDigest: 56dfd6d627a362dc", "messageID: cam (2)", "stationID: 1289795728");
        shows(text.get(1), "content: signedData (1)", "hashId: sha256 (0)", "psid: psid-ca-basic-services (36)",
                "generationTime: " + time(t), "signer: certificate (1)", "type: explicit (0)",
                "sha256AndDigest: " + pki.authority.id(), "hours: 168", "rSig: x-only (0)", "messageID: cam (2)");
        shows(text.get(2), "signer: digest (0)", "digest: " + pki.ticket.id(), "generationTime: " + time(t),
                "stationID: 1289795728");
        // Wireshark 4.0 goes on into the GeoNetworking common header only after signed data
        shows(text.get(3), "content: unsecuredData (0)", "unsecuredData: 20500280003201001400fe384ce0b890");
        shows(text.get(4), "content: encryptedData (2)", "pskRecipInfo: "
                + org.qkdv2i.v2x.codec.security.HashedId8.ofPsk(new byte[16]), "aes128ccm");
    }
}
