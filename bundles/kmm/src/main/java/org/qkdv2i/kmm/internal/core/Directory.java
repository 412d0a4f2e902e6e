package org.qkdv2i.kmm.internal.core;

import java.util.Map;
import java.util.Optional;

/** The SAE registry and QoS rules a core consults (backed by DS components at runtime). */
public interface Directory {

    /** SAE ID → node ID of every known SAE. */
    Map<String, String> saes();

    /** The most specific QoS rule for the pair, if any. */
    Optional<Qos> qos(String masterSaeId, String slaveSaeId);
}
