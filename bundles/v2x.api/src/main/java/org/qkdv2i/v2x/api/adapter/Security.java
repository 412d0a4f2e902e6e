package org.qkdv2i.v2x.api.adapter;

import java.util.Objects;

import org.qkdv2i.zap.api.ProtectedChannel;

/**
 * How one outgoing message is protected (IEEE 1609.2 / ETSI TS 103 097 {@code Ieee1609Dot2Data}).
 */
public sealed interface Security {

    /** No protection: EU: GeoNetworking without security header; US: 1609.2 unsecuredData. */
    static Security unsecured() {
        return Unsecured.INSTANCE;
    }

    /** ECDSA P-256 SignedData with the stack's authorization ticket; the psid follows the message kind. */
    static Security signed() {
        return new Signed(null);
    }

    /** Signed with an explicit psid (ITS-AID), for opaque payloads; the ticket must permit it. */
    static Security signed(long psid) {
        return new Signed(psid);
    }

    /**
     * EncryptedData under a pre-shared key (pskRecipInfo, AES-128-CCM), protected by the DAU-V's
     * channel ({@code MessageProtection.ieee1609Psk}). Receivers open it with the channel they
     * registered through {@link V2xStack#registerPsk}.
     */
    static Security psk(ProtectedChannel channel) {
        return new Psk(channel);
    }

    /** See {@link Security#unsecured()}. */
    final class Unsecured implements Security {
        static final Unsecured INSTANCE = new Unsecured();

        private Unsecured() {
        }

        @Override
        public String toString() {
            return "UNSECURED";
        }
    }

    /**
     * See {@link Security#signed()}.
     *
     * @param psid the ITS-AID to sign with, or {@code null} for the message kind's own (CAM 36,
     *        DENM 37, BSM 32)
     */
    record Signed(Long psid) implements Security {
    }

    /** See {@link Security#psk(ProtectedChannel)}. */
    record Psk(ProtectedChannel channel) implements Security {
        public Psk {
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public String toString() {
            return "PSK";
        }
    }
}
