package org.qkdv2i.scenario.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: the scenario engine calls every registered listener with each event, in order, from
 * one thread; a listener must return quickly (queue the event, do not block on the network).
 */
@ConsumerType
public interface CityListener {

    void event(CityEvent event);
}
