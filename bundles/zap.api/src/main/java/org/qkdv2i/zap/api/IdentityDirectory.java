package org.qkdv2i.zap.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Read access to enrolled and revoked identities, provided by the DPN identity log. The
 * DAU uses it to authenticate devices it has no enrolled relation with (their ML-DSA and
 * ML-KEM public keys) and to refuse revoked ones.
 */
@ProviderType
public interface IdentityDirectory {

    /** The record of an enrolled device, also when it was later revoked. */
    Optional<IdentityRecord> find(DeviceId id);

    /** True once a revocation of {@code id} is in the log. */
    boolean isRevoked(DeviceId id);

    /** Called after each enrolment or revocation the directory learns of. */
    @ConsumerType
    @FunctionalInterface
    interface Listener {
        void changed(DeviceId id, boolean revoked);
    }

    /** Registers a listener until {@link #removeListener}; cheap, never blocks. */
    void addListener(Listener listener);

    void removeListener(Listener listener);
}
