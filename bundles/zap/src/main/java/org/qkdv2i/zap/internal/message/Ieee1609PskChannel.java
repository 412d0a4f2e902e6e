package org.qkdv2i.zap.internal.message;

import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.oer.Element;
import org.bouncycastle.oer.OEREncoder;
import org.bouncycastle.oer.OERInputStream;
import org.bouncycastle.oer.its.ieee1609dot2.AesCcmCiphertext;
import org.bouncycastle.oer.its.ieee1609dot2.EncryptedData;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Content;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Data;
import org.bouncycastle.oer.its.ieee1609dot2.Opaque;
import org.bouncycastle.oer.its.ieee1609dot2.PreSharedKeyRecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.RecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.SequenceOfRecipientInfo;
import org.bouncycastle.oer.its.ieee1609dot2.SymmetricCiphertext;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.UINT8;
import org.bouncycastle.oer.its.template.ieee1609dot2.IEEE1609dot2;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IEEE 1609.2 symmetric profile on the air (IEEE Std 1609.2-2016 §6.3: EncryptedData,
 * RecipientInfo / PreSharedKeyRecipientInfo, SymmetricCiphertext / One28BitCcmCiphertext):
 *
 * <pre>
 * Ieee1609Dot2Data { protocolVersion 3, content encryptedData: EncryptedData {
 *     recipients { pskRecipInfo HashedId8(psk) },
 *     ciphertext aes128ccm { nonce (12 B), ccmCiphertext = AES-128-CCM(psk, nonce, inner) (16-byte tag) } } }
 * inner = Ieee1609Dot2Data { protocolVersion 3, content unsecuredData:
 *     sender u64 | seq u64 | generation time ms u64 | segment tag u32 | payload }
 * </pre>
 *
 * All COER through Bouncy Castle's {@code org.bouncycastle.oer} encoder/decoder and its 1609.2
 * types. The PSK serves both directions, so each channel instance sends under a random 8-byte
 * sender id and a random 96-bit nonce base XOR its sequence number (nonces of two instances
 * collide only with probability ~ n·m / 2^96); receivers keep a replay window per sender and
 * refuse their own sender id (a reflected message). 1609.2 CCM has no associated data: the
 * segment tag sits inside the authenticated plaintext, so CROSS_SEGMENT is reported only for
 * an authentic message.
 */
final class Ieee1609PskChannel extends ChannelBase {

    private static final Logger LOG = LoggerFactory.getLogger(Ieee1609PskChannel.class);

    static final int PROTOCOL_VERSION = 3; // Ieee1609Dot2Data.protocolVersion of IEEE 1609.2-2016
    static final int NONCE = 12;
    static final int TAG = 16;
    static final int INNER_HEADER = 28;
    /** AES-CCM with a 12-byte nonce: L = 3, messages below 2^24 bytes (NIST SP 800-38C A.1). */
    static final int MAX_PAYLOAD = (1 << 24) - 1 - INNER_HEADER - 16;

    static final Element DATA = IEEE1609dot2.Ieee1609Dot2Data.build();

    /**
     * The fixed COER prefix this profile sends: protocolVersion 3, choice [2] encryptedData,
     * SEQUENCE OF with count length 1 and count 1, choice [0] pskRecipInfo (HashedId8 follows).
     * Anything else is refused before Bouncy Castle's decoder sees it (so no untrusted length or
     * extension ever reaches it), then the decoder parses the whole message.
     */
    private static final byte[] PREFIX = {3, (byte) 0x82, 1, 1, (byte) 0x80};
    private static final int OFF_HASHED_ID = PREFIX.length;
    /** After the HashedId8: choice [0] aes128ccm, then the 12-byte nonce. */
    private static final int OFF_CIPHERTEXT_CHOICE = OFF_HASHED_ID + 8;

    private final byte[] hashedId8;
    private final long senderId;
    private final byte[] nonceBase;

    private final Object sendLock = new Object();
    private final CCMBlockCipher sendCipher = (CCMBlockCipher) CCMBlockCipher.newInstance(AESEngine.newInstance());
    private long sendSeq;

    private final Object receiveLock = new Object();
    private final CCMBlockCipher receiveCipher = (CCMBlockCipher) CCMBlockCipher.newInstance(AESEngine.newInstance());
    private final SenderWindows windows;
    /** BC's CCM keeps this object and re-keys AES from it per message: zeroised on close. */
    private final KeyParameter key;

    Ieee1609PskChannel(byte[] psk16, ChannelOptions options, SecureRandom random) {
        super("ieee1609.2 psk channel", options);
        if (psk16 == null || psk16.length != 16) {
            throw new IllegalArgumentException("the 1609.2 PSK is 16 bytes (AES-128-CCM)");
        }
        this.hashedId8 = hashedId8(psk16);
        byte[] id = new byte[8];
        random.nextBytes(id);
        this.senderId = Bytes.getLong(id, 0);
        this.nonceBase = new byte[NONCE];
        random.nextBytes(nonceBase);
        this.windows = new SenderWindows(options.replayWindow(), name);
        this.key = new KeyParameter(psk16); // copies
        sendCipher.init(true, new AEADParameters(key, TAG * 8, nonceBase));
        receiveCipher.init(false, new AEADParameters(key, TAG * 8, nonceBase));
    }

