package org.qkdv2i.dpn.internal.fakes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * A stand-in MessageProtection for DPN unit tests: AES-GCM (BC) with a header of channel,
 * epoch, sequence, time and a segment hash, a replay window, strict order when the
 * window is 0. Same contract as the real one; not its wire format.
 */
public final class FakeMessageProtection implements MessageProtection {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HEADER = 8 + 4 + 8 + 8 + 4 + 12;

    @Override
    public ProtectedChannel aead(ChannelKeys keys, ChannelOptions options) {
        return new Channel(keys.channelId(), keys.epoch(), keys.sendKey(), keys.receiveKey(), options);
    }

    @Override
    public ProtectedChannel ieee1609Psk(byte[] psk16, ChannelOptions options) {
        byte[] k = FakeDau.sha("psk".getBytes(StandardCharsets.US_ASCII), psk16);
        return new Channel(0, 0, k, k, options);
    }

    @Override
    public ProtectedChannel broadcastAuthentication(byte[] groupKey32, ChannelOptions options) {
        return new Channel(1, 0, groupKey32, groupKey32, options);
    }

    private static final class Channel implements ProtectedChannel {
        private final long channelId;
        private final int epoch;
        private final byte[] sendKey;
        private final byte[] receiveKey;
        private final ChannelOptions options;
        private final int segmentHash;
        private long nextSend;
        private long highest = -1;
        private long bitmap;
        private boolean closed;

        Channel(long channelId, int epoch, byte[] send, byte[] receive, ChannelOptions options) {
            this.channelId = channelId;
            this.epoch = epoch;
            this.sendKey = send.clone();
            this.receiveKey = receive.clone();
            this.options = options;
            this.segmentHash = ByteBuffer.wrap(FakeDau.sha(options.segment().getBytes(StandardCharsets.UTF_8))).getInt();
        }

        @Override
        public synchronized byte[] protect(byte[] payload) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            ByteBuffer h = ByteBuffer.allocate(HEADER).putLong(channelId).putInt(epoch).putLong(nextSend++)
                    .putLong(options.clock().millis()).putInt(segmentHash).put(nonce);
            byte[] header = h.array();
            GCMModeCipher c = GCMBlockCipher.newInstance(AESEngine.newInstance());
            c.init(true, new AEADParameters(new KeyParameter(sendKey), 128, nonce, aad(header)));
            byte[] out = new byte[HEADER + c.getOutputSize(payload.length)];
            System.arraycopy(header, 0, out, 0, HEADER);
            int n = c.processBytes(payload, 0, payload.length, out, HEADER);
            try {
                c.doFinal(out, HEADER + n);
            } catch (InvalidCipherTextException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }

        @Override
        public synchronized byte[] open(byte[] wire) throws MessageRejectedException {
            if (closed) {
                throw new MessageRejectedException(Reason.CLOSED, "closed");
            }
            if (wire.length < HEADER + 16) {
                throw new MessageRejectedException(Reason.MALFORMED, "short");
            }
            ByteBuffer h = ByteBuffer.wrap(wire);
            long ch = h.getLong();
            int ep = h.getInt();
            long seq = h.getLong();
            long time = h.getLong();
            int seg = h.getInt();
            byte[] nonce = new byte[12];
            h.get(nonce);
            if (seg != segmentHash) {
                throw new MessageRejectedException(Reason.CROSS_SEGMENT, "other segment");
            }
            if (ch != channelId) {
                throw new MessageRejectedException(Reason.TAMPERED, "other channel");
            }
            if (ep != epoch) {
                throw new MessageRejectedException(Reason.WRONG_EPOCH, "epoch " + ep + ", have " + epoch);
            }
            GCMModeCipher c = GCMBlockCipher.newInstance(AESEngine.newInstance());
            c.init(false, new AEADParameters(new KeyParameter(receiveKey), 128, nonce, aad(Arrays.copyOf(wire, HEADER))));
            byte[] out = new byte[c.getOutputSize(wire.length - HEADER)];
            int n = c.processBytes(wire, HEADER, wire.length - HEADER, out, 0);
            try {
                c.doFinal(out, n);
            } catch (InvalidCipherTextException e) {
                throw new MessageRejectedException(Reason.TAMPERED, "tag");
            }
            int window = options.replayWindow();
            if (window == 0 && seq <= highest) {
                // strict order: anything not newer than the newest accepted (gaps are losses, allowed)
                throw new MessageRejectedException(seq == highest || (highest - seq < 64 && (bitmap & (1L << (highest - seq))) != 0)
                        ? Reason.REPLAYED : Reason.REORDERED, "seq " + seq);
            }
            if (window > 0 && seq <= highest) {
                long back = highest - seq;
                if (back >= Math.min(window, 64)) {
                    throw new MessageRejectedException(Reason.REORDERED, "seq " + seq + " behind window");
                }
                if ((bitmap & (1L << back)) != 0) {
                    throw new MessageRejectedException(Reason.REPLAYED, "seq " + seq);
                }
            }
            long now = options.clock().millis();
            if (now - time > options.maxAge().toMillis() || time - now > 1000) {
                throw new MessageRejectedException(Reason.EXPIRED, "age " + (now - time) + " ms");
            }
            if (seq > highest) {
                long shift = seq - highest;
                bitmap = shift >= 64 ? 0 : bitmap << shift;
                bitmap |= 1;
                highest = seq;
            } else {
                bitmap |= 1L << (highest - seq);
            }
            return out;
        }

        private byte[] aad(byte[] header) {
            byte[] s = options.segment().getBytes(StandardCharsets.UTF_8);
            byte[] a = Arrays.copyOf(header, header.length + s.length);
            System.arraycopy(s, 0, a, header.length, s.length);
            return a;
        }

        @Override
        public synchronized void close() {
            closed = true;
            Arrays.fill(sendKey, (byte) 0);
            Arrays.fill(receiveKey, (byte) 0);
        }
    }
}
