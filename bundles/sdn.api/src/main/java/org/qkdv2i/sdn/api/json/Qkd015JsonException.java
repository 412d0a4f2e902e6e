package org.qkdv2i.sdn.api.json;

/**
 * A JSON document that is not a valid encoding of the node model. Carries what an RFC 8040
 * error needs: the error tag ({@code malformed-message}, {@code invalid-value},
 * {@code unknown-element}, {@code missing-element}) and the path of the offending member.
 */
public final class Qkd015JsonException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String errorTag;
    private final String path;

    public Qkd015JsonException(String errorTag, String path, String message) {
        super(path == null || path.isEmpty() ? message : path + ": " + message, null, false, false);
        this.errorTag = errorTag;
        this.path = path;
    }

    /** RFC 8040 §7 error-tag. */
    public String errorTag() {
        return errorTag;
    }

    /** Path of the offending member inside the document, e.g. {@code /qkd_link[0]/qkdl_type}; "" for the whole document. */
    public String path() {
        return path == null ? "" : path;
    }
}
