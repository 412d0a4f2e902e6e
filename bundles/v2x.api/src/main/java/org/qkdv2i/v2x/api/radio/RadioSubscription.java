package org.qkdv2i.v2x.api.radio;

import org.osgi.annotation.versioning.ConsumerType;

/** A listener's registration with a {@link Radio}; closing it ends delivery. */
@ConsumerType
public interface RadioSubscription extends AutoCloseable {
    /**
     * Ends the subscription. Idempotent; once it returns, the radio starts no new call to the
     * listener (a call already running may finish). Never throws.
     */
    @Override
    void close();
}
