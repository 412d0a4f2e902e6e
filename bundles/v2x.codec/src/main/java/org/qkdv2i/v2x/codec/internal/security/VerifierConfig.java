package org.qkdv2i.v2x.codec.internal.security;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the IEEE 1609.2 codec's verifier (PID {@value OerIeee1609Dot2Codec#PID}, optional). */
@ObjectClassDefinition(name = "QKD-V2I IEEE 1609.2 verifier", description = "Verification settings shared by every"
        + " IEEE 1609.2 codec of this framework (the service and the stacks' own instances).")
public @interface VerifierConfig {

    @AttributeDefinition(description = "Remember message signatures that verified (keyed by a full SHA-256 of the"
            + " ECDSA inputs) so that a second receiver of the same bytes skips the ECDSA verification; freshness,"
            + " signer, chain, validity and permissions are still judged per receiver. Failures are never remembered.")
    boolean messageVerdictMemo() default true;

    @AttributeDefinition(description = "Most message verdicts remembered (least recently used go first); below "
            + OerIeee1609Dot2Codec.MIN_ENTRIES + " counts as " + OerIeee1609Dot2Codec.MIN_ENTRIES
            + ". A change empties the memo.", min = "" + OerIeee1609Dot2Codec.MIN_ENTRIES)
    int messageVerdictMemoEntries() default MessageVerdictMemo.DEFAULT_CAPACITY;
}
