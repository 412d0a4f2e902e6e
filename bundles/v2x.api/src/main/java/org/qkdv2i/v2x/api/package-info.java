/**
 * Shared V2X types used across layers (issue 6): {@link org.qkdv2i.v2x.api.StationState}.
 * Messages are in {@code .message}, the radio SPI in {@code .radio}.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.v2x.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
