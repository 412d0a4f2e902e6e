/**
 * TLS for node endpoints: each node's identity (key and certificate chain), the CA it
 * trusts, and SSL contexts on Bouncy Castle JSSE with hybrid post-quantum key exchange.
 */
@Version("1.1.0")
@Export
package org.qkdv2i.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
