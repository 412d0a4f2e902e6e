package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.zap.internal.message.Rejections.assertRejected;
import static org.qkdv2i.zap.internal.message.Rejections.flip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.oer.OERDecoder;
import org.bouncycastle.oer.OEREncoder;
import org.bouncycastle.oer.its.ieee1609dot2.AesCcmCiphertext;
import org.bouncycastle.oer.its.ieee1609dot2.EncryptedData;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Content;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Data;
import org.bouncycastle.oer.its.ieee1609dot2.Opaque;
import org.bouncycastle.oer.its.ieee1609dot2.PreSharedKeyRecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.RecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.SymmetricCiphertext;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.SymmetricEncryptionKey;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.UINT8;
import org.bouncycastle.oer.its.template.ieee1609dot2.IEEE1609dot2;
import org.bouncycastle.oer.its.template.ieee1609dot2.basetypes.Ieee1609Dot2BaseTypes;
import org.bouncycastle.util.encoders.Hex;
import org.junit.After;
import org.junit.Test;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;

public class Ieee1609PskChannelTest {

    private static final long T0 = 1_800_000_000_000L;

    private final MessageProtectionComponent protection = new MessageProtectionComponent();
    private final TestClock clock = new TestClock(T0);
    private final byte[] psk = Hex.decode("00112233445566778899aabbccddeeff");
    private final List<ProtectedChannel> opened = new ArrayList<>();

    private ProtectedChannel channel(byte[] key, ChannelOptions options) {
        ProtectedChannel c = protection.ieee1609Psk(key, options);
        opened.add(c);
        return c;
    }

    private ProtectedChannel channel() {
        return channel(psk, ChannelOptions.datagram("rsu-12", clock));
    }

    @After
    public void closeAll() {
        opened.forEach(ProtectedChannel::close);
    }

