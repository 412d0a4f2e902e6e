package org.qkdv2i.node.internal;

import java.util.concurrent.Callable;
import java.util.function.IntSupplier;

/**
 * A one-shot action for the launcher's main thread. A named class, not a lambda: the bnd
 * launcher checks the service's declared type argument and only accepts {@code Callable<Integer>}.
 */
final class MainAction implements Callable<Integer> {

    private final IntSupplier action;

    MainAction(IntSupplier action) {
        this.action = action;
    }

    @Override
    public Integer call() {
        return action.getAsInt();
    }
}
