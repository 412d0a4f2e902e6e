package org.qkdv2i.qkd.postprocessing.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool;

/**
 * The framework's one {@link ToeplitzPool}, shared by every link end's privacy amplification.
 * Idle instances hold only size-dependent NTT tables, zeroised key buffers and the transform of a
 * public seed (see {@link ToeplitzPool}); an end holds one only while it hashes.
 */
@Component(service = ToeplitzPool.class, configurationPid = ToeplitzPool.SHARED_PID)
@Designate(ocd = SharedToeplitzPool.Config.class)
public final class SharedToeplitzPool extends ToeplitzPool {

    @ObjectClassDefinition(name = "QKD post-processing: shared Toeplitz hash pool",
            description = "Idle Toeplitz hash instances lent to all link ends of this framework")
    public @interface Config {
        @AttributeDefinition(description = "Upper bound of the idle instances' heap, MiB (one is 4.8-9.5 MB at 1.5e5-2.8e5 bits)", min = "0")
        int maxMegabytes() default 32;
    }

    @Activate
    public SharedToeplitzPool(Config config) {
        super(Math.max(0, config.maxMegabytes()) * (1L << 20));
    }
}
