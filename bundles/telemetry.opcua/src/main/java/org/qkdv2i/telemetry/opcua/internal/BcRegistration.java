package org.qkdv2i.telemetry.opcua.internal;

import java.security.Provider;
import java.security.Security;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception to the project's "no global provider" rule, and why: Milo 1.0.5 looks up
 * {@code SHA256withRSA/PSS} and {@code RSA/ECB/OAEPWithSHA256AndMGF1Padding} by name through
 * {@code java.security.Security} for Aes256_Sha256_RsaPss, and the JDK has neither. While at least
 * one server offers that policy, a Bouncy Castle provider is registered at the lowest priority
 * (JDK providers keep winning every algorithm they have); the last server to stop removes it,
 * so a BC bundle update never leaves a stale provider behind. The counter is process-wide
 * because the provider list is.
 */
final class BcRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(BcRegistration.class);
    private static int users;
    private static Provider registered;

    private BcRegistration() {
    }

    static synchronized void acquire() {
        if (users++ == 0) {
            if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
                registered = new BouncyCastleProvider();
                Security.addProvider(registered);
                LOG.info("Bouncy Castle registered as the last JCA provider for OPC UA Aes256_Sha256_RsaPss");
            }
        }
    }

    static synchronized void release() {
        if (users > 0 && --users == 0 && registered != null) {
            if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == registered) {
                Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            }
            registered = null;
        }
    }
}
