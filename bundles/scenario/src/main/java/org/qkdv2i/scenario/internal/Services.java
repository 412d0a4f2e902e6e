package org.qkdv2i.scenario.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.scenario.api.CityListener;
import org.qkdv2i.tls.NodeTls;

/** The services the engine uses, as DS binds and unbinds them (any may leave at any time). */
final class Services {
    final Map<String, KeyManager> kmms = new ConcurrentHashMap<>();
    final Map<String, RelayRoutes> routes = new ConcurrentHashMap<>();
    final Map<String, NodeTls> tls = new ConcurrentHashMap<>();
    final List<CityListener> listeners = new CopyOnWriteArrayList<>();
}
