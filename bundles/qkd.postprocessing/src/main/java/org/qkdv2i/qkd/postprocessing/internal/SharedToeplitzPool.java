package org.qkdv2i.qkd.postprocessing.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool;

/**
 * The framework's one {@link ToeplitzPool}, shared by every link end's privacy amplification.
 * It keeps only NTT twiddle tables (size-dependent, public, immutable; see {@link ToeplitzPool});
 * a borrower's working buffers are its own and dropped on release.
 */
@Component(service = ToeplitzPool.class, configurationPid = ToeplitzPool.SHARED_PID)
@Designate(ocd = SharedToeplitzPool.Config.class)
public final class SharedToeplitzPool extends ToeplitzPool {

    @ObjectClassDefinition(name = "QKD post-processing: shared Toeplitz hash pool",
            description = "Toeplitz hashes on shared NTT tables for all link ends of this framework")
    public @interface Config {
        @AttributeDefinition(description = "Upper bound of the kept NTT tables' heap, MiB (16 bytes per transform point: 4.2 MB at 2^18, 8.4 MB at 2^19)")
        int maxMegabytes() default 32;
    }

    @Activate
    public SharedToeplitzPool(Config config) {
        super(Math.max(0, config.maxMegabytes()) * (1L << 20));
    }
}
