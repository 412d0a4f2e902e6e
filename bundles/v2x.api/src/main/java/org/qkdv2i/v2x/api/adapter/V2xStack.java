package org.qkdv2i.v2x.api.adapter;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.api.message.ActionId;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * One V2X stack on one radio: the upper layers (CA/DEN basic services or the BSM, security,
 * GeoNetworking/BTP or WSMP) over a {@code Radio}. Registered as a service with the properties
 * {@link #STACK}, {@link #PROFILE} and {@code radio.id}/{@code radio.technology} of its radio
 * configuration. Thread-safe. Sends fail with {@link IOException} while the stack has no radio.
 * <p>
 * The stack itself generates CAMs (EU; EN 302 637-2 §6.1.3) or BSMs (US; 10 Hz) from its
 * {@link StationStateProvider}; the methods here are for applications with more to say.
 */
@ProviderType
public interface V2xStack {
    /** Service property (String): the stack's name, unique within a node. */
    String STACK = "v2x.stack";
    /** Service property (String): the {@link Profile} name. */
    String PROFILE = "v2x.profile";

    String stackId();

    Profile profile();

    RadioTechnology technology();

    /**
     * Sends one CAM now (EU), in addition to the generated ones.
     *
     * @throws IllegalStateException on a US stack
     */
    void sendCam(Cam cam, Security security) throws IOException;

    /**
     * AppDENM_trigger (EN 302 637-3 §8.1.2, EU): a new event with a new actionID, sent now over
     * GeoBroadcast to a circle around the event position and repeated as requested.
     *
     * @throws IllegalStateException on a US stack
     */
    DenmEvent triggerDenm(DenmRequest request, Security security) throws IOException;

    /**
     * AppDENM_termination by negation (EN 302 637-3 §8.1.4): this station declares another
     * station's event over (termination = isNegation, the other station's actionID).
     */
    void negateDenm(ActionId actionId, DenmRequest request, Security security) throws IOException;

    /**
     * Sends one BSM now (US), in addition to the generated ones.
     *
     * @throws IllegalStateException on an EU stack
     */
    void sendBsm(Bsm bsm, Security security) throws IOException;

    /**
     * Sends an opaque application payload: EU: BTP-B to destination port {@code serviceId} in a
     * GeoNetworking single-hop broadcast; US: a WSM with PSID {@code serviceId}.
     *
     * @param priority traffic class 0 (highest) .. 3; mapped to the 802.11 user priority or the PC5 PPPP
     */
    void sendPayload(long serviceId, byte[] payload, int priority, Security security) throws IOException;

    /**
     * Lets this stack open EncryptedData for {@code psk16} (its pskRecipInfo HashedId8) with
     * {@code channel}, the DAU-V's {@code MessageProtection.ieee1609Psk} channel for the same key.
     * The stack keeps only the key's HashedId8; the caller zeroises {@code psk16}.
     *
     * @return closing it stops accepting that key
     */
    AutoCloseable registerPsk(byte[] psk16, ProtectedChannel channel);

    StackStatistics statistics();
}