    /**
     * IEEE 1609.2-2016 PreSharedKeyRecipientInfo (HashedId8): the low-order (last) 8 bytes of SHA-256 over
     * the COER encoding of {@code SymmetricEncryptionKey { aes128Ccm: psk }}.
     */
    static byte[] hashedId8(byte[] psk16) {
        // COER (ITU-T X.696) of this CHOICE's root alternative 0: the context-specific tag byte
        // 0x80, then the fixed-size OCTET STRING with no length: the 16 key bytes. Built here rather than by OEREncoder
        // so the PSK copy can be zeroised; the test checks it equals OEREncoder's output.
        byte[] coer = new byte[17];
        coer[0] = (byte) 0x80;
        System.arraycopy(psk16, 0, coer, 1, 16);
        SHA256Digest d = new SHA256Digest();
        d.update(coer, 0, coer.length);
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        Arrays.fill(coer, (byte) 0);
        return Arrays.copyOfRange(h, 24, 32);
    }

    private byte[] nonce(long seq) {
        byte[] n = nonceBase.clone();
        for (int i = 0; i < 8; i++) {
            n[NONCE - 1 - i] ^= (byte) (seq >>> (8 * i));
        }
        return n;
    }

    @Override
    public byte[] protect(byte[] payload) {
        if (payload == null || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload is null or longer than " + MAX_PAYLOAD + " bytes");
        }
        byte[] inner = new byte[INNER_HEADER + payload.length];
        System.arraycopy(payload, 0, inner, INNER_HEADER, payload.length);
        byte[] ccm;
        byte[] nonce;
        byte[] innerCoer;
        synchronized (sendLock) {
            checkNotClosedForSend();
            if (sendSeq == Long.MAX_VALUE) {
                throw new IllegalStateException(name + ": sequence numbers exhausted, rekey");
            }
            long seq = ++sendSeq;
            Bytes.putLong(inner, 0, senderId);
            Bytes.putLong(inner, 8, seq);
            Bytes.putLong(inner, 16, clock.millis());
            Bytes.putInt(inner, 24, segmentHash);
            innerCoer = OEREncoder.toByteArray(
                    new Ieee1609Dot2Data(new UINT8(PROTOCOL_VERSION), Ieee1609Dot2Content.unsecuredData(new Opaque(inner))),
                    DATA);
            nonce = nonce(seq);
            sendCipher.init(true, new AEADParameters(null, TAG * 8, nonce));
            try {
                ccm = sendCipher.processPacket(innerCoer, 0, innerCoer.length);
            } catch (InvalidCipherTextException e) {
                throw new IllegalStateException("CCM encryption failed", e); // cannot happen when encrypting
            }
        }
        Arrays.fill(inner, (byte) 0);
        Arrays.fill(innerCoer, (byte) 0);
        EncryptedData encrypted = new EncryptedData(
                new SequenceOfRecipientInfo(List.of(RecipientInfo.pskRecipInfo(new PreSharedKeyRecipientInfo(hashedId8)))),
                SymmetricCiphertext.aes128ccm(new AesCcmCiphertext(new DEROctetString(nonce), new Opaque(ccm))));
        return OEREncoder.toByteArray(
                new Ieee1609Dot2Data(new UINT8(PROTOCOL_VERSION), Ieee1609Dot2Content.encryptedData(encrypted)), DATA);
    }

    @Override
    public byte[] open(byte[] wire) throws MessageRejectedException {
        try {
            return doOpen(wire);
        } catch (MessageRejectedException e) {
            LOG.debug("{}: rejected {}: {}", name, e.reason(), e.getMessage());
            throw e;
        }
    }

