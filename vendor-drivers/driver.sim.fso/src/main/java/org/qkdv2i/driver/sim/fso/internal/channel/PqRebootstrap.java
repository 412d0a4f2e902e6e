package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;

/**
 * Post-quantum re-bootstrap of the classical channel's Wegman–Carter authentication (paper §5):
 * when the pads are exhausted, the two ends' pads cannot be reconciled, or the link was down too
 * long, both ends run an ML-DSA-65-signed ML-KEM-768 exchange over the classical channel and
 * derive a fresh bootstrap (GHASH key and pads) from it, instead of staying DOWN.
 *
 * <pre>
 * A → B  PQ_OFFER   node A, node B, SHA-256(SPKI_A), nonce_A (32 B), ek (ephemeral ML-KEM-768 key)
 * B → A  PQ_ACCEPT  node B, node A, SHA-256(SPKI_B), nonce_B (32 B), ct = Encaps(ek),
 *                   sig_B = ML-DSA-65(sk_B, "BOB" ‖ H(T ‖ PQ_ACCEPT without sig_B))
 * A → B  PQ_FINISH  sig_A = ML-DSA-65(sk_A, "ALICE" ‖ H(T ‖ PQ_ACCEPT))
 * B → A  PQ_CONFIRM KMAC256(ss, H(T ‖ PQ_FINISH), "qkdv2i/fso-pq-confirm/v1")
 * </pre>
 * T starts with the domain string, the link ID and both ends' SYNC frames, so the signatures
 * also authenticate the pad positions both announced. Each message is length-framed in T. The
 * fresh bootstrap is KMAC256(ss, H(T ‖ PQ_FINISH), "qkdv2i/fso-pq-bootstrap/v1") of
 * 16 + 2·16·pads bytes (NIST SP 800-185 §4; the output length is bound into KMAC), split like an
 * authKeyHex. Bob stores it once Alice's signature verifies, Alice once Bob's confirmation does;
 * an end that stored it while the other did not is caught at the next SYNC (generations differ)
 * and the two run the exchange again. A refusal is sent to the peer as ABORT and both ends go
 * DOWN naming the cause.
 */
public final class PqRebootstrap {

    public static final String LOG_LINE = "authentication re-bootstrapped post-quantum";
    static final String DOMAIN = "qkdv2i/fso-pq-rebootstrap/v1";
    static final byte[] SIGNATURE_CONTEXT = "qkdv2i/fso-pq-signature/v1".getBytes(StandardCharsets.US_ASCII);
    static final String KDF_BOOTSTRAP = "qkdv2i/fso-pq-bootstrap/v1";
    static final String KDF_CONFIRM = "qkdv2i/fso-pq-confirm/v1";
    static final MLKEMParameters KEM = MLKEMParameters.ml_kem_768;
    private static final int NONCE_BYTES = 32, FP_BYTES = 32, MAX_BLOB = 8192;
    public static final String REFUSED = "post-quantum re-bootstrap refused";

    private final PqIdentity own;
    private final byte[] peerKeyInfo; // null: none configured
    private final String localNode, peerNode;
    private final int pads;
    private final SecureRandom random;
    private final java.util.function.BooleanSupplier requested;

    /**
     * @param peerKeyInfo the peer's ML-DSA-65 SubjectPublicKeyInfo ({@code pqPeerPublicKey}); null when
     *        none is configured (the exchange then refuses, naming the missing setting)
     * @param pads pads per direction of the fresh bootstrap
     * @param requested whether this end asks for a re-bootstrap even with pads left (down too long)
     */
    public PqRebootstrap(PqIdentity own, byte[] peerKeyInfo, String localNode, String peerNode, int pads,
            SecureRandom random, java.util.function.BooleanSupplier requested) {
        this.own = Objects.requireNonNull(own, "own");
        this.peerKeyInfo = peerKeyInfo == null ? null : peerKeyInfo.clone();
        this.localNode = localNode;
        this.peerNode = peerNode;
        if (pads < 1 + PadAuthenticator.ROUND_PADS) {
            throw new IllegalArgumentException("a fresh bootstrap needs at least " + (1 + PadAuthenticator.ROUND_PADS)
                    + " pads per direction");
        }
        this.pads = pads;
        this.random = Objects.requireNonNull(random, "random");
        this.requested = Objects.requireNonNull(requested, "requested");
    }

    boolean requested() {
        return requested.getAsBoolean();
    }

    String localNode() {
        return localNode;
    }

    int pads() {
        return pads;
    }

