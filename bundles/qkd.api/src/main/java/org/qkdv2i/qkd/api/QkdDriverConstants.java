package org.qkdv2i.qkd.api;

/** Service properties every {@link QkdDriver} service carries, so a KMM can filter. */
public final class QkdDriverConstants {

    /** Link ID, the same at both ends of the link (String). */
    public static final String LINK_ID = "qkd.link.id";
    /** Node this end belongs to (String); a KMM binds the drivers of its own node. */
    public static final String LOCAL_NODE = "qkd.local.node";
    /** Node at the other end of the link (String). */
    public static final String PEER_NODE = "qkd.peer.node";
    /** {@link QkdRole} name of this end (String). */
    public static final String ROLE = "qkd.role";
    /** Human-readable driver kind, e.g. "sim.fso", "etsi014", "test" (String). */
    public static final String DRIVER_TYPE = "qkd.driver.type";

    private QkdDriverConstants() {
    }
}