    private static byte[] msg(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] in) {
        SHA256Digest d = new SHA256Digest();
        d.update(in, 0, in.length);
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        return h;
    }

    @Test
    public void hashedId8IsTheLowEightBytesOfSha256OverTheCoerSymmetricEncryptionKey() {
        // COER of SymmetricEncryptionKey { aes128Ccm: OCTET STRING (SIZE(16)) }: choice tag 0x80 + 16 bytes
        byte[] coer = OEREncoder.toByteArray(SymmetricEncryptionKey.aes128ccm(psk),
                Ieee1609Dot2BaseTypes.SymmetricEncryptionKey.build());
        assertEquals("80" + Hex.toHexString(psk), Hex.toHexString(coer));
        byte[] expected = Arrays.copyOfRange(sha256(coer), 24, 32);
        assertArrayEquals(expected, Ieee1609PskChannel.hashedId8(psk));
    }

    @Test
    public void wireIsCoerIeee1609Dot2DataThatBouncyCastleDecodesBack() throws Exception {
        ProtectedChannel sender = channel();
        byte[] payload = msg("DENM: roadworks ahead, lane 2 closed");
        byte[] wire = sender.protect(payload);

        Ieee1609Dot2Data data = Ieee1609Dot2Data.getInstance(OERDecoder.decode(wire, IEEE1609dot2.Ieee1609Dot2Data.build()));
        assertEquals(3, data.getProtocolVersion().getValue().intValue());
        assertEquals(Ieee1609Dot2Content.encryptedData, data.getContent().getChoice());
        EncryptedData enc = EncryptedData.getInstance(data.getContent().getIeee1609Dot2Content());
        assertEquals(1, enc.getRecipients().getRecipientInfos().size());
        RecipientInfo r = enc.getRecipients().getRecipientInfos().get(0);
        assertEquals(RecipientInfo.pskRecipInfo, r.getChoice());
        byte[] hashedId8 = PreSharedKeyRecipientInfo.getInstance(r.getRecipientInfo()).getHashBytes();
        assertArrayEquals(Arrays.copyOfRange(sha256(Hex.decode("80" + Hex.toHexString(psk))), 24, 32), hashedId8);
        assertEquals(SymmetricCiphertext.aes128ccm, enc.getCiphertext().getChoice());
        AesCcmCiphertext ccm = AesCcmCiphertext.getInstance(enc.getCiphertext().getSymmetricCiphertext());
        assertEquals(12, ccm.getNonce().getOctets().length);
        byte[] ct = ccm.getCcmCiphertext().getContent();
        assertTrue(!new String(wire, StandardCharsets.ISO_8859_1).contains("roadworks"));

        // decrypt independently: AES-128-CCM, 16-byte tag, no associated data
        CCMBlockCipher ccmCipher = (CCMBlockCipher) CCMBlockCipher.newInstance(AESEngine.newInstance());
        ccmCipher.init(false, new AEADParameters(new KeyParameter(psk), 128, ccm.getNonce().getOctets()));
        byte[] innerCoer = ccmCipher.processPacket(ct, 0, ct.length);
        assertEquals(ct.length - 16, innerCoer.length);
        Ieee1609Dot2Data inner = Ieee1609Dot2Data.getInstance(OERDecoder.decode(innerCoer, IEEE1609dot2.Ieee1609Dot2Data.build()));
        assertEquals(3, inner.getProtocolVersion().getValue().intValue());
        assertEquals(Ieee1609Dot2Content.unsecuredData, inner.getContent().getChoice());
        byte[] unsecured = Opaque.getInstance(inner.getContent().getIeee1609Dot2Content()).getContent();
        assertEquals(1, Bytes.getLong(unsecured, 8)); // seq
        assertEquals(T0, Bytes.getLong(unsecured, 16)); // generation time
        assertEquals(Bytes.segmentHash("rsu-12"), Bytes.getInt(unsecured, 24));
        assertArrayEquals(payload, Arrays.copyOfRange(unsecured, 28, unsecured.length));

        assertArrayEquals(payload, channel().open(wire));
    }

    @Test
    public void bothEndsShareThePskAndEachOpensTheOthers() throws Exception {
        ProtectedChannel rsu = channel();
        ProtectedChannel obu = channel();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(msg("down " + i), obu.open(rsu.protect(msg("down " + i))));
            assertArrayEquals(msg("up " + i), rsu.open(obu.protect(msg("up " + i))));
        }
    }

    @Test
    public void nonceDiffersPerMessage() throws Exception {
        ProtectedChannel sender = channel();
        byte[] a = sender.protect(msg("same"));
        byte[] b = sender.protect(msg("same"));
        assertTrue(!Arrays.equals(Arrays.copyOfRange(a, 14, 26), Arrays.copyOfRange(b, 14, 26)));
    }

    @Test
    public void reflectedOwnMessageIsReplayed() {
        ProtectedChannel rsu = channel();
        assertRejected(Reason.REPLAYED, rsu, rsu.protect(msg("mine")));
    }

    @Test
    public void alteredCiphertextIsTamperedAndOtherPskIsRefused() throws Exception {
        ProtectedChannel sender = channel();
        ProtectedChannel receiver = channel();
        byte[] wire = sender.protect(msg("x"));
        for (int i = 14; i < wire.length; i++) { // nonce, length determinant excluded below, ciphertext, tag
            if (i == 26) {
                continue; // the Opaque's length determinant: MALFORMED
            }
            assertRejected(Reason.TAMPERED, receiver, flip(wire, i));
        }
        assertRejected(Reason.TAMPERED, receiver, flip(wire, 6)); // the HashedId8 names another key
        ProtectedChannel otherKey = channel(Hex.decode("ffeeddccbbaa99887766554433221100"), ChannelOptions.datagram("rsu-12", clock));
        assertRejected(Reason.TAMPERED, receiver, otherKey.protect(msg("x")));
        assertArrayEquals(msg("x"), receiver.open(wire));
    }

    @Test
    public void replayedReorderedExpiredAndCrossSegmentAreRefused() throws Exception {
        ProtectedChannel sender = channel();
        ProtectedChannel receiver = channel();
        byte[][] m = new byte[70][];
        for (int i = 0; i < m.length; i++) {
            m[i] = sender.protect(msg("m" + (i + 1)));
        }
        assertArrayEquals(msg("m70"), receiver.open(m[69]));
        assertRejected(Reason.REPLAYED, receiver, m[69]);
        assertRejected(Reason.REORDERED, receiver, m[0]);
        assertArrayEquals(msg("m10"), receiver.open(m[9]));

        clock.advance(2_001);
        assertRejected(Reason.EXPIRED, receiver, m[10]);

        ProtectedChannel otherSegment = channel(psk, ChannelOptions.datagram("rsu-13", clock));
        assertRejected(Reason.CROSS_SEGMENT, receiver, otherSegment.protect(msg("x")));

        ProtectedChannel strict = channel(psk, ChannelOptions.stream("rsu-12", clock));
        byte[] s1 = sender.protect(msg("s1"));
        byte[] s2 = sender.protect(msg("s2"));
        strict.open(s2);
        assertRejected(Reason.REORDERED, strict, s1);
    }

    @Test
    public void malformedInputIsRefused() throws Exception {
        ProtectedChannel sender = channel();
        ProtectedChannel receiver = channel();
        byte[] wire = sender.protect(msg("x"));
        assertRejected(Reason.MALFORMED, receiver, null);
        assertRejected(Reason.MALFORMED, receiver, new byte[10]);
        assertRejected(Reason.MALFORMED, receiver, Arrays.copyOf(wire, wire.length - 1));
        assertRejected(Reason.MALFORMED, receiver, Arrays.copyOf(wire, wire.length + 1)); // trailing byte
        assertRejected(Reason.MALFORMED, receiver, flip(wire, 0)); // protocol version
        byte[] hugeLength = wire.clone();
        hugeLength[26] = (byte) 0x84; // long-form length 0x7fffffff
        byte[] patched = new byte[wire.length + 4];
        System.arraycopy(hugeLength, 0, patched, 0, 27);
        patched[27] = 0x7f;
        patched[28] = patched[29] = patched[30] = (byte) 0xff;
        System.arraycopy(wire, 27, patched, 31, wire.length - 27);
        assertRejected(Reason.MALFORMED, receiver, patched);
        // authentic ciphertext whose content is not unsecuredData
        assertRejected(Reason.MALFORMED, receiver, encryptRaw(Hex.decode("0382" + "010180" + "00"), 1));
        assertArrayEquals(msg("x"), receiver.open(wire));
    }

    /** A well-formed outer structure around arbitrary (authentic) inner bytes. */
    private byte[] encryptRaw(byte[] inner, int nonceSeed) throws Exception {
        byte[] nonce = new byte[12];
        nonce[0] = (byte) nonceSeed;
        CCMBlockCipher c = (CCMBlockCipher) CCMBlockCipher.newInstance(AESEngine.newInstance());
        c.init(true, new AEADParameters(new KeyParameter(psk), 128, nonce));
        byte[] ct = c.processPacket(inner, 0, inner.length);
        EncryptedData enc = new EncryptedData(
                new org.bouncycastle.oer.its.ieee1609dot2.SequenceOfRecipientInfo(
                        List.of(RecipientInfo.pskRecipInfo(new PreSharedKeyRecipientInfo(Ieee1609PskChannel.hashedId8(psk))))),
                SymmetricCiphertext.aes128ccm(new AesCcmCiphertext(new org.bouncycastle.asn1.DEROctetString(nonce), new Opaque(ct))));
        return OEREncoder.toByteArray(new Ieee1609Dot2Data(new UINT8(3), Ieee1609Dot2Content.encryptedData(enc)),
                IEEE1609dot2.Ieee1609Dot2Data.build());
    }

    @Test
    public void rejectedMessagesLeaveTheChannelStateUnchanged() throws Exception {
        ProtectedChannel sender = channel();
        ProtectedChannel strict = channel(psk, ChannelOptions.stream("rsu-12", clock));
        byte[] m1 = sender.protect(msg("1"));
        for (int i = 0; i < 9; i++) {
            sender.protect(msg("skipped"));
        }
        byte[] m11 = sender.protect(msg("11"));
        assertRejected(Reason.TAMPERED, strict, flip(m11, m11.length - 1));
        clock.advance(31_000);
        assertRejected(Reason.EXPIRED, strict, m11);
        clock.advance(-31_000);
        ProtectedChannel otherSegment = channel(psk, ChannelOptions.stream("rsu-13", clock));
        assertRejected(Reason.CROSS_SEGMENT, strict, otherSegment.protect(msg("x")));
        assertRejected(Reason.REPLAYED, strict, strict.protect(msg("reflected")));
        assertArrayEquals(msg("1"), strict.open(m1)); // still the first: nothing above moved the window
        assertArrayEquals(msg("11"), strict.open(m11));
        assertRejected(Reason.REPLAYED, strict, m11);
    }

    @Test
    public void closedChannelRefusesEverythingAndKeyLengthIsChecked() {
        ProtectedChannel sender = channel();
        ProtectedChannel receiver = channel();
        byte[] wire = sender.protect(msg("x"));
        receiver.close();
        assertRejected(Reason.CLOSED, receiver, wire);
        sender.close();
        try {
            sender.protect(msg("y"));
            fail("protect on a closed channel");
        } catch (IllegalStateException expected) {
        }
        try {
            protection.ieee1609Psk(new byte[32], ChannelOptions.datagram("s", clock));
            fail("32-byte PSK accepted");
        } catch (IllegalArgumentException expected) {
        }
    }
}
