package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;

import org.junit.Test;

public class SessionSealTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    public void theNewBaseStationOpensWhatTheOldOneSealedWithTheSameKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        UUID id = UUID.randomUUID();
        byte[] aad = SessionSeal.aad("car-1", "E", "F", id);
        byte[] context = "vehicle=car-1;session=42".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = SessionSeal.seal(key, aad, context, random);
        assertFalse("the context is not in the clear", new String(sealed, StandardCharsets.ISO_8859_1).contains("car-1"));
        assertArrayEquals(context, SessionSeal.open(key.clone(), aad, sealed));

        byte[] other = key.clone();
        other[0] ^= 1;
        assertNull("another key does not open it", SessionSeal.open(other, aad, sealed));
        assertNull("nor for another vehicle", SessionSeal.open(key, SessionSeal.aad("car-2", "E", "F", id), sealed));
        assertNull("nor for another handover", SessionSeal.open(key, SessionSeal.aad("car-1", "F", "E", id), sealed));
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 20] ^= 1;
        assertNull("nor when tampered with", SessionSeal.open(key, aad, flipped));
        assertNull("nor when cut short", SessionSeal.open(key, aad, Arrays.copyOf(sealed, 20)));
    }
}
