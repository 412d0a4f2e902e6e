package org.qkdv2i.zap.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A Device Authentication Unit (paper §3-4, Figure 4): the device's identity, rooted in
 * its PUF and its measurement, and the unit authentication it runs with other DAUs.
 * Registered as a service with the properties {@value #NAME}, {@value #ID},
 * {@value #KIND}, {@value #ROLE} and {@value #ZONE}; a device may have several (an RSU
 * has a DAU-N and a DAU-V).
 *
 * <p>No secret leaves the DAU: the device secret, the per-pair keys and the private
 * ML-DSA / ML-KEM keys stay inside; callers get identities, handshake messages and, at
 * the end of a handshake, a session secret bound to both identities and both nonces.
 */
@ProviderType
public interface DeviceAuthenticationUnit {

    String NAME = "dau.name";
    String ID = "dau.id";
    String KIND = "dau.kind";
    String ROLE = "dau.role";
    String ZONE = "dau.zone";

    /** The identity derived from the PUF secret and the current device measurement. */
    DeviceId id();

    /** The record this DAU publishes when it enrols in the identity log. */
    IdentityRecord identityRecord();

    /**
     * Starts a mutual unit authentication towards {@code expectedPeer}; the first message
     * to send is {@link UnitAuthentication#firstMessage()}. With an enrolled relation to
     * the peer the handshake is a KMAC256 challenge-response under the per-pair key;
     * without one it signs with ML-DSA and establishes a key with ML-KEM, taking the
     * peer's public keys from the identity directory.
     */
    UnitAuthentication initiate(DeviceId expectedPeer) throws AuthenticationException;

    /** Answers a handshake some other DAU started; feed it the first message received. */
    UnitAuthentication respond();
}
