package org.qkdv2i.sdn.controller.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDN controller, configured by PID {@code org.qkdv2i.sdn.Controller}. It runs while its TLS
 * identity is there (a {@link NodeTls} with {@code qkd.node=<controllerId>}, e.g. a dev-PKI
 * certificate with CN = controllerId): polls the agents, reroutes, pushes, serves the northbound
 * API and registers {@link SdnController} for the shell. The model ({@link Network}: applications
 * and their paths) lives as long as the configuration, so a TLS identity that is replaced keeps
 * the applications.
 */
@Component(configurationPid = ControllerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ControllerComponent.Config.class)
public final class ControllerComponent {

    static final String PID = "org.qkdv2i.sdn.Controller";
    private static final Logger LOG = LoggerFactory.getLogger(ControllerComponent.class);

    @ObjectClassDefinition(id = PID, name = "QKD-V2I SDN controller",
            description = "Polls the nodes' ETSI GS QKD 015 agents, computes key-aware relay paths, provisions and reroutes applications.")
    public @interface Config {
        @AttributeDefinition(description = "Controller ID = its TLS identity: binds the NodeTls with qkd.node=<controllerId> (certificate CN); agents must list it in their 'controllers'")
        String controllerId();

        @AttributeDefinition(description = "Agents, one per node: NODE=https://host:port (the agent's certificate CN must be NODE)")
        String[] agents() default {};

        @AttributeDefinition(description = "Poll period, milliseconds", min = "100")
        long pollMillis() default 1000;

        @AttributeDefinition(description = "Timeout of one agent request, milliseconds", min = "100")
        long agentTimeoutMillis() default 2000;

        @AttributeDefinition(description = "Northbound API address (0.0.0.0 for all interfaces)")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "Northbound API HTTPS port (0: any free port; -1: no northbound API)", min = "-1", max = "65535")
        int port() default 8744;

        @AttributeDefinition(description = "Client certificate CNs allowed to provision and remove applications (empty: any client the trusted CA certified)")
        String[] operators() default {};

