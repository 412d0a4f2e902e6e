/**
 * V2X adapter API (issue 6): what applications and the DAU-V use to send and receive V2X
 * messages through a stack (ETSI ITS-G5, US WAVE/DSRC, C-V2X PC5) without knowing the framing.
 * <ul>
 * <li>{@link org.qkdv2i.v2x.api.adapter.V2xStack}: one service per configured stack and radio,
 * sends CAM/DENM/BSM and opaque payloads with a {@link org.qkdv2i.v2x.api.adapter.Security}
 * choice; generates CAMs (EU) or BSMs (US) itself from the station state.</li>
 * <li>{@link org.qkdv2i.v2x.api.adapter.V2xMessageListener}: whiteboard service receiving
 * decoded, verified messages ({@link org.qkdv2i.v2x.api.adapter.ReceivedMessage}).</li>
 * <li>{@link org.qkdv2i.v2x.api.adapter.StationStateProvider}: SPI the generators read.</li>
 * </ul>
 */
@Version("1.1.0")
@Export
package org.qkdv2i.v2x.api.adapter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
