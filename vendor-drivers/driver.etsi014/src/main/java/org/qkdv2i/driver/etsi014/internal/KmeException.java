package org.qkdv2i.driver.etsi014.internal;

/** A call to the vendor KME failed; {@link #kind()} says how the driver should react. */
final class KmeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, grouped by the reaction it calls for. */
    enum Kind {
        /** 503: the KME has no key (yet) for this SAE pair. ETSI GS QKD 014 §5.2 / §5.3. Retry later. */
        NO_KEY(false),
        /** 401: the KME does not accept this SAE (certificate, SAE ID, pairing). Operator must act. */
        UNAUTHORIZED(true),
        /** 400: the KME refused the request (size, number, unknown key IDs). */
        BAD_REQUEST(true),
        /** No answer within requestTimeoutMillis. Retry later. */
        TIMEOUT(false),
        /** No TCP connection (KME down, wrong host or port). Retry later. */
        UNREACHABLE(false),
        /** TLS handshake refused (foreign CA, expired certificate, host name mismatch, no client certificate). */
        TLS(true),
        /** The KME answered something that is not ETSI GS QKD 014 (bad JSON, other status code, wrong keys). */
        PROTOCOL(true);

        final boolean needsOperator;

        Kind(boolean needsOperator) {
            this.needsOperator = needsOperator;
        }
    }

    private final Kind kind;
    private final int httpStatus;

    KmeException(Kind kind, int httpStatus, String message) {
        super(message);
        this.kind = kind;
        this.httpStatus = httpStatus;
    }

    Kind kind() {
        return kind;
    }

    /** HTTP status code, 0 when there was no HTTP answer. */
    int httpStatus() {
        return httpStatus;
    }
}
