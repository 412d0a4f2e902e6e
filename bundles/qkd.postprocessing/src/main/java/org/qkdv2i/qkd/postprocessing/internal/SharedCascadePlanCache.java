package org.qkdv2i.qkd.postprocessing.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlanCache;

/**
 * The framework's one {@link CascadePlanCache}, shared by every link end that reconciles with
 * Cascade. Only public data is shared: a plan is a function of the variant, the (padded) length,
 * the schedule from the announced QBER estimate and a public seed — both ends of a link build the
 * same one — and holds no key or sifted bits. A configuration change replaces the component (plans
 * in use stay valid: they are immutable, callers keep their reference).
 */
@Component(service = CascadePlanCache.class, configurationPid = CascadePlanCache.SHARED_PID)
@Designate(ocd = SharedCascadePlanCache.Config.class)
public final class SharedCascadePlanCache extends CascadePlanCache {
    @ObjectClassDefinition(name = "QKD post-processing: shared Cascade plan cache",
            description = "One LRU cache of public Cascade plans for all link ends of this framework")
    public @interface Config {
        @AttributeDefinition(description = "Upper bound of the cached plans' heap, MiB (a plan is 2.6 MB at 1.5e5 bits, 4.8 MB at 2.8e5)", min = "1")
        int maxMegabytes() default 64;

        @AttributeDefinition(description = "Upper bound of the number of cached plans", min = "1")
        int maxPlans() default 64;
    }

    @Activate
    public SharedCascadePlanCache(Config config) {
        super(Math.max(1, config.maxPlans()), Math.max(1, config.maxMegabytes()) * (1L << 20));
    }
}
