package org.qkdv2i.telemetry.opcua.internal;

import java.util.concurrent.TimeUnit;

import org.eclipse.milo.opcua.stack.core.Stack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Milo keeps its event loop, executors and timer in static fields of {@link Stack} (made on first
 * use). When the last server of this bundle stops they are released, so stopping, updating or
 * removing the bundle leaves no Milo threads behind (hot swap); the next server makes new ones.
 * The count is process-wide because Milo's pools are.
 */
final class MiloThreads {

    private static final Logger LOG = LoggerFactory.getLogger(MiloThreads.class);
    private static int servers;

    private MiloThreads() {
    }

    static synchronized void acquire() {
        servers++;
    }

    static synchronized void release() {
        if (servers > 0 && --servers == 0) {
            Stack.releaseSharedResources(5, TimeUnit.SECONDS);
            LOG.debug("Milo shared threads released");
        }
    }
}
