package org.qkdv2i.kmm.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.kmm.internal.core.Qos;

/**
 * QoS agreed for master → slave SAE pairs. The most specific rule wins: exact pair, then
 * exact master with {@code *} slave, then {@code *} master with exact slave, then {@code *}/{@code *}.
 * Priority and guaranteed minimum rate decide who is served when key is scarce
 * ({@link org.qkdv2i.kmm.internal.core.QosAllocator}); the maximum rate always holds.
 */
@Component(name = SaePairQosComponent.PID, configurationPid = SaePairQosComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = QosEntry.class)
@Designate(ocd = SaePairQosComponent.Config.class, factory = true)
public final class SaePairQosComponent implements QosEntry {

    public static final String PID = "org.qkdv2i.kmm.SaePairQos";

    @ObjectClassDefinition(name = "QKD-V2I SAE pair QoS", description = "Limits for key requests of a master SAE "
            + "for a slave SAE. Zero means the node's default; the node's limits are never exceeded.")
    public @interface Config {
        @AttributeDefinition(description = "Master SAE ID, or * for any")
        String masterSaeId() default "*";

        @AttributeDefinition(description = "Slave SAE ID, or * for any")
        String slaveSaeId() default "*";

        @AttributeDefinition(description = "Most keys in one request (ETSI 014 max_key_per_request); 0 = node default")
        int maxKeysPerRequest() default 0;

        @AttributeDefinition(description = "Smallest key size in bits; 0 = node default")
        int minKeyBits() default 0;

        @AttributeDefinition(description = "Largest key size in bits; 0 = node default")
        int maxKeyBits() default 0;

        @AttributeDefinition(description = "Rate limit in keys per second (token bucket, burst of one second); "
                + "0 = no limit")
        double maxKeysPerSecond() default 0;

        @AttributeDefinition(description = "Priority when key is scarce: higher wins (ETSI GS QKD 004 priority; "
                + "ETSI 015 app_priority); default 0")
        int priority() default 0;

        @AttributeDefinition(description = "Guaranteed rate in keys (of the pair's default size) per second while "
                + "the pool's supply covers it and the minima of higher priorities; 0 = no guarantee. Capped at "
                + "maxKeysPerSecond")
        double minKeysPerSecond() default 0;
    }

    private final Qos qos;

    @Activate
    public SaePairQosComponent(Config c) {
        this.qos = new Qos(blankToAny(c.masterSaeId()), blankToAny(c.slaveSaeId()), c.maxKeysPerRequest(),
                c.minKeyBits(), c.maxKeyBits(), c.maxKeysPerSecond(), c.priority(), Math.max(0, c.minKeysPerSecond()));
    }

    private static String blankToAny(String s) {
        return s == null || s.isBlank() ? Qos.ANY : s.strip();
    }

    @Override
    public Qos qos() {
        return qos;
    }
}
