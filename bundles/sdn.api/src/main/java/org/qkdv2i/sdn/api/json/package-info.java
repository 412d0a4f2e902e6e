/**
 * RFC 7951 JSON encoding of the ETSI GS QKD 015 node model ({@link org.qkdv2i.sdn.api}) as
 * served under RESTCONF (RFC 8040) {@code /restconf/data/etsi-qkd-sdn-node:qkd_node}, and of
 * RFC 8040 {@code ietf-restconf:errors} bodies.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.sdn.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
