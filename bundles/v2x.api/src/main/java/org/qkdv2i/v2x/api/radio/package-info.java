/**
 * Radio SPI (issue 6): what a radio back-end (802.11p/ITS-G5 or C-V2X PC5; real hardware,
 * virtual air, a pcap recorder) implements so the V2X adapters can send and receive
 * link-layer frames. A back-end registers a {@link org.qkdv2i.v2x.api.radio.Radio} service
 * with the {@link org.qkdv2i.v2x.api.radio.Radio#RADIO_ID} and
 * {@link org.qkdv2i.v2x.api.radio.Radio#TECHNOLOGY} properties; adapters bind it dynamically
 * and {@link org.qkdv2i.v2x.api.radio.Radio#subscribe subscribe} for received frames.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.v2x.api.radio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
