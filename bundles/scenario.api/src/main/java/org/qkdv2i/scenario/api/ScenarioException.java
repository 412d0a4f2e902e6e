package org.qkdv2i.scenario.api;

/** A control the scenario refused or could not carry out; the message says why, for the operator. */
public class ScenarioException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, for mapping to a status code (REST 400 / 404 / 409 / 503). */
    public enum Reason { BAD_REQUEST, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Reason reason;

    public ScenarioException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ScenarioException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
