package org.qkdv2i.v2x.api.radio;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the frames a {@link Radio} hears, after {@link Radio#subscribe}. */
@ConsumerType
@FunctionalInterface
public interface FrameListener {
    /**
     * One received frame, with the receive metadata the radio has. Called on a radio thread:
     * return quickly. An exception thrown here is logged by the radio and does not stop the
     * delivery to this or other listeners.
     */
    void received(RadioFrame frame);
}
