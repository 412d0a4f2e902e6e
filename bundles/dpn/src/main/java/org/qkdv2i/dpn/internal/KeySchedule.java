package org.qkdv2i.dpn.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.qkdv2i.zap.api.DeviceId;

/**
 * DPN session keys (issue 5 design contract, DPN): HKDF-SHA256 (RFC 5869) over the ZAP
 * session secret, optionally concatenated with a QKD key, salted with the set-up transcript
 * hash and bound to both device IDs (lower first) and the epoch. Each epoch yields two
 * direction keys, a chain secret (the input of the next epoch) and an exporter secret.
 */
final class KeySchedule {

    static final byte[] SESSION_INFO = ascii("qkdv2i/dpn/session/v1");
    static final byte[] REKEY_INFO = ascii("qkdv2i/dpn/rekey/v1");
    static final byte[] EXPORT_INFO = ascii("qkdv2i/dpn/export/v1");
    static final byte[] TRANSCRIPT_LABEL = ascii("qkdv2i/dpn/transcript/v1");

    private KeySchedule() {
    }

    /** The keys of one epoch; {@link #close()} zeroises them. */
    static final class EpochKeys implements AutoCloseable {
        final int epoch;
        final byte[] lowToHigh;
        final byte[] highToLow;
        final byte[] chain;
        final byte[] exporter;

        private EpochKeys(int epoch, byte[] okm) {
            this.epoch = epoch;
            this.lowToHigh = Arrays.copyOfRange(okm, 0, 32);
            this.highToLow = Arrays.copyOfRange(okm, 32, 64);
            this.chain = Arrays.copyOfRange(okm, 64, 96);
            this.exporter = Arrays.copyOfRange(okm, 96, 128);
            Arrays.fill(okm, (byte) 0);
        }

        /** Send key of the side whose ID is {@code localIsLow ? lower : higher}; a copy. */
        byte[] sendKey(boolean localIsLow) {
            return (localIsLow ? lowToHigh : highToLow).clone();
        }

        byte[] receiveKey(boolean localIsLow) {
            return (localIsLow ? highToLow : lowToHigh).clone();
        }

        @Override
        public void close() {
            Arrays.fill(lowToHigh, (byte) 0);
            Arrays.fill(highToLow, (byte) 0);
            Arrays.fill(chain, (byte) 0);
            Arrays.fill(exporter, (byte) 0);
        }

        @Override
        public String toString() {
            return "EpochKeys[" + epoch + ", hidden]";
        }
    }

    /** Epoch 0: ikm = ZAP secret [|| QKD key], salt = set-up transcript hash. */
    static EpochKeys initial(byte[] authSecret, byte[] qkdKey, byte[] transcriptHash, DeviceId a, DeviceId b) {
        byte[] ikm = concat(authSecret, qkdKey);
        try {
            return new EpochKeys(0, hkdf(ikm, transcriptHash, info(SESSION_INFO, a, b, 0), 128));
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /**
     * Epoch e+1: ikm = chain secret of epoch e [|| fresh QKD key], salt = the rekey
     * initiator's nonce || the answering side's nonce.
     */
    static EpochKeys next(EpochKeys previous, byte[] qkdKey, byte[] nonceRequester, byte[] nonceResponder, DeviceId a,
            DeviceId b) {
        byte[] ikm = concat(previous.chain, qkdKey);
        byte[] salt = concat(nonceRequester, nonceResponder);
        int epoch = previous.epoch + 1;
        try {
            return new EpochKeys(epoch, hkdf(ikm, salt, info(REKEY_INFO, a, b, epoch), 128));
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** Keying material for another protocol between the same pair, bound to label and epoch. */
    static byte[] export(EpochKeys keys, String label, int length, DeviceId a, DeviceId b) {
        if (label == null || label.isEmpty() || length < 1 || length > 255 * 32) {
            throw new IllegalArgumentException("exportKey needs a label and 1 <= length <= 8160");
        }
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] base = info(EXPORT_INFO, a, b, keys.epoch);
        byte[] info = ByteBuffer.allocate(base.length + 2 + l.length).put(base).putShort((short) l.length).put(l)
                .array();
        return hkdf(keys.exporter, new byte[0], info, length);
    }

    /** SHA-256 over the ZAP transcript hash and the DPN set-up frames: the HKDF salt. */
    static byte[] transcriptHash(byte[] zapTranscriptHash, byte[] hello, byte[] setup) {
        SHA256Digest d = new SHA256Digest();
        update(d, TRANSCRIPT_LABEL);
        update(d, zapTranscriptHash);
        update(d, hello);
        update(d, setup);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    static byte[] idBytes(DeviceId id) {
        return HexFormat.of().parseHex(id.value());
    }

    /** info = label || lower ID || higher ID || epoch (u32). */
    static byte[] info(byte[] label, DeviceId a, DeviceId b, int epoch) {
        DeviceId low = a.compareTo(b) <= 0 ? a : b;
        DeviceId high = low == a ? b : a;
        return ByteBuffer.allocate(label.length + 36).put(label).put(idBytes(low)).put(idBytes(high)).putInt(epoch)
                .array();
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    static void update(SHA256Digest d, byte[] part) {
        // length-prefixed, so the concatenation is unambiguous
        d.update((byte) (part.length >>> 24));
        d.update((byte) (part.length >>> 16));
        d.update((byte) (part.length >>> 8));
        d.update((byte) part.length);
        d.update(part, 0, part.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b == null) {
            return a.clone();
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
