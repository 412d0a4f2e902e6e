package org.qkdv2i.sdn.api;

import java.util.List;
import java.util.Optional;

/**
 * {@code etsi-qkd-sdn-node:qkd_node}: one SD-QKD node as its SDN agent serves it
 * (ETSI GS QKD 015 V2.1.1 §6).
 *
 * @param qkdnId           the node (in our network the node ID, e.g. {@code A}; the YANG type is a UUID)
 * @param qkdnStatus       its status (state data); null if absent
 * @param qkdnVersion      hardware/software version; null if absent
 * @param qkdnLocationId   the secure area holding the node; null if absent
 * @param qkdnCapabilities what it supports; null if absent
 * @param qkdApplications  registered applications; never null
 * @param qkdInterfaces    its QKD interfaces; never null
 * @param qkdLinks         its physical and virtual links; never null
 */
public record QkdNode(String qkdnId, QkdnStatus qkdnStatus, String qkdnVersion, String qkdnLocationId,
        NodeCapabilities qkdnCapabilities, List<QkdApp> qkdApplications, List<QkdInterface> qkdInterfaces,
        List<QkdLink> qkdLinks) {

    public QkdNode {
        Checks.id(qkdnId, "qkdn_id");
        qkdApplications = Checks.list(qkdApplications, "qkd_app");
        qkdInterfaces = Checks.list(qkdInterfaces, "qkd_interface");
        qkdLinks = Checks.list(qkdLinks, "qkd_link");
    }

    /** The link with this ID. */
    public Optional<QkdLink> link(String qkdlId) {
        return qkdLinks.stream().filter(l -> l.qkdlId().equals(qkdlId)).findFirst();
    }

    /** The application with this ID. */
    public Optional<QkdApp> app(String appId) {
        return qkdApplications.stream().filter(a -> a.appId().equals(appId)).findFirst();
    }
}
