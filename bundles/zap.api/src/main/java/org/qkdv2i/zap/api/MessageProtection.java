package org.qkdv2i.zap.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Message protection between DAUs (paper §4: the DAU "encrypts the message with a
 * fingerprint of the BS"): the factories of {@link ProtectedChannel}s. The keys passed in
 * are copied; the caller zeroises its arrays.
 */
@ProviderType
public interface MessageProtection {

    /**
     * AES-256-GCM with per-direction 32-byte keys, a sequence number per message, its
     * generation time, and a replay window ({@link ChannelOptions#replayWindow()}).
     */
    ProtectedChannel aead(ChannelKeys keys, ChannelOptions options);

    /**
     * The IEEE 1609.2 symmetric profile used on the air (issue 6): each message is a COER
     * {@code Ieee1609Dot2Data} holding {@code EncryptedData} with a {@code pskRecipInfo}
     * (HashedId8 of the 16-byte pre-shared key) and an {@code aes128ccm} ciphertext
     * (12-byte nonce, 16-byte tag).
     */
    ProtectedChannel ieee1609Psk(byte[] psk16, ChannelOptions options);

    /**
     * Authentication only, for broadcast where confidentiality is not wanted: the payload
     * in clear plus a KMAC256 tag under a 32-byte group key.
     */
    ProtectedChannel broadcastAuthentication(byte[] groupKey32, ChannelOptions options);
}
