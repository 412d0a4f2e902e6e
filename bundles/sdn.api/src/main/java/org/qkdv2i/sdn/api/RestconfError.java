package org.qkdv2i.sdn.api;

import java.util.Objects;

/**
 * One entry of an RFC 8040 §7.1 {@code ietf-restconf:errors} body.
 *
 * @param errorType    {@code transport}, {@code rpc}, {@code protocol} or {@code application}
 * @param errorTag     e.g. {@code invalid-value}, {@code access-denied}, {@code data-missing},
 *                     {@code resource-denied}, {@code operation-failed} (RFC 8040 §7 table)
 * @param errorAppTag  application-specific tag; null if absent
 * @param errorPath    instance identifier of the offending node; null if absent
 * @param errorMessage a message a person can act on; null if absent
 */
public record RestconfError(String errorType, String errorTag, String errorAppTag, String errorPath,
        String errorMessage) {

    public RestconfError {
        Objects.requireNonNull(errorType, "error-type");
        Objects.requireNonNull(errorTag, "error-tag");
    }

    /** A protocol-level error without app tag. */
    public static RestconfError protocol(String tag, String path, String message) {
        return new RestconfError("protocol", tag, null, path, message);
    }

    /** An application-level error without app tag. */
    public static RestconfError application(String tag, String path, String message) {
        return new RestconfError("application", tag, null, path, message);
    }
}
