package org.qkdv2i.scenario.internal.model;

/** A scenario file refused; the message starts with the JSON path of the offending value. */
public final class ScenarioFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public ScenarioFormatException(String message) {
        super(message);
    }
}
