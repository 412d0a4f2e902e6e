package org.qkdv2i.benchmarks.v2x;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.codec.BsmCodec;
import org.qkdv2i.v2x.codec.CamCodec;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.net.BtpCodec;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.GeoNetworkingCodec;
import org.qkdv2i.v2x.codec.net.GnAddress;
import org.qkdv2i.v2x.codec.net.GnCommonHeader;
import org.qkdv2i.v2x.codec.net.GnExtendedHeader;
import org.qkdv2i.v2x.codec.net.GnLifetime;
import org.qkdv2i.v2x.codec.net.GnPacket;
import org.qkdv2i.v2x.codec.net.LongPositionVector;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.TrafficClass;
import org.qkdv2i.v2x.codec.net.WsmpCodec;
import org.qkdv2i.v2x.codec.net.WsmpPacket;
import org.qkdv2i.v2x.codec.security.CertificateTemplate;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.PskKeyring;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/**
 * The issue 6 security workloads, shared by {@link V2xSecurityBenchmark} (JMH) and
 * {@link V2xSecurityCpuTime}: one CAM and one BSM taken the whole way a station takes them, as
 * {@code v2x.itsg5}'s engine does.
 *
 * <ul>
 * <li>CAM send: UPER encode → BTP-B (port 2001) → GeoNetworking SHB; the common header onwards is
 * secured (TS 103 097 §7.1, EN 302 636-4-1 §9.6) and wrapped in a GN packet with basic NH = 2.
 * Receive: GN decode → 1609.2 decode → verify (ECDSA) or keyring look-up + open (PSK) → rebuild and
 * decode the inner GN packet → BTP → CAM decode.</li>
 * <li>BSM send: UPER encode (J2735 MessageFrame) → secured → WSMP (PSID 0x20). Receive: WSMP decode →
 * 1609.2 decode → verify or open → BSM decode.</li>
 * </ul>
 *
 * ECDSA: SHA-256 + P-256 SignedData from {@code v2x.codec.security}, signed by an authorization
 * ticket of a test PKI made at set-up (root → authority → ticket, fresh keys); the signer is the
 * ticket's digest (TS 103 097 §7.1.1: the certificate goes out once a second, the digest in
 * between), the receiver knows the ticket from one certificate-signed message verified at set-up
 * and verifies with the freshness check. PSK: zap's {@code ieee1609Psk} channel (AES-128-CCM
 * EncryptedData with a pskRecipInfo), found by the receiver through a {@link PskKeyring}. Messages:
 * the CAM of Vanetza's signed-CAM vector (46 octets), the 173-octet BSM with part II of
 * usdot-jpo-ode/asn1_codec. One instance per thread.
 */
public final class V2xSecureMessages {

    public enum Kind { CAM, BSM }

    static final String CAM_HEX = "02024ce0b89030bc005a9d422a0e35bba022442386da3596d4583be120a1"
            + "0302968acf33e781ff82103fe0141980";
    static final String BSM_HEX = "001480ad562fa8400039e8e717090f9665fe1bacc37ffffffff0003bbafd"
            + "fa1fa1007fff8000000000020214c1c100417ffffffe824e100a3fffffff"
            + "e8942102047ffffffe922a1026a40143ffe95d610423405d7ffea7561032"
            + "2c0599ffeadfa10391c06b5ffeb7e6103cb40a03ffed2121033bc08adffe"
            + "d9a6102e8408e5ffede2e102bdc0885ffedf0a1000bc019bfff7f321ffff"
            + "c005dfffc55a1ffffffffffffdd1a100407fffffffe1a2fffe0000";

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final CamCodec cams = V2xCodecs.cam();
    private final BsmCodec bsms = V2xCodecs.bsm();
    private final GeoNetworkingCodec gn = NetCodecs.geoNetworking();
    private final BtpCodec btp = NetCodecs.btp();
    private final WsmpCodec wsmp = NetCodecs.wsmp();
    private final Ieee1609Dot2Codec security = Ieee1609Dot2Codecs.create();

    private final Cam cam;
    private final Bsm bsm;
    private final LongPositionVector position;

