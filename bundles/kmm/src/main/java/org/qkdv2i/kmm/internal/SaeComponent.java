package org.qkdv2i.kmm.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One SAE of the network and the node whose KME serves it (one factory configuration per SAE). */
@Component(name = SaeComponent.PID, configurationPid = SaeComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = SaeEntry.class)
@Designate(ocd = SaeComponent.Config.class, factory = true)
public final class SaeComponent implements SaeEntry {

    public static final String PID = "org.qkdv2i.kmm.Sae";

    @ObjectClassDefinition(name = "QKD-V2I SAE", description = "A secure application entity (ETSI GS QKD 014 SAE) "
            + "and the node that serves it. Every node should know every SAE it exchanges keys with, local or remote.")
    public @interface Config {
        @AttributeDefinition(description = "SAE ID, as in the CN of the SAE's client certificate")
        String saeId();

        @AttributeDefinition(description = "ID of the node (KME) the SAE talks to")
        String nodeId();
    }

    private final String saeId;
    private final String nodeId;

    @Activate
    public SaeComponent(Config config) {
        if (config.saeId() == null || config.saeId().isBlank() || config.nodeId() == null
                || config.nodeId().isBlank()) {
            throw new IllegalArgumentException("SAE configuration needs saeId and nodeId");
        }
        this.saeId = config.saeId().strip();
        this.nodeId = config.nodeId().strip();
    }

    @Override
    public String saeId() {
        return saeId;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "SAE " + saeId + " @ " + nodeId;
    }
}
