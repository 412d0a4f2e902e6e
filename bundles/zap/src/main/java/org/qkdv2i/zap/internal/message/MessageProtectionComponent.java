package org.qkdv2i.zap.internal.message;

import java.security.SecureRandom;

import org.osgi.service.component.annotations.Component;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * The {@link MessageProtection} service: stateless factory of channels, all on Bouncy Castle's
 * lightweight API (no JCA provider registered anywhere). Usable without OSGi:
 * {@code new MessageProtectionComponent()}.
 */
@Component(service = MessageProtection.class, immediate = true)
public final class MessageProtectionComponent implements MessageProtection {

    private final SecureRandom random;

    public MessageProtectionComponent() {
        this(new SecureRandom());
    }

    /** For tests that need reproducible sender ids and nonce bases. */
    MessageProtectionComponent(SecureRandom random) {
        this.random = random;
    }

    @Override
    public ProtectedChannel aead(ChannelKeys keys, ChannelOptions options) {
        require(keys != null && options != null, "keys and options");
        return new AeadChannel(keys, options);
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
