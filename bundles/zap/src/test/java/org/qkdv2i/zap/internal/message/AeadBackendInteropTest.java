package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.zap.internal.message.Rejections.assertRejected;
import static org.qkdv2i.zap.internal.message.Rejections.flip;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.util.encoders.Hex;
import org.junit.After;
import org.junit.Test;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent.AesGcmBackend;

/**
 * The two AES-GCM backends are interchangeable on the wire: the same keys, clock and payloads give
 * the same bytes; a message protected on one opens on the other; every rejection reason and the
 * "a rejected message changes nothing" rule hold across them.
 */
public class AeadBackendInteropTest {

    private static final long T0 = 1_800_000_000_000L;

    private final MessageProtectionComponent bc = new MessageProtectionComponent(AesGcmBackend.BOUNCY_CASTLE);
    private final MessageProtectionComponent jdk = new MessageProtectionComponent(AesGcmBackend.JDK);
    private final TestClock clock = new TestClock(T0);
    private final byte[] k1 = key(1);
    private final byte[] k2 = key(2);
    private final List<ProtectedChannel> opened = new ArrayList<>();

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < 32; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return k;
    }

    private static byte[] msg(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @After
    public void closeAll() {
        opened.forEach(ProtectedChannel::close);
    }

    private ProtectedChannel channel(MessageProtectionComponent p, long id, int epoch, byte[] send, byte[] receive,
            ChannelOptions o) {
        ProtectedChannel c = p.aead(new ChannelKeys(id, epoch, send, receive), o);
        opened.add(c);
        return c;
    }

    /** Sender under k1 on one backend, receiver on the other: both pairings. */
    private List<MessageProtectionComponent[]> pairings() {
        return List.of(new MessageProtectionComponent[] {bc, jdk}, new MessageProtectionComponent[] {jdk, bc});
    }

    @Test
    public void sameInputsGiveTheSameWireOnBothBackends() {
        for (String segment : List.of("zone-a", "", "zöne-ü/7")) {
            ProtectedChannel onBc = channel(bc, 7, 1, k1, k2, ChannelOptions.stream(segment, clock));
            ProtectedChannel onJdk = channel(jdk, 7, 1, k1, k2, ChannelOptions.stream(segment, clock));
            for (int size : new int[] {0, 1, 15, 16, 17, 300, 4097}) {
                byte[] payload = new byte[size];
                for (int i = 0; i < size; i++) {
                    payload[i] = (byte) (i * 7 + size);
                }
                assertArrayEquals("segment '" + segment + "', " + size + " bytes", onBc.protect(payload),
                        onJdk.protect(payload));
                clock.advance(3);
            }
        }
    }

    /** NIST GCM specification test case 14 (AES-256, zero key and IV, one zero block), both backends. */
    @Test
    public void bothBackendsPassTheGcmSpecificationVector() throws Exception {
        for (GcmCipher.Factory f : List.<GcmCipher.Factory>of(BcGcmCipher::new, JdkGcmCipher.factory("SunJCE"))) {
            GcmCipher enc = f.create(new byte[32], true);
            byte[] out = new byte[32];
            enc.seal(new byte[12], out, 0, new byte[0], new byte[16]);
            assertEquals("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919", Hex.toHexString(out));
            GcmCipher dec = f.create(new byte[32], false);
            byte[] plain = new byte[16];
            assertTrue(dec.open(new byte[12], out, 0, new byte[0], plain));
            assertArrayEquals(new byte[16], plain);
            out[31] ^= 1;
            Arrays.fill(plain, (byte) 9);
            assertFalse(dec.open(new byte[12], out, 0, new byte[0], plain));
            assertArrayEquals("a failed open leaves no plaintext", new byte[16], plain);
            enc.destroy();
            dec.destroy();
        }
    }

    @Test
    public void protectedOnOneBackendOpensOnTheOtherInBothDirections() throws Exception {
        for (MessageProtectionComponent[] p : pairings()) {
            ProtectedChannel a = channel(p[0], 7, 1, k1, k2, ChannelOptions.datagram("zone-a", clock));
            ProtectedChannel b = channel(p[1], 7, 1, k2, k1, ChannelOptions.datagram("zone-a", clock));
            byte[][] m = new byte[50][];
            for (int i = 0; i < m.length; i++) {
                m[i] = a.protect(msg("downstream " + i));
            }
            for (int i = m.length - 1; i >= 0; i--) { // reordered within the window
                assertArrayEquals(msg("downstream " + i), b.open(m[i]));
            }
            assertArrayEquals(msg("upstream"), a.open(b.protect(msg("upstream"))));
            assertArrayEquals(new byte[0], a.open(b.protect(new byte[0])));
        }
    }

    @Test
    public void everyRejectionReasonAcrossBackends() throws Exception {
        for (MessageProtectionComponent[] p : pairings()) {
            ChannelOptions stream = ChannelOptions.stream("zone-a", clock);
            ProtectedChannel a = channel(p[0], 7, 1, k1, k2, stream);
            ProtectedChannel b = channel(p[1], 7, 1, k2, k1, stream);
            byte[] wire = a.protect(msg("speed limit 30"));
            for (int i = 13; i < wire.length; i++) { // seq, time, ciphertext, tag (segment tag: below)
                if (i < 29 || i >= 33) {
                    assertRejected(Reason.TAMPERED, b, flip(wire, i));
                }
            }
            assertRejected(Reason.TAMPERED, b, channel(p[0], 7, 1, key(9), k2, stream).protect(msg("x")));
            assertRejected(Reason.TAMPERED, b, channel(p[0], 8, 1, k1, k2, stream).protect(msg("x")));
            assertRejected(Reason.WRONG_EPOCH, b, channel(p[0], 7, 2, k1, k2, stream).protect(msg("x")));
            ProtectedChannel otherSegment = channel(p[0], 7, 1, k1, k2, ChannelOptions.stream("zone-b", clock));
            byte[] cross = otherSegment.protect(msg("x"));
            assertRejected(Reason.CROSS_SEGMENT, b, cross);
            Bytes.putInt(cross, 29, Bytes.segmentHash("zone-a")); // the segment is in the AAD
            assertRejected(Reason.TAMPERED, b, cross);
            byte[] v2 = wire.clone();
            v2[0] = 2;
            assertRejected(Reason.MALFORMED, b, v2);
            assertRejected(Reason.MALFORMED, b, Arrays.copyOf(wire, AeadChannel.HEADER + AeadChannel.TAG - 1));

            assertArrayEquals(msg("speed limit 30"), b.open(wire));
            assertRejected(Reason.REPLAYED, b, wire);
            byte[] m2 = a.protect(msg("2"));
            byte[] m3 = a.protect(msg("3"));
            assertArrayEquals(msg("3"), b.open(m3));
            assertRejected(Reason.REORDERED, b, m2);
            byte[] old = a.protect(msg("old"));
            clock.advance(30_001); // stream maxAge 30 s
            assertRejected(Reason.EXPIRED, b, old);
            b.close();
            assertRejected(Reason.CLOSED, b, a.protect(msg("late")));
        }
    }

    /** A forged or rejected message moves nothing, whichever backend computed the tag. */
    @Test
    public void tagFailureLeavesTheStateUnchangedAcrossBackends() throws Exception {
        for (MessageProtectionComponent[] p : pairings()) {
            ProtectedChannel a = channel(p[0], 7, 1, k1, k2, ChannelOptions.stream("zone-a", clock));
            ProtectedChannel b = channel(p[1], 7, 1, k2, k1, ChannelOptions.stream("zone-a", clock));
            byte[] genuine1 = a.protect(msg("1"));
            byte[] genuine2 = a.protect(msg("2"));
            byte[] forged = genuine2.clone();
            Bytes.putLong(forged, 13, 1_000_000);
            assertRejected(Reason.TAMPERED, b, forged);
            byte[] badTag = genuine1.clone();
            badTag[badTag.length - 1] ^= 0x40;
            assertRejected(Reason.TAMPERED, b, badTag);
            // the receiving cipher is still usable and the window still empty
            assertArrayEquals(msg("1"), b.open(genuine1));
            assertArrayEquals(msg("2"), b.open(genuine2));
            assertRejected(Reason.REPLAYED, b, genuine2);
            assertArrayEquals(msg("3"), b.open(a.protect(msg("3"))));
        }
    }

    @Test
    public void erasableKeyIsZeroisedAndUnusableAfterDestroy() throws Exception {
        byte[] raw = key(5);
        JdkGcmCipher.ErasableAesKey k = new JdkGcmCipher.ErasableAesKey(raw);
        Arrays.fill(raw, (byte) 0); // copied in
        byte[] encoded = k.getEncoded();
        assertArrayEquals(key(5), encoded);
        encoded[0] ^= 1; // a clone: the key itself is unchanged
        assertArrayEquals(key(5), k.getEncoded());
        assertEquals("AES", k.getAlgorithm());
        assertEquals("RAW", k.getFormat());
        java.lang.reflect.Field f = JdkGcmCipher.ErasableAesKey.class.getDeclaredField("key");
        f.setAccessible(true);
        byte[] inside = (byte[]) f.get(k);
        k.destroy();
        assertTrue(k.isDestroyed());
        assertArrayEquals(new byte[32], inside);
        try {
            k.getEncoded();
            fail("a destroyed key must not be usable");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("destroyed"));
        }
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream())) {
            out.writeObject(new JdkGcmCipher.ErasableAesKey(key(6)));
            fail("the key must not serialise");
        } catch (java.io.NotSerializableException expected) {
            // fine
        }
    }

    @Test
    public void closedJdkChannelHoldsNoUsableKey() throws Exception {
        GcmCipher dec = JdkGcmCipher.factory("SunJCE").create(k1, false);
        GcmCipher enc = JdkGcmCipher.factory("SunJCE").create(k1, true);
        byte[] wire = new byte[5 + 3 + 16];
        enc.seal(new byte[12], wire, 5, new byte[0], new byte[3]);
        byte[] plain = new byte[3];
        assertTrue(dec.open(new byte[12], wire, 5, new byte[0], plain));
        dec.destroy();
        try {
            dec.open(new byte[12], wire, 5, new byte[0], plain);
            fail("open after destroy");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("destroyed"));
        }
    }

    private static MessageProtectionComponent.Config config(AesGcmBackend backend) {
        return new MessageProtectionComponent.Config() {
            @Override
            public AesGcmBackend aesGcm() {
                if (backend == null) {
                    throw new IllegalArgumentException("No enum constant ...AesGcmBackend.jdk"); // as SCR's conversion
                }
                return backend;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return MessageProtectionComponent.Config.class;
            }
        };
    }

    @Test
    public void activationSelectsTheConfiguredBackend() throws Exception {
        MessageProtectionComponent onJdk = new MessageProtectionComponent(config(AesGcmBackend.JDK));
        MessageProtectionComponent onBc = new MessageProtectionComponent(config(AesGcmBackend.BOUNCY_CASTLE));
        assertEquals(AesGcmBackend.JDK, onJdk.aesGcm());
        assertEquals(AesGcmBackend.BOUNCY_CASTLE, onBc.aesGcm());
        assertEquals(AesGcmBackend.BOUNCY_CASTLE, new MessageProtectionComponent().aesGcm());
        ProtectedChannel a = channel(onJdk, 1, 0, k1, k2, ChannelOptions.stream("s", clock));
        ProtectedChannel b = channel(onBc, 1, 0, k2, k1, ChannelOptions.stream("s", clock));
        assertArrayEquals(msg("hi"), b.open(a.protect(msg("hi"))));
        // CCM and KMAC are Bouncy Castle's whatever the option: they interoperate too
        try (ProtectedChannel c1 = onJdk.ieee1609Psk(new byte[16], ChannelOptions.stream("s", clock));
             ProtectedChannel c2 = onBc.ieee1609Psk(new byte[16], ChannelOptions.stream("s", clock))) {
            assertArrayEquals(msg("psk"), c2.open(c1.protect(msg("psk"))));
        }
    }

    @Test
    public void activationFailsClearlyWhenTheJdkProviderIsMissing() {
        try {
            new MessageProtectionComponent(AesGcmBackend.JDK, "NoSuchJce", new java.security.SecureRandom(), true);
            fail("activation must fail without the provider");
        } catch (IllegalStateException e) {
            assertEquals("NoSuchJce AES/GCM/NoPadding is not usable: JCA provider NoSuchJce is not installed in this JVM",
                    e.getMessage());
        }
        // Bouncy Castle does not need it
        assertEquals(AesGcmBackend.BOUNCY_CASTLE, new MessageProtectionComponent(AesGcmBackend.BOUNCY_CASTLE,
                "NoSuchJce", new java.security.SecureRandom(), true).aesGcm());
    }

    @Test
    public void anUnknownConfiguredValueFailsActivation() {
        try {
            new MessageProtectionComponent(config(null));
            fail("activation must fail on an unknown aesGcm value");
        } catch (IllegalArgumentException e) {
            assertEquals("aesGcm must be BOUNCY_CASTLE or JDK", e.getMessage());
        }
    }
}
