package org.qkdv2i.dpn.api;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.zap.api.DeviceId;

/**
 * One DAU's place in the DPN: it listens for sessions from other DAUs and opens sessions
 * to them, each one authenticated by ZAP unit authentication, checked against the
 * micro-segmentation policy and keyed from both DAUs' identities (and a QKD key where
 * both ends are QKD nodes). Registered with the property {@code dau.name} of its DAU.
 * Messages received on any of its sessions go to the {@link DpnMessageHandler} services
 * with the same {@code dau.name}.
 */
@ProviderType
public interface DpnEndpoint {

    /** The identity of this endpoint's DAU. */
    DeviceId deviceId();

    /** Where this endpoint accepts sessions. */
    InetSocketAddress listenAddress();

    /**
     * Opens (or returns the open) session to the DAU {@code expectedPeer} at {@code address}.
     *
     * @throws DpnException when the peer cannot be reached, fails authentication, is
     *                      revoked or the policy forbids the pair
     */
    DpnSession connect(InetSocketAddress address, DeviceId expectedPeer) throws DpnException;

    /** The sessions open now, both directions. */
    Collection<DpnSession> sessions();

    /**
     * Session set-ups refused since this endpoint started, both directions, counted by reason:
     * only {@link DpnException.Reason#AUTHENTICATION_FAILED} (unit authentication failed, wrong
     * peer, a key the KMM would not confirm, this DAU unable to authenticate),
     * {@link DpnException.Reason#REVOKED} and {@link DpnException.Reason#POLICY_DENIED}, whichever
     * side refused. Unreachable peers and connections that never spoke the DPN protocol are not
     * counted. Reasons never seen are absent. Telemetry polls it to raise authentication-failure
     * alarms (one per period with the growth, not one per refusal).
     *
     * @return a snapshot; the default (endpoints built against 1.0) is empty
     * @since 1.1
     */
    default Map<DpnException.Reason, Long> refusedSetUps() {
        return Map.of();
    }

    /**
     * Inter-domain fast transition (base station to base station): sends the vehicle's PMK-R0
     * for the mobility domain of the base station at the other end of {@code toBaseStation},
     * derived for that domain from the PMK-R0 this base station holds (R0 key holder), over that
     * (QKD-keyed) session, so the first RSU of the next domain can use a fast transition too.
     * The key never leaves the two endpoints.
     *
     * @param vehicle       the vehicle's device ID
     * @param toBaseStation this endpoint's open session with the next base station
     * @return false if this endpoint holds no valid PMK-R0 for the vehicle (none, expired,
     *         revoked) or is not a base station with fast transition enabled; the next domain
     *         then does a full first contact
     * @throws DpnException if the session is closed or the peer revoked
     * @since 1.2
     */
    default boolean transferFastTransition(DeviceId vehicle, DpnSession toBaseStation) throws DpnException {
        return false;
    }
}
