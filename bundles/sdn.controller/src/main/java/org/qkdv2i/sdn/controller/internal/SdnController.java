package org.qkdv2i.sdn.controller.internal;

import java.util.List;

import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.NetworkException;
import org.qkdv2i.sdn.controller.internal.graph.Path;
import org.qkdv2i.sdn.controller.internal.graph.RerouteEvent;

/**
 * The running controller as the northbound API and the shell see it. Registered as a service
 * (bundle-internal type) while the controller runs, so the Gogo commands follow it.
 */
public interface SdnController {

    String controllerId();

    /** The configured agents and what the last poll found. */
    List<NodeStatus> nodes();

    /** The model: links, relay paths, applications, budgets (thread-safe). */
    Network network();

    /** Provisions and pushes at once; agents that fail get it at the next poll. */
    Application provision(AppRequest request) throws NetworkException;

    /** Removes and deletes at once (or at the next poll). */
    Application remove(String appId) throws NetworkException;

    /** Re-optimises every relay path (moves those with a clearly cheaper path) and pushes the changes. */
    List<RerouteEvent> rebalance();

    /** Whether every agent concerned holds the application's VIRT link and qkd_app entries. */
    boolean isConfigured(Application a);

    /** The path an application would get now. */
    Path preview(String from, String to, double demandBps, int priority);
}
