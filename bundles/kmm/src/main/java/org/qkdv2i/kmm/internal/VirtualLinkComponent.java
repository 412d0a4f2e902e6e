package org.qkdv2i.kmm.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.kmm.api.VirtualLink;

/**
 * A virtual (relayed) link of one node from configuration: what an SDN agent would put through
 * {@link org.qkdv2i.kmm.api.RelayRoutes}, for integrators without a controller. The node's KMM
 * takes it in while the configuration exists (one factory configuration per node on the path).
 */
@Component(name = VirtualLinkComponent.PID, configurationPid = VirtualLinkComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = VirtualLinkEntry.class)
@Designate(ocd = VirtualLinkComponent.Config.class, factory = true)
public final class VirtualLinkComponent implements VirtualLinkEntry {

    public static final String PID = "org.qkdv2i.kmm.VirtualLink";

    @ObjectClassDefinition(name = "QKD-V2I virtual link (key relay route)", description = "One node's view of a "
            + "key relay path through trusted nodes (ETSI GS QKD 015 VIRT link): its two end nodes and this node's "
            + "neighbours on it. Configure it at every node of the path with the same linkId.")
    public @interface Config {
        @AttributeDefinition(description = "The node whose KMM takes this route")
        String nodeId();

        @AttributeDefinition(description = "ID of the virtual link, the same at every node of the path")
        String linkId();

        @AttributeDefinition(description = "One end node of the path")
        String firstEnd();

        @AttributeDefinition(description = "The other end node of the path")
        String lastEnd();

        @AttributeDefinition(required = false, description = "This node's neighbour towards firstEnd; empty at firstEnd")
        String prevHop() default "";

        @AttributeDefinition(required = false, description = "This node's neighbour towards lastEnd; empty at lastEnd")
        String nextHop() default "";
    }

    private final String nodeId;
    private final VirtualLink link;

    @Activate
    public VirtualLinkComponent(Config c) {
        if (blank(c.nodeId()) || blank(c.linkId()) || blank(c.firstEnd()) || blank(c.lastEnd())) {
            throw new IllegalArgumentException("virtual link configuration needs nodeId, linkId, firstEnd and lastEnd");
        }
        this.nodeId = c.nodeId().strip();
        this.link = new VirtualLink(c.linkId().strip(), c.firstEnd().strip(), c.lastEnd().strip(), orNull(c.prevHop()),
                orNull(c.nextHop()));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String orNull(String s) {
        return blank(s) ? null : s.strip();
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public VirtualLink link() {
        return link;
    }

    @Override
    public String toString() {
        return "virtual link " + link.linkId() + " @ " + nodeId;
    }
}
