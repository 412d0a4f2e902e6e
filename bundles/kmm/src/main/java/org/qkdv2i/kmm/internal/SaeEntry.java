package org.qkdv2i.kmm.internal;

/** An SAE registry entry, registered by {@link SaeComponent}; bound by every {@link NodeComponent}. */
public interface SaeEntry {

    String saeId();

    String nodeId();
}
