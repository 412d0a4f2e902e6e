package org.qkdv2i.driver.sim.fso.internal;

import java.time.Clock;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdDriverConstants;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlanCache;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated FSO link end per factory configuration {@value #PID}.
 *
 * <p>The QkdDriver service is registered by hand so that it carries the
 * {@link QkdDriverConstants} properties and not the configuration (which holds the
 * authentication key). A change of weather, daylight or Eve applies to the running link; any
 * other change closes the link's thread and sockets and starts it again.
 */
@Component(configurationPid = FsoLinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = FsoLinkConfig.class, factory = true)
public final class FsoLinkComponent {

    public static final String PID = "org.qkdv2i.driver.sim.fso.Link";
    static final String DRIVER_TYPE = "sim.fso";
    /**
     * Service property with this end's ML-DSA-65 public key (base64 SubjectPublicKeyInfo) when
     * {@code pqFallback} is on: what the peer's {@code pqPeerPublicKey} must hold.
     */
    static final String PQ_PUBLIC_KEY = "sim.fso.pq.publicKey";
    /**
     * Service property (Long, wall clock epoch millis) while the link runs paced rounds: when the
     * simulated time this end has delivered so far was due. {@code now - it} (times {@code speed})
     * is how many simulated seconds the link's physics is behind; the city engine reads it to apply
     * weather and Eve at the link's own simulated time and to report the lag. Updated at most every
     * {@value FsoLinkDriver#SCHEDULE_EVERY_MILLIS} ms (a MODIFIED service event; its consumers bind
     * without an updated method, so nothing rebinds).
     */
    static final String SCHEDULE = "qkd.sim.scheduleDue";
    private static final Logger LOG = LoggerFactory.getLogger(FsoLinkComponent.class);

    private final BundleContext context;
    private final Clock clock;
    private LinkSettings settings;
    private FsoLinkDriver driver;
    private ServiceRegistration<QkdDriver> registration;
    /** The configuration's {@code paceEpoch} (runtime: a change re-bases the running link's pacing). */
    private long paceEpoch;
    private double paceHold;
    /**
     * qkd.postprocessing's framework-wide plan cache and Toeplitz pool: the link ends share public
     * plans and idle hashes instead of holding their own (docs/benchmarks.md, issue 8 heap). Optional
     * and dynamic: the link reads them per block and uses small caches of its own while they are gone.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile CascadePlanCache sharedPlans;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ToeplitzPool sharedToeplitz;

    @Activate
    public FsoLinkComponent(BundleContext context, FsoLinkConfig config) {
        this(context, config, Clock.systemUTC());
    }

    FsoLinkComponent(BundleContext context, FsoLinkConfig config, Clock clock) {
        this.context = context;
        this.clock = clock;
        this.paceEpoch = config.paceEpoch();
        this.paceHold = Math.max(0, config.paceHoldSeconds());
        start(parse(config));
    }

    private LinkSettings parse(FsoLinkConfig config) {
        try {
            LinkSettings s = LinkSettings.from(config);
            if (s.stateDir().isEmpty() && context != null) {
                java.io.File data = context.getDataFile("pads"); // null without file system support
                if (data != null) {
                    s = s.withStateDir(data.getAbsolutePath());
                }
            }
            return s;
        } catch (RuntimeException e) {
            LOG.error("FSO link {} at node {}: bad configuration: {}", config.linkId(), config.localNode(),
                    e.getMessage());
            throw e;
        }
    }

    private synchronized void start(LinkSettings s) {
        settings = s;
        driver = new FsoLinkDriver(s, clock, () -> sharedPlans, () -> sharedToeplitz);
        driver.updatePaceEpoch(paceEpoch); // the token it starts with: a new connection paces from itself anyway
        driver.updatePaceHold(paceHold);
        driver.start();
        LinkEnd end = s.end();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(QkdDriverConstants.LINK_ID, end.linkId());
        props.put(QkdDriverConstants.LOCAL_NODE, end.localNodeId());
        props.put(QkdDriverConstants.PEER_NODE, end.peerNodeId());
        props.put(QkdDriverConstants.ROLE, end.role().name());
        props.put(QkdDriverConstants.DRIVER_TYPE, DRIVER_TYPE);
        props.put(Constants.SERVICE_DESCRIPTION, "Simulated FSO decoy-state BB84 link end");
        String pqKey = driver.pqPublicKey();
        if (pqKey != null) {
            props.put(PQ_PUBLIC_KEY, pqKey); // public: lets an operator read it off the service registry
        }
        if (context != null) {
            registration = context.registerService(QkdDriver.class, driver, props);
            ServiceRegistration<QkdDriver> r = registration;
            driver.onSchedule(due -> schedule(r, props, due));
        }
        LOG.info("FSO link {} at node {} started: {} m, {}, {}, role {}", end.linkId(), end.localNodeId(),
                s.params().distanceM(), s.conditions().weather(), s.conditions().daylight() ? "day" : "night",
                end.role());
    }

    /**
     * On the link thread, with that driver's own registration: never takes this component's lock
     * (stop() joins the link thread holding it).
     */
    private static void schedule(ServiceRegistration<QkdDriver> r, Hashtable<String, Object> props, long due) {
        Hashtable<String, Object> next = new Hashtable<>(props);
        if (due >= 0) {
            next.put(SCHEDULE, due);
        } else {
            next.remove(SCHEDULE);
        }
        try {
            r.setProperties(next);
        } catch (IllegalStateException unregistered) {
            // stopping meanwhile
        }
    }

    private synchronized void stop() {
        if (registration != null) {
            try {
                registration.unregister(); // the KMM detaches while the link still runs
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping: the framework unregistered it first
            }
            registration = null;
        }
        driver.close();
        LOG.info("FSO link {} at node {} stopped", settings.end().linkId(), settings.end().localNodeId());
    }

    @Modified
    synchronized void modified(FsoLinkConfig config) {
        LinkSettings s = parse(config);
        paceEpoch = config.paceEpoch();
        paceHold = Math.max(0, config.paceHoldSeconds());
        if (s.sameLinkAs(settings)) {
            settings = s;
            driver.updateConditions(s.conditions());
            driver.updateSpeed(s.speed());
            driver.updatePaceEpoch(paceEpoch);
            driver.updatePaceHold(paceHold);
            return;
        }
        LinkSettings old = settings;
        stop();
        java.util.Arrays.fill(old.authKey(), (byte) 0);
        start(s);
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
        java.util.Arrays.fill(settings.authKey(), (byte) 0); // the driver thread worked on its own copy
    }

    /** For tests. */
    synchronized FsoLinkDriver driver() {
        return driver;
    }
}