        @AttributeDefinition(description = "File keeping the applications and their relay paths across restarts (relative to the working directory); empty: memory only")
        String stateFile() default "data/sdn-controller.json";
    }

    private final BundleContext context;
    private final String controllerId;
    private final List<AgentRef> agents;
    private final Config config;
    private final Network network = new Network();
    private final StateFile state;
    private final ConcurrentMap<NodeTls, String> tlsServices = new ConcurrentHashMap<>();
    // guarded by this
    private boolean active;
    private NodeTls servingTls;
    private Running running;

    /** What runs while the TLS identity is there. */
    private record Running(Engine engine, ScheduledExecutorService poller, Northbound northbound,
            ServiceRegistration<SdnController> registration, AgentTransport transport) {
    }

    @Activate
    public ControllerComponent(BundleContext context, Config config) {
        String id = config.controllerId() == null ? "" : config.controllerId().trim();
        if (id.isEmpty()) {
            LOG.error("SDN controller not started: configuration {} needs controllerId", PID);
            throw new IllegalArgumentException("controllerId is required");
        }
        List<AgentRef> parsed;
        try {
            parsed = AgentRef.parse(config.agents());
        } catch (IllegalArgumentException e) {
            LOG.error("SDN controller {} not started: {}", id, e.getMessage());
            throw e;
        }
        this.context = context;
        this.controllerId = id;
        this.agents = parsed;
        this.config = config;
        String file = config.stateFile() == null ? "" : config.stateFile().trim();
        this.state = file.isEmpty() ? null : new StateFile(java.nio.file.Path.of(file));
        if (state != null) {
            Network.Saved saved;
            try {
                saved = state.read();
            } catch (java.io.IOException | RuntimeException e) {
                // never start empty over a file we could not read: the next save would erase it
                LOG.error("SDN controller {} not started: state file {} unreadable ({}); fix or move it away", id,
                        state.path(), String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
                throw new IllegalStateException("state file " + state.path() + " unreadable", e);
            }
            if (saved != null) {
                List<String> restored = network.restore(saved);
                LOG.info("SDN controller {}: {} applications on {} relay paths restored from {}", id, restored.size(),
                        network.relayPaths().size(), state.path());
            }
        }
        if (agents.isEmpty()) {
            LOG.warn("SDN controller {}: no agents configured (option 'agents', NODE=https://host:port)", id);
        }
    }

    @Activate
    void activate() {
        synchronized (this) {
            active = true;
        }
        reconcile();
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            active = false;
            stopRunning("configuration removed or bundle stopping");
        }
    }

    @Reference(service = NodeTls.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNodeTls(NodeTls tls, Map<String, Object> props) {
        tlsServices.put(tls, String.valueOf(props.get(NodeTls.NODE_PROPERTY)));
        reconcile();
    }

    void unbindNodeTls(NodeTls tls) {
        tlsServices.remove(tls);
        reconcile();
    }

    /** Starts when the controller's TLS identity is there, stops when it left. */
    private synchronized void reconcile() {
        if (!active) {
            return;
        }
        NodeTls wanted = null;
        for (Map.Entry<NodeTls, String> e : tlsServices.entrySet()) {
            if (controllerId.equals(e.getValue())) {
                wanted = e.getKey();
                break;
            }
        }
        if (wanted == servingTls && (running != null || wanted == null)) {
            return;
        }
        stopRunning("TLS identity changed or left");
        if (wanted == null) {
            LOG.info("SDN controller {} waits for its TLS identity (org.qkdv2i.tls.NodeTls with nodeId={})", controllerId,
                    controllerId);
            return;
        }
        List<AgentClient> clients = new ArrayList<>();
        Northbound nb = null;
        AgentTransport transport = null;
        try {
            long timeout = Math.max(100, config.agentTimeoutMillis());
            transport = new AgentTransport(wanted, agents, timeout);
            for (AgentRef a : agents) {
                clients.add(new AgentClient(a, transport, controllerId, timeout));
            }
            Engine engine = new Engine(controllerId, network, clients, Clock.systemUTC(), state);
            if (config.port() >= 0) {
                Set<String> operators = new LinkedHashSet<>();
                for (String o : config.operators()) {
                    if (o != null && !o.isBlank()) {
                        operators.add(o.trim());
                    }
                }
                nb = new Northbound(engine, wanted, config.host(), config.port(), operators);
                nb.start();
            }
            ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sdn-controller-" + controllerId);
                t.setDaemon(true);
                return t;
            });
            poller.scheduleWithFixedDelay(() -> {
                try {
                    engine.pollOnce();
                } catch (RuntimeException e) {
                    LOG.error("SDN controller {}: poll failed: {}", controllerId, e.toString());
                }
            }, 0, Math.max(100, config.pollMillis()), TimeUnit.MILLISECONDS);
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("sdn.controller", controllerId);
            ServiceRegistration<SdnController> reg = context.registerService(SdnController.class, engine, props);
            running = new Running(engine, poller, nb, reg, transport);
            servingTls = wanted;
            LOG.info("SDN controller {} running: {} agents polled every {} ms{}", controllerId, agents.size(),
                    config.pollMillis(), nb == null ? ", no northbound API"
                            : ", northbound API on https://" + config.host() + ":" + nb.port() + NorthboundHandler.PREFIX);
        } catch (Exception e) {
            LOG.error("SDN controller {} cannot start: {}", controllerId, e.toString());
            if (transport != null) {
                transport.stop();
            }
            if (nb != null) {
                nb.stop();
            }
        }
    }

    private void stopRunning(String why) {
        Running r = running;
        running = null;
        servingTls = null;
        if (r == null) {
            return;
        }
        try {
            r.registration().unregister();
        } catch (IllegalStateException alreadyGone) {
            // bundle stopping
        }
        r.poller().shutdownNow();
        try {
            r.poller().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (r.northbound() != null) {
            r.northbound().stop();
        }
        r.engine().stop();
        r.transport().stop();
        LOG.info("SDN controller {} stopped: {}", controllerId, why);
    }

    /** The northbound port, or -1 (tests). */
    synchronized int northboundPort() {
        return running == null || running.northbound() == null ? -1 : running.northbound().port();
    }

    /** The running engine, or null (tests). */
    synchronized SdnController controller() {
        return running == null ? null : running.engine();
    }
}
