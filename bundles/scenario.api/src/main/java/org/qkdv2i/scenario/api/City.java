package org.qkdv2i.scenario.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A running city scenario (one per framework), registered as a service by the scenario engine.
 * All methods are thread-safe and return quickly; controls take effect in simulated time and are
 * reported back as {@link CityEvent}s.
 */
@ProviderType
public interface City {

    /** The scenario's name (from its file). */
    String name();

    /** A consistent snapshot of the city now. */
    CityView view();

    /**
     * Events with a sequence number above {@code afterSeq}, oldest first (at most the last
     * {@code limit}; the engine keeps a bounded history). For a reconnecting viewer
     * (Server-Sent Events' {@code Last-Event-ID}).
     */
    List<CityEvent> events(long afterSeq, int limit);

    /**
     * Changes the weather over the whole city (every FSO link).
     *
     * @param weather one of {@link CityView#WEATHERS}
     * @throws ScenarioException if the weather is unknown
     */
    void setWeather(String weather, boolean daylight) throws ScenarioException;

    /**
     * Eve starts attacking a link.
     *
     * @param attack one of {@link LinkView#ATTACKS}
     * @throws ScenarioException if the link or the attack is unknown, or the link is already attacked
     */
    void startAttack(String linkId, String attack) throws ScenarioException;

    /** Eve stops attacking a link; nothing happens if she was not. */
    void stopAttack(String linkId) throws ScenarioException;

    /**
     * Updates the bundle of a link's QKD driver live (stop, update from its location, start): the
     * link's key flow pauses, the pools keep serving.
     *
     * @return a one-line report of what was updated
     * @throws ScenarioException if the link is unknown or the update failed (the message says why)
     */
    String updateDriver(String linkId) throws ScenarioException;

    /**
     * Provisions an application between two SAEs through the SDN controller and fetches a first
     * key at the master's KME and the same key at the slave's.
     *
     * @throws ScenarioException if an SAE is unknown or no key could be delivered (the message says why)
     */
    Provisioned provision(String masterSaeId, String slaveSaeId) throws ScenarioException;
}
