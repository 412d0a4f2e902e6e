package org.qkdv2i.v2x.api.radio;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A radio back-end: sends and receives link-layer frames on one air interface. Registered as
 * an OSGi service with the properties {@link #RADIO_ID} and {@link #TECHNOLOGY}; adapters
 * reference it dynamically (greedy) and must cope with it leaving at any time: a send on a
 * radio that has been deactivated fails with an {@link IOException}, and its subscriptions end
 * without further callbacks. Implementations are thread-safe.
 */
@ConsumerType
public interface Radio {
    /** Service property: the radio's ID (String), unique within a node. */
    String RADIO_ID = "radio.id";
    /** Service property: the {@link RadioTechnology} name (String), for reference filters. */
    String TECHNOLOGY = "radio.technology";

    /** The radio's ID, the value of its {@link #RADIO_ID} service property. */
    String radioId();

    RadioTechnology technology();

    /** This radio's own link address (6-octet MAC for ITS-G5, 3-octet Layer-2 ID for PC5). */
    LinkAddress address();

    /**
     * Hands one frame to the radio for transmission. Returns when the radio has accepted it (not
     * when it is on the air). The frame's address kind must fit {@link #technology()}.
     *
     * @throws IllegalArgumentException if the frame does not fit this radio (address size,
     *         payload larger than the radio's MTU)
     * @throws IOException if the radio cannot send now (down, removed, I/O failure)
     */
    void send(RadioFrame frame) throws IOException;

    /**
     * Delivers every frame received from now on to {@code listener} until the returned
     * subscription is closed or the radio goes away. A listener may subscribe more than once;
     * each subscription is separate.
     */
    RadioSubscription subscribe(FrameListener listener);
}
