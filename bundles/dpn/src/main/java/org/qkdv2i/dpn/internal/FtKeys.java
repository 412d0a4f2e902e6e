package org.qkdv2i.dpn.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;
import org.qkdv2i.zap.api.DeviceId;

/**
 * The fast-transition key hierarchy (IEEE 802.11-2020 §13.8 adapted to DAUs), all from Bouncy
 * Castle's HKDF-SHA256 and KMAC256:
 *
 * <pre>
 * PMK-R0 | salt  = DpnSession.exportKey("qkdv2i/dpn/ft/pmk-r0/v1|" + MDID + "|" + R0KH-ID, 48)
 *                  (the exporter binds both identities and the epoch; first, post-quantum session)
 * PMKR0Name      = Truncate-128(SHA-256("FT-R0N" | salt | MDID | R0KH-ID | S0KH-ID))
 * PMK-R1         = HKDF(PMK-R0, salt = PMKR0Name, info = "FT-R1" | R1KH-ID | S1KH-ID)
 * MIC            = KMAC256(PMK-R1, customisation "qkdv2i/dpn/ft/mic-{initiator,responder}/v1", transcript)
 * set-up secret  = KMAC256(PMK-R1, "qkdv2i/dpn/ft/secret/v1", transcript)   (replaces the ZAP secret)
 * PMK-R0' (next domain) = HKDF(PMK-R0, salt = PMKR0Name, info = "FT-R0-next" | R0KH-ID' | S0KH-ID) -> 48 B
 * </pre>
 * The MDID is the R0 key holder's device ID (the base station): a mobility domain is the set
 * of RSUs attached to one base station.
 */
final class FtKeys {

    static final int KEY = 32;
    static final int NAME = 16;
    static final int NONCE = 32;
    static final String R0_LABEL = "qkdv2i/dpn/ft/pmk-r0/v1|";
    private static final byte[] R0N = ascii("FT-R0N");
    private static final byte[] R1 = ascii("FT-R1");
    private static final byte[] R0_NEXT = ascii("FT-R0-next");
    private static final byte[] TRANSCRIPT = ascii("qkdv2i/dpn/ft/transcript/v1");
    static final byte[] MIC_INITIATOR = ascii("qkdv2i/dpn/ft/mic-initiator/v1");
    static final byte[] MIC_RESPONDER = ascii("qkdv2i/dpn/ft/mic-responder/v1");
    static final byte[] SECRET = ascii("qkdv2i/dpn/ft/secret/v1");

    private FtKeys() {
    }

    /** A PMK-R0 (or PMK-R1) with its name; {@link #close()} zeroises the key. */
    static final class NamedKey implements AutoCloseable {
        final byte[] key;
        final byte[] name;

        NamedKey(byte[] key, byte[] name) {
            this.key = key;
            this.name = name;
        }

        NamedKey copy() {
            return new NamedKey(key.clone(), name.clone());
        }

        @Override
        public void close() {
            Arrays.fill(key, (byte) 0);
        }

        @Override
        public String toString() {
            return "NamedKey[hidden]";
        }
    }

    /** The exporter label of the PMK-R0 material for this domain (the exporter binds both IDs). */
    static String r0Label(DeviceId r0kh) {
        return R0_LABEL + r0kh.value() + "|" + r0kh.value();
    }

    /** PMK-R0 and its name from 48 bytes of exporter output (zeroised here). */
    static NamedKey r0(byte[] material, DeviceId r0kh, DeviceId s0kh) {
        try {
            byte[] key = Arrays.copyOfRange(material, 0, KEY);
            byte[] salt = Arrays.copyOfRange(material, KEY, KEY + NAME);
            SHA256Digest d = new SHA256Digest();
            KeySchedule.update(d, R0N);
            KeySchedule.update(d, salt);
            KeySchedule.update(d, ascii(r0kh.value()));
            KeySchedule.update(d, KeySchedule.idBytes(r0kh));
            KeySchedule.update(d, KeySchedule.idBytes(s0kh));
            byte[] h = new byte[32];
            d.doFinal(h, 0);
            return new NamedKey(key, Arrays.copyOf(h, NAME));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** PMK-R1 for the R1 key holder (the RSU) and the S1 key holder (the vehicle). */
    static byte[] r1(NamedKey r0, DeviceId r1kh, DeviceId s1kh) {
        byte[] info = ByteBuffer.allocate(R1.length + 32).put(R1).put(KeySchedule.idBytes(r1kh))
                .put(KeySchedule.idBytes(s1kh)).array();
        return KeySchedule.hkdf(r0.key, r0.name, info, KEY);
    }

    /** The vehicle's PMK-R0 for the next mobility domain (R0 key holder {@code nextR0kh}). */
    static NamedKey r0ForNextDomain(NamedKey r0, DeviceId nextR0kh, DeviceId s0kh) {
        byte[] info = ByteBuffer.allocate(R0_NEXT.length + 32).put(R0_NEXT).put(KeySchedule.idBytes(nextR0kh))
                .put(KeySchedule.idBytes(s0kh)).array();
        return r0(KeySchedule.hkdf(r0.key, r0.name, info, KEY + NAME), nextR0kh, s0kh);
    }

    /** KMAC256 (NIST SP 800-185) of the transcript under the PMK-R1, 32 bytes. */
    static byte[] kmac(byte[] pmkR1, byte[] customisation, byte[] transcript) {
        KMAC k = new KMAC(256, customisation);
        k.init(new KeyParameter(pmkR1));
        k.update(transcript, 0, transcript.length);
        byte[] out = new byte[32];
        k.doFinal(out, 0, out.length);
        return out;
    }

    /** SHA-256 over the HELLO, the FT request and the responder's answer head (status, nonce). */
    static byte[] transcript(byte[] hello, byte[] ftRequest, byte[] answerHead) {
        SHA256Digest d = new SHA256Digest();
        KeySchedule.update(d, TRANSCRIPT);
        KeySchedule.update(d, hello);
        KeySchedule.update(d, ftRequest);
        KeySchedule.update(d, answerHead);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }


    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
