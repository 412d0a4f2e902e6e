/**
 * Network and link framing of V2X messages (issue 6), as records and codecs:
 * GeoNetworking ({@link org.qkdv2i.v2x.codec.net.GnPacket}, ETSI EN 302 636-4-1 v1.4.1),
 * BTP-A/B ({@link org.qkdv2i.v2x.codec.net.BtpPacket}, EN 302 636-5-1), WSMP version 3
 * ({@link org.qkdv2i.v2x.codec.net.WsmpPacket}, IEEE 1609.3-2016 §8.3), the C-V2X PC5
 * non-IP PDU ({@link org.qkdv2i.v2x.codec.net.Pc5NonIpPdu}, 3GPP TS 24.386 §7.1) and
 * Ethernet II ({@link org.qkdv2i.v2x.codec.net.EthernetFrame}). Records check their ranges
 * when built; encoders check what records cannot (sizes, combinations) and throw
 * {@link java.lang.IllegalArgumentException}; decoders never throw and return a
 * {@link org.qkdv2i.v2x.codec.DecodeResult} whose error names the field and its bit offset
 * (octet offset x 8 + bit). Codecs are DS services; {@link org.qkdv2i.v2x.codec.net.NetCodecs}
 * makes them outside a framework. IEEE 1609.2 security is not here: a secured GeoNetworking
 * packet carries its {@code Ieee1609Dot2Data} as opaque bytes.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
