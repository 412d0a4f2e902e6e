/**
 * The QKD device SPI. A vendor driver bundle registers one {@link org.qkdv2i.qkd.api.QkdDriver}
 * service per link end; the key management module tracks them as a whiteboard and feeds
 * the key blocks they emit into its pools.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.qkd.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