    private byte[] doOpen(byte[] wire) throws MessageRejectedException {
        checkOpen();
        int minimum = OFF_CIPHERTEXT_CHOICE + 1 + NONCE + 1 + TAG;
        if (wire == null || wire.length < minimum) {
            throw reject(Reason.MALFORMED, name + ": " + (wire == null ? 0 : wire.length) + " bytes, at least " + minimum
                    + " expected");
        }
        if (!Arrays.equals(wire, 0, PREFIX.length, PREFIX, 0, PREFIX.length) || wire[OFF_CIPHERTEXT_CHOICE] != (byte) 0x80) {
            throw reject(Reason.MALFORMED, name + ": not a 1609.2 protocol-version-3 EncryptedData with one pskRecipInfo"
                    + " and an aes128ccm ciphertext");
        }
        Ieee1609Dot2Data outer = decode(wire, "message");
        EncryptedData encrypted = EncryptedData.getInstance(outer.getContent().getIeee1609Dot2Content());
        RecipientInfo recipient = encrypted.getRecipients().getRecipientInfos().get(0);
        byte[] recipientId = PreSharedKeyRecipientInfo.getInstance(recipient.getRecipientInfo()).getHashBytes();
        if (!Arrays.equals(recipientId, hashedId8)) {
            throw reject(Reason.TAMPERED, name + ": for another pre-shared key (pskRecipInfo "
                    + org.bouncycastle.util.encoders.Hex.toHexString(recipientId) + ")");
        }
        AesCcmCiphertext ccm = AesCcmCiphertext.getInstance(encrypted.getCiphertext().getSymmetricCiphertext());
        byte[] nonce = ccm.getNonce().getOctets();
        byte[] ciphertext = ccm.getCcmCiphertext().getContent();
        if (nonce.length != NONCE || ciphertext.length < TAG) {
            throw reject(Reason.MALFORMED, name + ": aes128ccm nonce or ciphertext too short");
        }
        synchronized (receiveLock) {
            checkOpen();
            byte[] innerCoer;
            receiveCipher.init(false, new AEADParameters(null, TAG * 8, nonce));
            try {
                innerCoer = receiveCipher.processPacket(ciphertext, 0, ciphertext.length);
            } catch (InvalidCipherTextException e) {
                throw reject(Reason.TAMPERED, name + ": CCM tag does not verify");
            }
            byte[] inner = null;
            try {
                Ieee1609Dot2Data data = decode(innerCoer, "decrypted content");
                if (data.getContent().getChoice() != Ieee1609Dot2Content.unsecuredData) {
                    throw reject(Reason.MALFORMED, name + ": decrypted content is not unsecuredData");
                }
                inner = Opaque.getInstance(data.getContent().getIeee1609Dot2Content()).getContent();
                if (inner.length < INNER_HEADER) {
                    throw reject(Reason.MALFORMED, name + ": decrypted content shorter than its header");
                }
                long sender = Bytes.getLong(inner, 0);
                long seq = Bytes.getLong(inner, 8);
                long generationTime = Bytes.getLong(inner, 16);
                if (sender == senderId) {
                    throw reject(Reason.REPLAYED, name + ": own message reflected back");
                }
                if (seq < 1) {
                    throw reject(Reason.MALFORMED, name + ": sequence number " + Long.toUnsignedString(seq));
                }
                checkSegment(Bytes.getInt(inner, 24));
                long now = clock.millis();
                checkAge(generationTime, now);
                Reason r = windows.check(sender, seq);
                if (r != null) {
                    throw reject(r, name + ": sequence number " + seq + " of sender " + Long.toHexString(sender)
                            + (r == Reason.REPLAYED ? " seen before" : " behind the window of " + options.replayWindow()));
                }
                windows.accept(sender, seq, generationTime, now - maxAgeMillis - FUTURE_SKEW_MILLIS);
                return Arrays.copyOfRange(inner, INNER_HEADER, inner.length);
            } finally {
                Arrays.fill(innerCoer, (byte) 0);
                if (inner != null) {
                    Arrays.fill(inner, (byte) 0);
                }
            }
        }
    }

    /** COER-decodes a whole {@code Ieee1609Dot2Data}; allocations bounded by the input's length. */
    private Ieee1609Dot2Data decode(byte[] bytes, String what) throws MessageRejectedException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        Ieee1609Dot2Data data;
        try (OERInputStream oer = new OERInputStream(in, bytes.length)) {
            ASN1Encodable parsed = oer.parse(DATA);
            data = Ieee1609Dot2Data.getInstance(parsed);
        } catch (Exception | StackOverflowError e) {
            throw reject(Reason.MALFORMED, name + ": " + what + " is not COER Ieee1609Dot2Data (" + e.getClass().getSimpleName() + ")");
        }
        if (in.available() != 0) {
            throw reject(Reason.MALFORMED, name + ": " + in.available() + " bytes after the " + what);
        }
        if (data.getProtocolVersion().getValue().intValue() != PROTOCOL_VERSION) {
            throw reject(Reason.MALFORMED, name + ": " + what + " has protocol version " + data.getProtocolVersion().getValue());
        }
        return data;
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            synchronized (receiveLock) {
                if (closed) {
                    return;
                }
                closed = true;
                byte[] zero = new byte[16];
                sendCipher.init(true, new AEADParameters(new KeyParameter(zero), TAG * 8, new byte[NONCE]));
                receiveCipher.init(false, new AEADParameters(new KeyParameter(zero), TAG * 8, new byte[NONCE]));
                Arrays.fill(key.getKey(), (byte) 0);
                Arrays.fill(nonceBase, (byte) 0);
            }
        }
    }
}
