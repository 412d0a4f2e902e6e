package org.qkdv2i.zap.internal.message;

import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication only, for broadcast (NIST SP 800-185 §4 KMAC256, 32-byte tag):
 *
 * <pre>
 * wire   = header (29 B) || payload (clear) || tag (32 B)
 * header = version 0x01 | sender u64 | seq u64 | generation time ms u64 | segment tag u32
 * tag    = KMAC256(groupKey, header || u32 len(segment) || segment || payload, L = 256, S = "qkdv2i/broadcast/v1")
 * </pre>
 *
 * A group key has many senders: each channel instance sends under a random 8-byte sender id;
 * receivers keep a replay window per sender and refuse their own id (a reflected message).
 * Any member of the group can forge for the group: this authenticates membership, not a
 * single sender.
 */
final class BroadcastAuthChannel extends ChannelBase {

    private static final Logger LOG = LoggerFactory.getLogger(BroadcastAuthChannel.class);

    static final byte VERSION = 1;
    static final int HEADER = 29;
    static final int TAG = 32;
    private static final String CUSTOMISATION = "qkdv2i/broadcast/v1";

    private final long senderId;
    private final byte[] segmentLength = new byte[4];

    private final Object sendLock = new Object();
    private final KMAC sendMac = new KMAC(256, Bytes.utf8(CUSTOMISATION));
    private long sendSeq;

    private final Object receiveLock = new Object();
    private final KMAC receiveMac = new KMAC(256, Bytes.utf8(CUSTOMISATION));
    private final SenderWindows windows;

    BroadcastAuthChannel(byte[] groupKey32, ChannelOptions options, SecureRandom random) {
        super("broadcast authentication channel", options);
        if (groupKey32 == null || groupKey32.length != 32) {
            throw new IllegalArgumentException("the broadcast group key is 32 bytes");
        }
        byte[] id = new byte[8];
        random.nextBytes(id);
        this.senderId = Bytes.getLong(id, 0);
        Bytes.putInt(segmentLength, 0, segmentBytes.length);
        this.windows = new SenderWindows(options.replayWindow(), name);
        sendMac.init(new KeyParameter(groupKey32)); // KeyParameter and KMAC copy the key
        receiveMac.init(new KeyParameter(groupKey32));
    }

    private void tag(KMAC mac, byte[] buf, int payloadEnd, byte[] out, int outOff) {
        mac.update(buf, 0, HEADER);
        mac.update(segmentLength, 0, 4);
        mac.update(segmentBytes, 0, segmentBytes.length);
        mac.update(buf, HEADER, payloadEnd - HEADER);
        mac.doFinal(out, outOff, TAG); // resets to the keyed state
    }

    @Override
    public byte[] protect(byte[] payload) {
        if (payload == null) {
            throw new IllegalArgumentException("payload is null");
        }
        byte[] out = new byte[HEADER + payload.length + TAG];
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        synchronized (sendLock) {
            checkNotClosedForSend();
            if (sendSeq == Long.MAX_VALUE) {
                throw new IllegalStateException(name + ": sequence numbers exhausted, rekey");
            }
            long seq = ++sendSeq;
            out[0] = VERSION;
            Bytes.putLong(out, 1, senderId);
            Bytes.putLong(out, 9, seq);
            Bytes.putLong(out, 17, clock.millis());
            Bytes.putInt(out, 25, segmentHash);
            tag(sendMac, out, HEADER + payload.length, out, HEADER + payload.length);
        }
        return out;
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
        if (wire == null || wire.length < HEADER + TAG) {
            throw reject(Reason.MALFORMED, name + ": " + (wire == null ? 0 : wire.length) + " bytes, at least "
                    + (HEADER + TAG) + " expected");
        }
        if (wire[0] != VERSION) {
            throw reject(Reason.MALFORMED, name + ": unknown version " + (wire[0] & 0xFF));
        }
        checkSegment(Bytes.getInt(wire, 25));
        long sender = Bytes.getLong(wire, 1);
        long seq = Bytes.getLong(wire, 9);
        long generationTime = Bytes.getLong(wire, 17);
        if (seq < 1) {
            throw reject(Reason.MALFORMED, name + ": sequence number " + Long.toUnsignedString(seq));
        }
        int payloadEnd = wire.length - TAG;
        byte[] expected = new byte[TAG];
        synchronized (receiveLock) {
            checkOpen();
            tag(receiveMac, wire, payloadEnd, expected, 0);
            if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(TAG, expected, 0, wire, payloadEnd)) {
                throw reject(Reason.TAMPERED, name + ": KMAC tag of message " + seq + " does not verify");
            }
            if (sender == senderId) {
                throw reject(Reason.REPLAYED, name + ": own message reflected back");
            }
            long now = clock.millis();
            checkAge(generationTime, now);
            Reason r = windows.check(sender, seq);
            if (r != null) {
                throw reject(r, name + ": sequence number " + seq + " of sender " + Long.toHexString(sender)
                        + (r == Reason.REPLAYED ? " seen before" : " behind the window of " + options.replayWindow()));
            }
            windows.accept(sender, seq, generationTime, now - maxAgeMillis - FUTURE_SKEW_MILLIS);
        }
        return Arrays.copyOfRange(wire, HEADER, payloadEnd);
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            synchronized (receiveLock) {
                if (closed) {
                    return;
                }
                closed = true;
                byte[] zero = new byte[32];
                // KMAC absorbed the key into its sponge state and keeps a private clone; re-keying
                // overwrites the state, the old clone is left to the garbage collector.
                sendMac.init(new KeyParameter(zero));
                receiveMac.init(new KeyParameter(zero));
            }
        }
    }
}
