package org.qkdv2i.dpn.api;

/** The identity log could not do what was asked (no quorum, bad range, forged head). */
public class IdentityLogException extends Exception {

    private static final long serialVersionUID = 1L;

    public IdentityLogException(String message) {
        super(message);
    }

    public IdentityLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
