package org.qkdv2i.dpn.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's DPN micro-segmentation policy, PID {@code org.qkdv2i.dpn.Policy}. Without a
 * configuration the defaults apply. A change takes effect on the next session set-up;
 * an invalid configuration denies every set-up (and says so) until it is fixed.
 */
@Component(configurationPid = PolicyComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = SessionPolicy.class)
@Designate(ocd = PolicyComponent.Config.class)
public final class PolicyComponent implements SessionPolicy {

    static final String PID = "org.qkdv2i.dpn.Policy";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyComponent.class);

    @ObjectClassDefinition(name = "QKD-V2I DPN policy",
            description = "Which DAUs may form DPN sessions; checked by both ends on every session set-up.")
    public @interface Config {
        @AttributeDefinition(description = "Role rules: ROLE>ROLE (may open sessions to) or ROLE<>ROLE (either way); "
                + "roles BASE_STATION, RSU, VEHICLE, CONTROLLER. A pair no rule covers is denied.")
        String[] allow() default {Policy.DEFAULT_ALLOW};

        @AttributeDefinition(description = "Only devices of the same zone may form sessions")
        boolean sameZoneOnly() default false;

        @AttributeDefinition(description = "If not empty: only these device IDs (32 hex digits) get sessions")
        String[] allowList() default {};

        @AttributeDefinition(description = "Device IDs that never get a session")
        String[] denyList() default {};
    }

    private volatile Policy policy;

    @Activate
    public PolicyComponent(Config config) {
        this.policy = build(config);
    }

    @Modified
    void modified(Config config) {
        policy = build(config);
    }

    @Override
    public Policy current() {
        return policy;
    }

    private static Policy build(Config config) {
        try {
            Policy p = Policy.parse(config.allow(), config.sameZoneOnly(), config.allowList(), config.denyList());
            LOG.info("DPN policy: {}", p);
            return p;
        } catch (IllegalArgumentException e) {
            LOG.error("DPN policy {} invalid, every session set-up is denied until it is fixed: {}", PID,
                    e.getMessage());
            return Policy.denyAll(e.getMessage());
        }
    }
}
