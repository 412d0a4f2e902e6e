/**
 * The ETSI GS QKD 015 V2.1.1 node model ({@code etsi-qkd-sdn-node:qkd_node}) as immutable
 * records: node, capabilities, interfaces, physical and virtual links with their
 * performance, applications with QoS. Shared by the SDN agent of every node and the SDN
 * controller; the RFC 7951 JSON encoding is in {@link org.qkdv2i.sdn.api.json}.
 *
 * <p>Record components carry the YANG leaf names in camel case ({@code qkdl_status} →
 * {@code qkdlStatus}); a null component is an absent leaf, lists are never null.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.sdn.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
