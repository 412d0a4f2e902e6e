/**
 * Virtual air over UDP (issue 6): radios that exchange link-layer frames as UDP datagrams and
 * simulate range by position, path loss, loss and latency. {@link org.qkdv2i.radio.udp.VirtualAirRadio}
 * is the service a simulation uses to move a radio and read its counters; everything else is
 * the plain {@link org.qkdv2i.v2x.api.radio.Radio} SPI.
 */
@Version("1.1.0")
@Export
package org.qkdv2i.radio.udp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
