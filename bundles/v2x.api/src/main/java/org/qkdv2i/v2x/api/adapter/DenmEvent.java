package org.qkdv2i.v2x.api.adapter;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.api.message.ActionId;

/**
 * An event this station originated through {@link V2xStack#triggerDenm} (EN 302 637-3 §8.1): the
 * stack repeats its DENM as requested until the repetition duration ends, it is updated or
 * terminated.
 */
@ProviderType
public interface DenmEvent {
    /** The actionID (this station's ID and a sequence number) shared by all DENMs of the event. */
    ActionId actionId();

    /** AppDENM_update: new content, same actionID, new referenceTime; repetition restarts. */
    void update(DenmRequest request) throws IOException;

    /** AppDENM_termination: sends a cancellation DENM (termination = isCancellation) and stops repeating. */
    void cancel() throws IOException;

    /** False after {@link #cancel()}, or once the validity has expired. */
    boolean isActive();
}
