/**
 * Device Authentication Unit (DAU) API of the Zero Trust Authentication Protocol (ZAP),
 * paper §3-4 and Figure 4: a hardware root of trust ({@link org.qkdv2i.zap.api.Puf}),
 * device identities derived from it and from a measurement of the device, mutual unit
 * authentication in which no secret leaves the device, and message protection.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.zap.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
