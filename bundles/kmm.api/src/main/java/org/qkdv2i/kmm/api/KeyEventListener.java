package org.qkdv2i.kmm.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener: register a service of this type to receive {@link KeyEvent}s from
 * every KMM in the framework. Called on a KMM thread; return quickly.
 */
@ConsumerType
public interface KeyEventListener {

    void keyEvent(KeyEvent event);
}
