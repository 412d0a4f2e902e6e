package org.qkdv2i.zap.internal.message;

import java.util.Arrays;

import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AES-256-GCM channel (NIST SP 800-38D) with per-direction keys.
 *
 * <pre>
 * wire   = header (33 B) || ciphertext || tag (16 B)
 * header = version 0x01 | channelId u64 | epoch u32 | seq u64 | generation time ms u64 | segment tag u32
 * AAD    = header || UTF-8 segment          (the segment is bound, not sent)
 * nonce  = salt (4 B, derived from the direction key) || seq u64   (SP 800-38D §8.2.1 deterministic)
 * key    = KMAC256(directionKey, channelId || epoch, S = "qkdv2i/aead/key/v1")
 * salt   = KMAC256(directionKey, channelId || epoch, S = "qkdv2i/aead/nonce-salt/v1")[0..4)
 * </pre>
 *
 * Checks on open, in order: closed, length/version (MALFORMED), channel id (TAMPERED: not this
 * channel's key), epoch (WRONG_EPOCH), segment tag (CROSS_SEGMENT), GCM tag (TAMPERED), age
 * (EXPIRED), replay window (REPLAYED / REORDERED). Only an accepted message moves the window.
 * The AES-GCM computation itself is a {@link GcmCipher} (Bouncy Castle by default, or the JDK's
 * SunJCE): same wire format, same checks, whichever it is.
 */
final class AeadChannel extends ChannelBase {

    private static final Logger LOG = LoggerFactory.getLogger(AeadChannel.class);

    static final byte VERSION = 1;
    static final int HEADER = 33;
    static final int TAG = GcmCipher.TAG_BYTES;
    private static final int OFF_CHANNEL = 1;
    private static final int OFF_EPOCH = 9;
    private static final int OFF_SEQ = 13;
    private static final int OFF_TIME = 21;
    private static final int OFF_SEGMENT = 29;

    private final long channelId;
    private final int epoch;

    private final Object sendLock = new Object();
    private final GcmCipher sendCipher;
    private final byte[] sendSalt;
    private long sendSeq;

    private final Object receiveLock = new Object();
    private final GcmCipher receiveCipher;
    private final byte[] receiveSalt;
    private final ReplayWindow window;

    AeadChannel(ChannelKeys keys, ChannelOptions options, GcmCipher.Factory gcm) {
        super("aead channel " + Long.toUnsignedString(keys.channelId()) + " epoch " + keys.epoch(), options);
        this.channelId = keys.channelId();
        this.epoch = keys.epoch();
        this.window = new ReplayWindow(options.replayWindow());
        byte[] context = new byte[12];
        Bytes.putLong(context, 0, channelId);
        Bytes.putInt(context, 8, epoch);
        this.sendSalt = Bytes.kmac(keys.sendKey(), "qkdv2i/aead/nonce-salt/v1", context, 4);
        this.receiveSalt = Bytes.kmac(keys.receiveKey(), "qkdv2i/aead/nonce-salt/v1", context, 4);
        byte[] sendKey = Bytes.kmac(keys.sendKey(), "qkdv2i/aead/key/v1", context, 32);
        byte[] receiveKey = Bytes.kmac(keys.receiveKey(), "qkdv2i/aead/key/v1", context, 32);
        GcmCipher send = null;
        try {
            send = gcm.create(sendKey, true); // copies
            receiveCipher = gcm.create(receiveKey, false);
            sendCipher = send;
        } catch (RuntimeException e) {
            if (send != null) {
                send.destroy();
            }
            throw e;
        } finally {
            Arrays.fill(sendKey, (byte) 0);
            Arrays.fill(receiveKey, (byte) 0);
        }
    }

    private static byte[] nonce(byte[] salt, long seq) {
        byte[] n = new byte[12];
        System.arraycopy(salt, 0, n, 0, 4);
        Bytes.putLong(n, 4, seq);
        return n;
    }

    @Override
    public byte[] protect(byte[] payload) {
        if (payload == null) {
            throw new IllegalArgumentException("payload is null");
        }
        synchronized (sendLock) {
            checkNotClosedForSend();
            if (sendSeq == Long.MAX_VALUE) {
                throw new IllegalStateException(name + ": sequence numbers exhausted, rekey");
            }
            long seq = ++sendSeq;
            byte[] out = new byte[HEADER + payload.length + TAG];
            out[0] = VERSION;
            Bytes.putLong(out, OFF_CHANNEL, channelId);
            Bytes.putInt(out, OFF_EPOCH, epoch);
            Bytes.putLong(out, OFF_SEQ, seq);
            Bytes.putLong(out, OFF_TIME, clock.millis());
            Bytes.putInt(out, OFF_SEGMENT, segmentHash);
            sendCipher.seal(nonce(sendSalt, seq), out, HEADER, segmentBytes, payload);
            return out;
        }
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
        long id = Bytes.getLong(wire, OFF_CHANNEL);
        if (id != channelId) {
            throw reject(Reason.TAMPERED, name + ": message of channel " + Long.toUnsignedString(id));
        }
        int e = Bytes.getInt(wire, OFF_EPOCH);
        if (e != epoch) {
            throw reject(Reason.WRONG_EPOCH, name + ": message of key epoch " + Integer.toUnsignedString(e));
        }
        checkSegment(Bytes.getInt(wire, OFF_SEGMENT));
        long seq = Bytes.getLong(wire, OFF_SEQ);
        if (seq < 1) {
            throw reject(Reason.MALFORMED, name + ": sequence number " + Long.toUnsignedString(seq));
        }
        long generationTime = Bytes.getLong(wire, OFF_TIME);
        synchronized (receiveLock) {
            checkOpen();
            byte[] plain = new byte[wire.length - HEADER - TAG];
            if (!receiveCipher.open(nonce(receiveSalt, seq), wire, HEADER, segmentBytes, plain)) {
                throw reject(Reason.TAMPERED, name + ": authentication tag of message " + seq + " does not verify");
            }
            try {
                checkAge(generationTime, clock.millis());
                Reason r = window.check(seq);
                if (r != null) {
                    throw reject(r, name + ": sequence number " + seq + (r == Reason.REPLAYED ? " seen before" :
                            " behind the highest accepted " + window.highest() + " (window " + options.replayWindow() + ")"));
                }
            } catch (MessageRejectedException ex) {
                Arrays.fill(plain, (byte) 0);
                throw ex;
            }
            window.accept(seq);
            return plain;
        }
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            synchronized (receiveLock) {
                if (closed) {
                    return;
                }
                closed = true;
                // keys are zeroised on close (as far as each backend lets us: see its class)
                sendCipher.destroy();
                receiveCipher.destroy();
                Arrays.fill(sendSalt, (byte) 0);
                Arrays.fill(receiveSalt, (byte) 0);
            }
        }
    }
}