    private final SigningCredential ticket;
    private final TrustStore trust = new TrustStore();
    /** Receiver's freshness limit (checked before any ECDSA work; its value does not change the cost). */
    private final Duration maxAge;

    private final ProtectedChannel pskSender;
    private final ProtectedChannel pskReceiver;
    private final PskKeyring<ProtectedChannel> keyring = new PskKeyring<>();

    /**
     * @param maxAge the receivers' freshness limit (1609.2 verify and the PSK channel): long enough for
     *               a benchmark to verify one wire repeatedly or to open a batch made beforehand
     */
    public V2xSecureMessages(Duration maxAge) {
        this.maxAge = maxAge;
        HexFormat hex = HexFormat.of();
        cam = cams.decode(hex.parseHex(CAM_HEX)).value();
        bsm = bsms.decode(hex.parseHex(BSM_HEX)).value();
        Instant now = Instant.now();
        position = LongPositionVector.of(GnAddress.of(5, 0xfe384ce0b890L),
                new StationState(0x4ce0b890L, 5, 524626000, 107219713, true, 1234, 958, now));

        Instant start = now.minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        KeyPair r = keyPair();
        KeyPair a = keyPair();
        KeyPair t = keyPair();
        SigningCredential root = new SigningCredential(security.selfSign(CertificateTemplate.root("root.bench.test", start,
                8760, (ECPublicKey) r.getPublic()), (ECPrivateKey) r.getPrivate()), (ECPrivateKey) r.getPrivate());
        SigningCredential authority = new SigningCredential(security.issueCertificate(CertificateTemplate.authority(
                "aa.bench.test", start, 8760, List.of(Psid.CAM, Psid.BSM), (ECPublicKey) a.getPublic()), root),
                (ECPrivateKey) a.getPrivate());
        ticket = new SigningCredential(security.issueCertificate(CertificateTemplate.ticket(start, 168,
                List.of(Psid.CAM, Psid.BSM), (ECPublicKey) t.getPublic()), authority), (ECPrivateKey) t.getPrivate());
        trust.addRoot(root.certificate());
        trust.addCertificate(authority.certificate());
        // the receiver learns the ticket from a certificate-signed message (TS 103 097 §7.1.1)
        VerificationResult first = security.verify(security.sign(new SignRequest(Psid.CAM, new byte[] {1}, now, null,
                SignerKind.CERTIFICATE), ticket), trust, now, maxAge);
        if (!first.isOk()) {
            throw new IllegalStateException("test PKI: " + first);
        }

        byte[] psk = new byte[16];
        new SecureRandom().nextBytes(psk);
        MessageProtectionComponent protection = new MessageProtectionComponent();
        // the datagram profile (replay window 64), with the benchmark's age limit: on a loaded host a
        // batch protected before timing can take longer than the radio's 2 s
        ChannelOptions options = new ChannelOptions("bench", ChannelOptions.datagram("bench", Clock.systemUTC())
                .replayWindow(), maxAge, Clock.systemUTC());
        pskSender = protection.ieee1609Psk(psk, options);
        pskReceiver = protection.ieee1609Psk(psk, options);
        keyring.register(psk, pskReceiver);
        java.util.Arrays.fill(psk, (byte) 0);

        // self-check: every path gives back the message
        for (Kind k : Kind.values()) {
            if (!receiveSigned(k, sendSigned(k)).equals(k == Kind.CAM ? cam : bsm)
                    || !receivePsk(k, sendPsk(k)).equals(k == Kind.CAM ? cam : bsm)) {
                throw new IllegalStateException(k + " does not survive the round trip");
            }
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ send

    public byte[] sendSigned(Kind kind) {
        return kind == Kind.CAM ? sendCam(true) : sendBsm(true);
    }

    public byte[] sendPsk(Kind kind) {
        return kind == Kind.CAM ? sendCam(false) : sendBsm(false);
    }

    private byte[] sendCam(boolean signed) {
        byte[] btpBytes = btp.encode(BtpPacket.b(BtpPacket.PORT_CAM, cams.encode(cam)));
        GnPacket packet = GnPacket.unsecured(GnLifetime.DEFAULT, 1, new GnCommonHeader(GnCommonHeader.NextHeader.BTP_B,
                new TrafficClass(false, false, 2), true, 1), new GnExtendedHeader.SingleHopBroadcast(position), btpBytes);
        byte[] pdu = gn.encode(packet);
        byte[] inner = java.util.Arrays.copyOfRange(pdu, 4, pdu.length); // the basic header stays outside
        byte[] secured = signed
                ? security.sign(new SignRequest(Psid.CAM, inner, Instant.now(), null, SignerKind.DIGEST), ticket)
                : pskSender.protect(inner);
        return gn.encode(GnPacket.secured(packet.lifetime(), packet.remainingHopLimit(), secured));
    }

    private byte[] sendBsm(boolean signed) {
        byte[] frame = bsms.encode(bsm);
        byte[] secured = signed
                ? security.sign(new SignRequest(Psid.BSM, frame, Instant.now(), null, SignerKind.DIGEST), ticket)
                : pskSender.protect(frame);
        return wsmp.encode(WsmpPacket.of(WsmpPacket.PSID_BSM, secured));
    }

    // ------------------------------------------------------------------ receive

    public Object receiveSigned(Kind kind, byte[] wire) {
        return kind == Kind.CAM ? receiveCam(wire, true) : receiveBsm(wire, true);
    }

    public Object receivePsk(Kind kind, byte[] wire) {
        return kind == Kind.CAM ? receiveCam(wire, false) : receiveBsm(wire, false);
    }

    private Cam receiveCam(byte[] pdu, boolean signed) {
        GnPacket outer = gn.decodeLinkPayload(pdu).value();
        byte[] inner = open(outer.payload(), signed);
        byte[] whole = new byte[4 + inner.length];
        whole[0] = (byte) (GnPacket.VERSION << 4 | 1);
        whole[2] = (byte) outer.lifetime().octet();
        whole[3] = (byte) outer.remainingHopLimit();
        System.arraycopy(inner, 0, whole, 4, inner.length);
        GnPacket p = gn.decode(whole).value();
        BtpPacket b = btp.decode(p).value();
        return cams.decode(b.payload()).value();
    }

    private Bsm receiveBsm(byte[] pdu, boolean signed) {
        WsmpPacket w = wsmp.decodeLinkPayload(pdu).value();
        return bsms.decode(open(w.data(), signed)).value();
    }

    /** The engine's {@code open}: decode, then verify (signed) or find the PSK channel and open (encrypted). */
    private byte[] open(byte[] wire, boolean signed) {
        DecodeResult<SecuredData> d = security.decode(wire);
        if (signed) {
            if (!(d.value() instanceof SecuredData.Signed)) {
                throw new IllegalStateException("not signed");
            }
            VerificationResult v = security.verify(wire, trust, Instant.now(), maxAge);
            if (!v.isOk()) {
                throw new IllegalStateException(v.toString());
            }
            return v.message().payload();
        }
        ProtectedChannel channel = keyring.find((SecuredData.Encrypted) d.value()).orElseThrow();
        try {
            return channel.open(wire);
        } catch (MessageRejectedException e) {
            throw new IllegalStateException(e.reason() + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ receive-path pieces (for a breakdown)

    /** The {@code Ieee1609Dot2Data} octets inside a GN (CAM) or WSMP (BSM) wire. */
    public byte[] securedPart(Kind kind, byte[] wire) {
        return kind == Kind.CAM ? gn.decodeLinkPayload(wire).value().payload() : wsmp.decodeLinkPayload(wire).value().data();
    }

    /** {@code Ieee1609Dot2Codec.decode} alone (COER parse + canonical re-encoding check). */
    public Object decodeSecured(byte[] secured) {
        return security.decode(secured).value();
    }

    /** The PSK channel's {@code open} alone (prefix check, BC OER parse, CCM, inner parse, replay window). */
    public byte[] openPskOnly(byte[] secured) {
        try {
            return pskReceiver.open(secured);
        } catch (MessageRejectedException e) {
            throw new IllegalStateException(e.reason() + ": " + e.getMessage(), e);
        }
    }

    public void close() {
        pskSender.close();
        pskReceiver.close();
    }
}
