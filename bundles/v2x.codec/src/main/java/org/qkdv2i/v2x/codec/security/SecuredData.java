package org.qkdv2i.v2x.codec.security;

import java.util.List;
import java.util.Objects;

/**
 * A decoded IEEE 1609.2 {@code Ieee1609Dot2Data} (protocol version 3). Octet arrays handed out are
 * the decoder's own copies.
 */
public sealed interface SecuredData {

    /** §6.3.2: unsecuredData, the payload as is. */
    record Unsecured(byte[] payload) implements SecuredData {
        public Unsecured {
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * §6.3.4 SignedData whose payload is an embedded unsecured {@code Ieee1609Dot2Data}.
     *
     * @param header            psid, generation time and location
     * @param payload           the signed payload (the inner unsecuredData)
     * @param signerKind        digest, certificate or self
     * @param signerId          the digest, or the HashedId8 of the included certificate; {@code null} for self
     * @param signerCertificate the included certificate's COER, or {@code null} for a digest
     */
    record Signed(HeaderInfo header, byte[] payload, SignerKind signerKind, HashedId8 signerId, byte[] signerCertificate)
            implements SecuredData {
        public Signed {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(signerKind, "signerKind");
        }
    }

    /** One recipient of EncryptedData. */
    record Recipient(RecipientKind kind, HashedId8 id) {
    }

    /**
     * §6.3.30 EncryptedData with an {@code aes128ccm} ciphertext; opening it is the job of the
     * channel that holds the key ({@link PskKeyring}).
     *
     * @param recipients       in their order on the wire
     * @param ciphertextLength octets of the CCM ciphertext including its 16-octet tag
     */
    record Encrypted(List<Recipient> recipients, int ciphertextLength) implements SecuredData {
        public Encrypted {
            recipients = List.copyOf(recipients);
        }

        /** The HashedId8s of the pskRecipInfo recipients. */
        public List<HashedId8> pskIds() {
            return recipients.stream().filter(r -> r.kind() == RecipientKind.PSK).map(Recipient::id).toList();
        }
    }
}
