package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Clock;
import java.util.Arrays;

import org.junit.Test;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;

/** The component as other modules' plain JUnit tests use it: {@code new MessageProtectionComponent()}. */
public class MessageProtectionComponentTest {

    private final MessageProtection protection = new MessageProtectionComponent();

    @Test
    public void allThreeProfilesWorkWithTheSystemClock() throws Exception {
        ChannelOptions o = ChannelOptions.stream("s", Clock.systemUTC());
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        Arrays.fill(k1, (byte) 1);
        Arrays.fill(k2, (byte) 2);
        try (ProtectedChannel a = protection.aead(new ChannelKeys(1, 0, k1, k2), o);
             ProtectedChannel b = protection.aead(new ChannelKeys(1, 0, k2, k1), o)) {
            assertArrayEquals(new byte[] {42}, b.open(a.protect(new byte[] {42})));
        }
        byte[] psk = new byte[16];
        try (ProtectedChannel a = protection.ieee1609Psk(psk, o); ProtectedChannel b = protection.ieee1609Psk(psk, o)) {
            assertArrayEquals(new byte[] {42}, b.open(a.protect(new byte[] {42})));
        }
        try (ProtectedChannel a = protection.broadcastAuthentication(k1, o);
             ProtectedChannel b = protection.broadcastAuthentication(k1, o)) {
            assertArrayEquals(new byte[] {42}, b.open(a.protect(new byte[] {42})));
        }
    }

    @Test
    public void badArgumentsAreRefusedWithAClearMessage() {
        ChannelOptions o = ChannelOptions.stream("s", Clock.systemUTC());
        try {
            protection.broadcastAuthentication(new byte[16], o);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("32 bytes"));
        }
        try {
            protection.aead(null, o);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("null"));
        }
        try {
            protection.ieee1609Psk(new byte[16], null);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("null"));
        }
    }
}
