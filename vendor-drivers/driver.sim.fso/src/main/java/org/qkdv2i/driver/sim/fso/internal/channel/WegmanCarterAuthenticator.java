package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;
import java.util.Objects;

import org.qkdv2i.qkd.postprocessing.auth.AuthenticationException;
import org.qkdv2i.qkd.postprocessing.auth.WegmanCarter;

/**
 * Every classical frame tagged with Wegman–Carter from bundles/qkd.postprocessing: GHASH over
 * GF(2^128) XOR a fresh 128-bit pad (STANDARDS.md "Post-processing"; Wegman, Carter 1981).
 * Pads start from the pre-shared bootstrap key and are refilled from generated key.
 */
public final class WegmanCarterAuthenticator implements MessageAuthenticator, AutoCloseable {

    private final WegmanCarter wc;

    public WegmanCarterAuthenticator(WegmanCarter wc) {
        this.wc = Objects.requireNonNull(wc, "wc");
    }

    @Override
    public int tagBytes() {
        return WegmanCarter.TAG_BYTES;
    }

    @Override
    public byte[] tag(byte[] data) {
        try {
            return wc.tag(data);
        } catch (AuthenticationException e) {
            throw new IllegalStateException("cannot tag: " + e.getMessage(), e);
        }
    }

    @Override
    public void verify(byte[] data, byte[] tag) throws IOException {
        try {
            wc.verify(data, tag);
        } catch (AuthenticationException e) {
            throw new IOException("classical message failed Wegman-Carter authentication: " + e.getMessage(), e);
        }
    }

    @Override
    public long spentKeyBits() {
        return wc.spentKeyBits();
    }

    /** Adds generated key to the pads (both ends, same bytes, same protocol point); zeroises it. */
    public void refill(byte[] key) {
        wc.refill(key);
    }

    public long availableSendBits() {
        return wc.availableSendBits();
    }

    @Override
    public void close() {
        wc.close();
    }
}
