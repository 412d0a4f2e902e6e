package org.qkdv2i.zap.internal.message;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageProtection} service: stateless factory of channels on Bouncy Castle's
 * lightweight API (no JCA provider registered anywhere). One option: {@code aesGcm = JDK} runs the
 * AES-256-GCM channels ({@link #aead}) on the JDK's own SunJCE cipher (hardware AES); the 1609.2
 * CCM and KMAC channels stay on Bouncy Castle (the JDK has no CCM). Configuration is optional.
 * Usable without OSGi: {@code new MessageProtectionComponent()} (Bouncy Castle) or
 * {@code new MessageProtectionComponent(AesGcmBackend.JDK)}.
 */
@Component(name = MessageProtectionComponent.PID, configurationPid = MessageProtectionComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = MessageProtection.class, immediate = true)
@Designate(ocd = MessageProtectionComponent.Config.class)
public final class MessageProtectionComponent implements MessageProtection {

    public static final String PID = "org.qkdv2i.zap.MessageProtection";

    private static final Logger LOG = LoggerFactory.getLogger(MessageProtectionComponent.class);

    /** Who computes AES-256-GCM for the {@code aead} channels. */
    public enum AesGcmBackend {
        /** Bouncy Castle's pure-Java AES (the project's crypto rule; the default). */
        BOUNCY_CASTLE,
        /** The JDK's SunJCE AES/GCM/NoPadding: AES-NI/CLMUL intrinsics where the CPU has them. */
        JDK
    }

    @ObjectClassDefinition(name = "QKD-V2I message protection", description = "Channels for DAU messages: "
            + "AES-256-GCM, IEEE 1609.2 AES-128-CCM PSK, KMAC256 broadcast authentication.")
    public @interface Config {
        @AttributeDefinition(description = "Implementation of AES-256-GCM for the aead channels: BOUNCY_CASTLE "
                + "(default, pure Java) or JDK (SunJCE, hardware AES; same wire format). CCM and KMAC always use "
                + "Bouncy Castle.")
        AesGcmBackend aesGcm() default AesGcmBackend.BOUNCY_CASTLE;
    }

    private final SecureRandom random;
    private final AesGcmBackend aesGcm;
    private final GcmCipher.Factory gcm;

    /** Defaults: Bouncy Castle everywhere. */
    public MessageProtectionComponent() {
        this(new SecureRandom());
    }

    /**
     * @throws IllegalStateException for {@code JDK} when SunJCE's AES/GCM is not usable here
     */
    public MessageProtectionComponent(AesGcmBackend aesGcm) {
        this(aesGcm, JdkGcmCipher.JDK_PROVIDER, new SecureRandom(), false);
    }

    /** Activation: the backend resolved and self-tested, logged once; one ERROR line when unusable. */
    @Activate
    public MessageProtectionComponent(Config config) {
        this(backendOf(config), JdkGcmCipher.JDK_PROVIDER, new SecureRandom(), true);
    }

    /** For tests that need reproducible sender ids and nonce bases. */
    MessageProtectionComponent(SecureRandom random) {
        this(AesGcmBackend.BOUNCY_CASTLE, JdkGcmCipher.JDK_PROVIDER, random, false);
    }

    /** {@code jdkProvider}: the JCA provider name behind {@code JDK} (SunJCE; tests name a missing one). */
    MessageProtectionComponent(AesGcmBackend aesGcm, String jdkProvider, SecureRandom random, boolean activation) {
        if (aesGcm == null) {
            throw new IllegalArgumentException("aesGcm must not be null");
        }
        this.aesGcm = aesGcm;
        this.random = random;
        try {
            this.gcm = factory(aesGcm, jdkProvider);
        } catch (IllegalStateException e) {
            if (activation) {
                LOG.error("message protection not started: aesGcm=JDK but {}", e.getMessage());
            }
            throw e;
        }
        if (activation && aesGcm == AesGcmBackend.JDK) {
            LOG.info("message protection: AES-256-GCM channels on the JDK's {} {} (aesGcm=JDK); IEEE 1609.2 CCM "
                    + "and KMAC on Bouncy Castle", jdkProvider, JdkGcmCipher.TRANSFORMATION);
        } else if (activation) {
            LOG.info("message protection: all channels on Bouncy Castle (aesGcm=BOUNCY_CASTLE)");
        }
    }

    static AesGcmBackend backendOf(Config config) {
        try {
            return config.aesGcm();
        } catch (RuntimeException e) { // SCR converts the configured string when the method is called
            LOG.error("message protection not started: aesGcm must be BOUNCY_CASTLE or JDK ({})", e.getMessage());
            throw new IllegalArgumentException("aesGcm must be BOUNCY_CASTLE or JDK", e);
        }
    }

    private static GcmCipher.Factory factory(AesGcmBackend backend, String jdkProvider) {
        if (backend == AesGcmBackend.BOUNCY_CASTLE) {
            return BcGcmCipher::new;
        }
        try {
            return JdkGcmCipher.factory(jdkProvider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jdkProvider + " " + JdkGcmCipher.TRANSFORMATION + " is not usable: "
                    + e.getMessage(), e);
        }
    }

    /** Which AES-256-GCM implementation the {@code aead} channels use. */
    public AesGcmBackend aesGcm() {
        return aesGcm;
    }

    @Override
    public ProtectedChannel aead(ChannelKeys keys, ChannelOptions options) {
        require(keys != null && options != null, "keys and options");
        return new AeadChannel(keys, options, gcm);
    }

    @Override
    public ProtectedChannel ieee1609Psk(byte[] psk16, ChannelOptions options) {
        require(options != null, "options");
        return new Ieee1609PskChannel(psk16, options, random);
    }

    @Override
    public ProtectedChannel broadcastAuthentication(byte[] groupKey32, ChannelOptions options) {
        require(options != null, "options");
        return new BroadcastAuthChannel(groupKey32, options, random);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what + " must not be null");
        }
    }
}
