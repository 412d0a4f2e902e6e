package org.qkdv2i.v2x.codec.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the holder of a pre-shared key (typically the DAU's {@code ProtectedChannel} from
 * {@code MessageProtection.ieee1609Psk}) by the pskRecipInfo HashedId8 of received
 * {@link SecuredData.Encrypted} data (IEEE 1609.2 §6.3.34). The keys themselves stay with the
 * channels: the keyring keeps only their HashedId8s. Thread-safe.
 *
 * @param <C> what holds the key and opens the data
 */
public final class PskKeyring<C> {

    private final Map<HashedId8, C> holders = new ConcurrentHashMap<>();

    /** Registers the holder of {@code psk16}; returns the key's HashedId8. The caller zeroises {@code psk16}. */
    public HashedId8 register(byte[] psk16, C holder) {
        HashedId8 id = HashedId8.ofPsk(psk16);
        holders.put(id, holder);
        return id;
    }

    public void unregister(HashedId8 id) {
        holders.remove(id);
    }

    /** The holder of the first pskRecipInfo recipient this keyring knows. */
    public Optional<C> find(SecuredData.Encrypted data) {
        for (HashedId8 id : data.pskIds()) {
            C c = holders.get(id);
            if (c != null) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
