package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.PskKeyring;
import org.qkdv2i.v2x.codec.security.RecipientKind;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.VerificationStatus;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/**
 * EncryptedData from the DAU's real 1609.2 PSK channel (zap's MessageProtectionComponent): this
 * codec recognises the pskRecipInfo, finds the channel by HashedId8 and hands it the bytes.
 */
public class PskDelegationTest {

    private final Ieee1609Dot2Codec codec = Ieee1609Dot2Codecs.create();
    private final MessageProtection protection = new MessageProtectionComponent();

    private static byte[] psk() {
        byte[] k = new byte[16];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    public void pskEncryptedDataIsRecognisedAndOpenedByItsChannel() throws Exception {
        byte[] keyA = psk();
        byte[] keyB = psk();
        ChannelOptions options = ChannelOptions.datagram("rsu-7", Clock.systemUTC());
        try (ProtectedChannel sender = protection.ieee1609Psk(keyA, options);
                ProtectedChannel receiverA = protection.ieee1609Psk(keyA, options);
                ProtectedChannel receiverB = protection.ieee1609Psk(keyB, options)) {
            PskKeyring<ProtectedChannel> keyring = new PskKeyring<>();
            HashedId8 idA = keyring.register(keyA, receiverA);
            HashedId8 idB = keyring.register(keyB, receiverB);
            Arrays.fill(keyA, (byte) 0);
            Arrays.fill(keyB, (byte) 0);

            byte[] cam = "a CAM over GeoNetworking".getBytes(StandardCharsets.US_ASCII);
            byte[] wire = sender.protect(cam);
            DecodeResult<SecuredData> r = codec.decode(wire);
            assertTrue(r.toString(), r.isOk());
            SecuredData.Encrypted e = (SecuredData.Encrypted) r.value();
            assertEquals(List.of(new SecuredData.Recipient(RecipientKind.PSK, idA)), e.recipients());
            // inner Ieee1609Dot2Data (version, choice, 1-octet length; 28-octet DAU header + payload) + 16-octet tag
            assertEquals(3 + 28 + cam.length + 16, e.ciphertextLength());
            // the channel's bytes are canonical COER and re-encode byte for byte
            assertArrayEquals(wire, Oer.encode(OerIeee1609Dot2Codec.parseData(wire), Oer.DATA));

            ProtectedChannel holder = keyring.find(e).orElseThrow();
            assertTrue(holder == receiverA);
            assertArrayEquals(cam, holder.open(wire));
            assertEquals(VerificationStatus.NOT_SIGNED, codec.verify(wire, new org.qkdv2i.v2x.codec.security.TrustStore()).status());

            // a key nobody registered: recognised as PSK data, no holder
            keyring.unregister(idA);
            assertFalse(keyring.find(e).isPresent());
            assertTrue(idA.value() != idB.value());
        }
    }

    @Test
    public void tamperedCiphertextStillParsesButTheChannelRefusesIt() throws Exception {
        byte[] key = psk();
        ChannelOptions options = ChannelOptions.datagram("rsu-7", Clock.systemUTC());
        try (ProtectedChannel sender = protection.ieee1609Psk(key, options);
                ProtectedChannel receiver = protection.ieee1609Psk(key, options)) {
            PskKeyring<ProtectedChannel> keyring = new PskKeyring<>();
            keyring.register(key, receiver);
            byte[] wire = sender.protect(new byte[] {1, 2, 3});
            wire[wire.length - 1] ^= 1; // last tag octet
            SecuredData.Encrypted e = (SecuredData.Encrypted) codec.decode(wire).value();
            try {
                keyring.find(e).orElseThrow().open(wire);
                fail("tampered data opened");
            } catch (MessageRejectedException x) {
                assertEquals(MessageRejectedException.Reason.TAMPERED, x.reason());
            }
        }
    }

    @Test
    public void pskIdMatchesTheChannelsOwnHashedId8() {
        // IEEE 1609.2 §6.3.34: SHA-256 over COER SymmetricEncryptionKey { aes128Ccm k }, last 8 octets
        byte[] key = new byte[16];
        byte[] coer = new byte[17];
        coer[0] = (byte) 0x80;
        assertEquals(HashedId8.ofSha256(coer), HashedId8.ofPsk(key));
        byte[] wire = protection.ieee1609Psk(key, ChannelOptions.datagram("s", Clock.systemUTC())).protect(new byte[0]);
        SecuredData.Encrypted e = (SecuredData.Encrypted) codec.decode(wire).value();
        assertEquals(HashedId8.ofPsk(key), e.pskIds().get(0));
    }
}
