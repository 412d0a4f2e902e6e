package org.qkdv2i.v2x.codec.internal.security;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the IEEE 1609.2 codec's verifier (PID {@value SharedVerification#PID}, optional). */
@ObjectClassDefinition(name = "QKD-V2I IEEE 1609.2 verifier", description = "Verification settings shared by every"
        + " IEEE 1609.2 codec of this framework (every V2X stack's own codec from the prototype-scoped codec service).")
public @interface VerifierConfig {

    @AttributeDefinition(description = "Remember message signatures that verified (keyed by a full SHA-256 of the"
            + " ECDSA inputs) so that a second receiver of the same bytes skips the ECDSA verification; freshness,"
            + " signer, chain, validity and permissions are still judged per receiver. Failures are never remembered.")
    boolean messageVerdictMemo() default true;

    @AttributeDefinition(description = "Most message verdicts remembered (least recently used go first); below "
            + SharedVerification.MIN_ENTRIES + " counts as " + SharedVerification.MIN_ENTRIES
            + ". A change empties the memo.", min = "" + SharedVerification.MIN_ENTRIES)
    int messageVerdictMemoEntries() default MessageVerdictMemo.DEFAULT_CAPACITY;

    @AttributeDefinition(description = "Most parsed signed messages shared by the codecs (keyed by the full SHA-256 of"
            + " the received octets; least recently used go first), so that the second and later receivers of the"
            + " same octets skip the COER parse and canonical re-encoding check; only messages that parsed and proved"
            + " canonical are kept, and every receiver still judges freshness, signer, chain, validity and"
            + " permissions. 0 turns sharing off. A change empties it.", min = "0")
    int parsedMessages() default ParsedMessages.DEFAULT_CAPACITY;
}
