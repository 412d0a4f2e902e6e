package org.qkdv2i.kmm.internal;

import org.qkdv2i.kmm.internal.core.Qos;

/** A QoS rule for SAE pairs, registered by {@link SaePairQosComponent}. */
public interface QosEntry {

    Qos qos();
}
