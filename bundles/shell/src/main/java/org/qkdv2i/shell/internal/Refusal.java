package org.qkdv2i.shell.internal;

/**
 * A command cannot do what was asked; the message is the one line the operator sees (the
 * {@code zap:} and {@code dpn:} commands return it as their output, never a stack trace).
 */
final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    Refusal(String line) {
        super(line);
    }
}