    /**
     * Runs the exchange (Alice initiates) and, on success, replaces {@code store}'s pads and hash
     * key with the fresh bootstrap of generation {@code generation}, the new pads starting at the
     * agreed positions.
     */
    void run(FramedChannel ch, boolean alice, String linkId, byte[] syncAlice, byte[] syncBob, PadStore store,
            long generation, long nextAB, long nextBA) throws IOException {
        Transcript t = new Transcript();
        t.add(DOMAIN.getBytes(StandardCharsets.US_ASCII));
        t.add(linkId.getBytes(StandardCharsets.UTF_8));
        t.add(syncAlice);
        t.add(syncBob);
        byte[] ss = null, material = null;
        try {
            ss = alice ? runAlice(ch, t) : runBob(ch, t);
            byte[] th = t.hash();
            material = kmac(ss, th, KDF_BOOTSTRAP, PadStore.HASH_KEY_BYTES + 2 * pads * PadStore.PAD_BYTES);
            byte[] confirm = kmac(ss, th, KDF_CONFIRM, 32);
            if (alice) {
                byte[] peer = ch.receive(MessageType.PQ_CONFIRM);
                if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(confirm, peer)) {
                    throw refuse(ch, "key confirmation from " + peerNode + " failed (it derived another secret)");
                }
                store.rebootstrap(material, pads, generation, nextAB, nextBA);
            } else {
                store.rebootstrap(material, pads, generation, nextAB, nextBA);
                ch.send(MessageType.PQ_CONFIRM, confirm);
            }
        } catch (FramedChannel.PeerAbortException e) {
            throw new PadStoreException(REFUSED + " by " + peerNode + ": " + e.getMessage(), true);
        } finally {
            if (ss != null) {
                Arrays.fill(ss, (byte) 0);
            }
            if (material != null) {
                Arrays.fill(material, (byte) 0);
            }
        }
    }

    private byte[] runAlice(FramedChannel ch, Transcript t) throws IOException {
        checkPeerKeyConfigured(ch);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
        g.init(new MLKEMKeyGenerationParameters(random, KEM));
        AsymmetricCipherKeyPair kem = g.generateKeyPair(); // ephemeral: a later theft of either end's state learns nothing
        byte[] offer;
        try (Wire.Buffer b = new Wire.Buffer()) {
            b.writeUTF(localNode);
            b.writeUTF(peerNode);
            b.write(PqIdentity.fingerprintBytes(own.publicKeyInfo()));
            b.write(nonce);
            writeBlob(b, ((MLKEMPublicKeyParameters) kem.getPublic()).getEncoded());
            offer = b.bytes();
        }
        ch.send(MessageType.PQ_OFFER, offer);
        t.add(offer);

        byte[] accept = ch.receive(MessageType.PQ_ACCEPT);
        DataInputStream in = Wire.reader(accept);
        String from = in.readUTF(), to = in.readUTF();
        checkNodes(ch, from, to);
        byte[] fp = readFully(in, FP_BYTES);
        checkFingerprint(ch, fp);
        readFully(in, NONCE_BYTES); // Bob's nonce: bound through the transcript
        byte[] ct = readBlob(in);
        int signed = accept.length - in.available();
        byte[] sig = readBlob(in);
        if (in.available() != 0) {
            throw new IOException("malformed PQ_ACCEPT from " + peerNode);
        }
        byte[] th = t.hashWith(Arrays.copyOf(accept, signed));
        if (!PqIdentity.verify(peerKey(), SIGNATURE_CONTEXT, concat("BOB", th), sig)) {
            throw refuse(ch, "the signature of " + peerNode + " does not verify under pqPeerPublicKey "
                    + PqIdentity.fingerprint(peerKeyInfo));
        }
        t.add(accept);
        byte[] ss;
        try {
            ss = new MLKEMExtractor((MLKEMPrivateKeyParameters) kem.getPrivate()).extractSecret(ct);
        } catch (RuntimeException e) {
            throw new IOException("malformed ML-KEM ciphertext from " + peerNode);
        }
        try {
            byte[] finish;
            try (Wire.Buffer b = new Wire.Buffer()) {
                writeBlob(b, own.sign(SIGNATURE_CONTEXT, concat("ALICE", t.hash())));
                finish = b.bytes();
            }
            ch.send(MessageType.PQ_FINISH, finish);
            t.add(finish);
            return ss;
        } catch (IOException | RuntimeException e) {
            Arrays.fill(ss, (byte) 0);
            throw e;
        }
    }

    private byte[] runBob(FramedChannel ch, Transcript t) throws IOException {
        byte[] offer = ch.receive(MessageType.PQ_OFFER);
        DataInputStream in = Wire.reader(offer);
        String from = in.readUTF(), to = in.readUTF();
        checkPeerKeyConfigured(ch);
        checkNodes(ch, from, to);
        checkFingerprint(ch, readFully(in, FP_BYTES));
        readFully(in, NONCE_BYTES);
        byte[] ek = readBlob(in);
        if (in.available() != 0) {
            throw new IOException("malformed PQ_OFFER from " + peerNode);
        }
        t.add(offer);
        SecretWithEncapsulation enc;
        try {
            enc = new MLKEMGenerator(random).generateEncapsulated(new MLKEMPublicKeyParameters(KEM, ek));
        } catch (RuntimeException e) {
            throw new IOException("malformed ML-KEM public key from " + peerNode);
        }
        byte[] ss = enc.getSecret();
        byte[] ct = enc.getEncapsulation();
        try {
            enc.destroy();
        } catch (javax.security.auth.DestroyFailedException ignored) {
            // our copy is wiped by the caller
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] body;
        try (Wire.Buffer b = new Wire.Buffer()) {
            b.writeUTF(localNode);
            b.writeUTF(peerNode);
            b.write(PqIdentity.fingerprintBytes(own.publicKeyInfo()));
            b.write(nonce);
            writeBlob(b, ct);
            body = b.bytes();
        }
        byte[] finish;
        try {
            byte[] accept;
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.write(body);
                writeBlob(b, own.sign(SIGNATURE_CONTEXT, concat("BOB", t.hashWith(body))));
                accept = b.bytes();
            }
            ch.send(MessageType.PQ_ACCEPT, accept);
            t.add(accept);
            finish = ch.receive(MessageType.PQ_FINISH);
        } catch (IOException | RuntimeException e) {
            Arrays.fill(ss, (byte) 0);
            throw e;
        }
        DataInputStream fin = Wire.reader(finish);
        byte[] sig = readBlob(fin);
        if (fin.available() != 0) {
            Arrays.fill(ss, (byte) 0);
            throw new IOException("malformed PQ_FINISH from " + peerNode);
        }
        if (!PqIdentity.verify(peerKey(), SIGNATURE_CONTEXT, concat("ALICE", t.hash()), sig)) {
            Arrays.fill(ss, (byte) 0);
            throw refuse(ch, "the signature of " + peerNode + " does not verify under pqPeerPublicKey "
                    + PqIdentity.fingerprint(peerKeyInfo));
        }
        t.add(finish);
        return ss;
    }

    private void checkPeerKeyConfigured(FramedChannel ch) throws IOException {
        if (peerKeyInfo == null) {
            throw refuse(ch, "no pqPeerPublicKey configured at " + localNode + " (the ML-DSA-65 public key of "
                    + peerNode + ")");
        }
    }

    private void checkNodes(FramedChannel ch, String from, String to) throws IOException {
        if (!from.equals(peerNode) || !to.equals(localNode)) {
            throw refuse(ch, "the peer speaks as node " + from + " to node " + to + ", expected " + peerNode + " to "
                    + localNode);
        }
    }

    private void checkFingerprint(FramedChannel ch, byte[] fp) throws IOException {
        if (!Arrays.equals(fp, PqIdentity.fingerprintBytes(peerKeyInfo))) {
            throw refuse(ch, peerNode + " presents ML-DSA-65 key " + java.util.HexFormat.of().formatHex(fp, 0, 8)
                    + " but pqPeerPublicKey is " + PqIdentity.fingerprint(peerKeyInfo)
                    + ": wrong peer public key configured, or not the peer");
        }
    }

    private MLDSAPublicKeyParameters peerKey() throws IOException {
        return PqIdentity.publicKey(peerKeyInfo);
    }

    /** Tells the peer why (best effort) and returns the terminal failure for this end. */
    private PadStoreException refuse(FramedChannel ch, String why) {
        try {
            ch.send(MessageType.ABORT, why.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the peer learns it from the closed channel
        }
        return new PadStoreException(REFUSED + ": " + why, true);
    }

    static byte[] kmac(byte[] key, byte[] data, String customisation, int bytes) {
        KMAC k = new KMAC(256, customisation.getBytes(StandardCharsets.US_ASCII)); // NIST SP 800-185 §4
        k.init(new KeyParameter(key));
        k.update(data, 0, data.length);
        byte[] out = new byte[bytes];
        k.doFinal(out, 0, bytes);
        return out;
    }

    private static byte[] concat(String role, byte[] th) {
        byte[] r = role.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(r, r.length + th.length);
        System.arraycopy(th, 0, out, r.length, th.length);
        return out;
    }

    private static void writeBlob(Wire.Buffer b, byte[] v) throws IOException {
        b.writeShort(v.length);
        b.write(v);
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        if (n > MAX_BLOB) {
            throw new IOException("post-quantum handshake field of " + n + " bytes refused");
        }
        return readFully(in, n);
    }

    private static byte[] readFully(DataInputStream in, int n) throws IOException {
        byte[] v = new byte[n];
        in.readFully(v);
        return v;
    }

    /** SHA-256 over length-framed items: no two transcripts share an encoding. */
    private static final class Transcript {
        private final SHA256Digest d = new SHA256Digest();

        void add(byte[] item) {
            update(d, item);
        }

        byte[] hash() {
            SHA256Digest c = new SHA256Digest(d);
            byte[] out = new byte[32];
            c.doFinal(out, 0);
            return out;
        }

        byte[] hashWith(byte[] item) {
            SHA256Digest c = new SHA256Digest(d);
            update(c, item);
            byte[] out = new byte[32];
            c.doFinal(out, 0);
            return out;
        }

        private static void update(SHA256Digest d, byte[] item) {
            int n = item.length;
            d.update(new byte[] { (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n }, 0, 4);
            d.update(item, 0, n);
        }
    }
}
