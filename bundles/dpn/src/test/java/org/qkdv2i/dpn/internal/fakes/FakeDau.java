package org.qkdv2i.dpn.internal.fakes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.zap.api.AuthenticatedPeer;
import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.AuthenticationException.Reason;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;

/**
 * A stand-in DAU for unit tests of the DPN (not secure: the "pair key" is a hash of both
 * IDs): a 3-message challenge-response with the shape of ZAP's, refusing unknown, revoked,
 * wrong and replaying peers like the real one.
 */
public final class FakeDau implements DeviceAuthenticationUnit {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IdentityRecord record;
    private final FakeDirectory directory;
    private final Set<String> seenNonces = ConcurrentHashMap.newKeySet();

    public FakeDau(String name, DeviceRole role, DauKind kind, String zone, FakeDirectory directory) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        this.record = new IdentityRecord(new DeviceId(HexFormat.of().formatHex(id)), name, role, kind, zone,
                new byte[32], new byte[] {1}, new byte[] {2}, Instant.now());
        this.directory = directory;
        directory.enrol(record);
    }

    @Override
    public DeviceId id() {
        return record.id();
    }

    @Override
    public IdentityRecord identityRecord() {
        return record;
    }

    @Override
    public UnitAuthentication initiate(DeviceId expectedPeer) throws AuthenticationException {
        IdentityRecord peer = peerRecord(expectedPeer);
        byte[] nonce = random32();
        byte[] m1 = ByteBuffer.allocate(1 + 16 + 16 + 32).put((byte) 1).put(raw(id())).put(raw(expectedPeer)).put(nonce)
                .array();
        return new Run(m1, peer, true);
    }

    @Override
    public UnitAuthentication respond() {
        return new Run(null, null, false);
    }

    private IdentityRecord peerRecord(DeviceId id) throws AuthenticationException {
        if (directory.isRevoked(id)) {
            throw new AuthenticationException(Reason.REVOKED, id + " is revoked");
        }
        return directory.find(id).orElseThrow(() -> new AuthenticationException(Reason.UNKNOWN_PEER, id + " unknown"));
    }

    private final class Run implements UnitAuthentication {
        private byte[] m1;
        private byte[] m2;
        private IdentityRecord peer;
        private final boolean initiator;
        private AuthenticatedPeer result;
        private int step;

        Run(byte[] m1, IdentityRecord peer, boolean initiator) {
            this.m1 = m1;
            this.peer = peer;
            this.initiator = initiator;
        }

        @Override
        public Optional<byte[]> firstMessage() {
            return initiator ? Optional.of(m1.clone()) : Optional.empty();
        }

        @Override
        public Optional<byte[]> receive(byte[] message) throws AuthenticationException {
            step++;
            if (initiator && step == 1) {
                if (message.length != 65 || message[0] != 2) {
                    throw new AuthenticationException(Reason.PROTOCOL, "bad message 2");
                }
                m2 = message.clone();
                byte[] nR = Arrays.copyOfRange(message, 1, 33);
                byte[] tagR = Arrays.copyOfRange(message, 33, 65);
                if (!MessageDigest.isEqual(tagR, tag("R", nR))) {
                    throw new AuthenticationException(Reason.BAD_PROOF, "responder tag");
                }
                byte[] m3 = ByteBuffer.allocate(33).put((byte) 3).put(tag("I", nR)).array();
                finish(nR, m3);
                return Optional.of(m3);
            }
            if (!initiator && step == 1) {
                if (message.length != 65 || message[0] != 1) {
                    throw new AuthenticationException(Reason.PROTOCOL, "bad message 1");
                }
                DeviceId from = new DeviceId(HexFormat.of().formatHex(message, 1, 17));
                DeviceId to = new DeviceId(HexFormat.of().formatHex(message, 17, 33));
                if (!to.equals(id())) {
                    throw new AuthenticationException(Reason.WRONG_PEER, "not " + to);
                }
                peer = peerRecord(from);
                if (!seenNonces.add(HexFormat.of().formatHex(message, 33, 65))) {
                    throw new AuthenticationException(Reason.REPLAYED, "first message seen before");
                }
                m1 = message.clone();
                byte[] nR = random32();
                m2 = ByteBuffer.allocate(65).put((byte) 2).put(nR).put(tag("R", nR)).array();
                return Optional.of(m2.clone());
            }
            if (!initiator && step == 2) {
                byte[] nR = Arrays.copyOfRange(m2, 1, 33);
                if (message.length != 33 || message[0] != 3
                        || !MessageDigest.isEqual(Arrays.copyOfRange(message, 1, 33), tag("I", nR))) {
                    throw new AuthenticationException(Reason.BAD_PROOF, "initiator tag");
                }
                if (directory.isRevoked(peer.id())) {
                    throw new AuthenticationException(Reason.REVOKED, peer.id() + " is revoked");
                }
                finish(nR, message);
                return Optional.empty();
            }
            throw new AuthenticationException(Reason.PROTOCOL, "unexpected message");
        }

        private void finish(byte[] nR, byte[] m3) {
            byte[] secret = tag("S", nR);
            result = new AuthenticatedPeer(id(), peer, initiator, false, sha(m1, m2, m3),
                    new AuthenticatedPeer.Secret(secret));
            Arrays.fill(secret, (byte) 0);
        }

        private byte[] tag(String what, byte[] nR) {
            DeviceId a = initiator ? id() : peer.id();
            DeviceId b = initiator ? peer.id() : id();
            return sha("fake-pair-key".getBytes(StandardCharsets.US_ASCII), raw(a), raw(b), what.getBytes(StandardCharsets.US_ASCII), m1, nR);
        }

        @Override
        public Optional<AuthenticatedPeer> result() {
            return Optional.ofNullable(result);
        }

        @Override
        public void close() {
        }
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] raw(DeviceId id) {
        return HexFormat.of().parseHex(id.value());
    }

    static byte[] sha(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(ByteBuffer.allocate(4).putInt(p.length).array());
                d.update(p);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
