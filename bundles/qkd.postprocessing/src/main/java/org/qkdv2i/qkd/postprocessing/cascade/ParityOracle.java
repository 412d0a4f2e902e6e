package org.qkdv2i.qkd.postprocessing.cascade;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whatever answers Bob's parity requests: {@link CascadeAlice} in process, or a driver's proxy that
 * sends the request over its authenticated classical channel to Alice's {@link CascadeAlice} and
 * returns her response. Drivers implement this, hence a consumer type.
 */
@ConsumerType
@FunctionalInterface
public interface ParityOracle {
    ParityResponse answer(ParityRequest request);
}
