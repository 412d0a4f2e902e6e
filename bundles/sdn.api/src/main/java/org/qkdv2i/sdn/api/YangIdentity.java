package org.qkdv2i.sdn.api;

import java.util.Locale;

/**
 * A YANG identity of module {@code etsi-qkd-node-types} (ETSI GS QKD 015 Annex). RFC 7951
 * §6.8 encodes an identityref as {@code module:identity} when the identity is defined in
 * another module than the leaf, which is the case for every identity the node model uses.
 */
public interface YangIdentity {

    /** The module defining the identities. */
    String MODULE = "etsi-qkd-node-types";

    /** The identity name as the YANG module spells it, e.g. {@code OUT-OF-TIME}. */
    String identity();

    /** The RFC 7951 value, e.g. {@code etsi-qkd-node-types:PHYS}. */
    default String qualified() {
        return MODULE + ":" + identity();
    }

    /**
     * Parses an identityref value, with the module prefix ({@code etsi-qkd-node-types:PHYS})
     * or without it ({@code PHYS}, as some implementations send).
     *
     * @throws IllegalArgumentException naming the accepted values if none matches
     */
    static <E extends Enum<E> & YangIdentity> E parse(Class<E> type, String value) {
        if (value == null) {
            throw new IllegalArgumentException("missing identity");
        }
        String name = value;
        int colon = value.indexOf(':');
        if (colon >= 0) {
            if (!MODULE.equals(value.substring(0, colon))) {
                throw new IllegalArgumentException("identity '" + value + "' is not of module " + MODULE);
            }
            name = value.substring(colon + 1);
        }
        for (E e : type.getEnumConstants()) {
            if (e.identity().equals(name)) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(e.qualified());
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " '" + value
                + "'; expected one of " + known);
    }
}
