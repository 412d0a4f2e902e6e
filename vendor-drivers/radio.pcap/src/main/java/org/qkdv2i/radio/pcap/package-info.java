/**
 * Classic libpcap files (the format of tcpdump and Wireshark, "pcap" not "pcapng"):
 * {@link org.qkdv2i.radio.pcap.PcapWriter}, {@link org.qkdv2i.radio.pcap.PcapReader} and
 * {@link org.qkdv2i.radio.pcap.PcapFrames}, which turns a radio frame into the bytes of a pcap
 * record: an Ethernet II frame for ITS-G5 (LINKTYPE_ETHERNET, the real EtherTypes 0x8947 and
 * 0x88DC) and a small documented pseudo-header for C-V2X PC5 (LINKTYPE_USER0).
 */
@Version("1.0.0")
@Export
package org.qkdv2i.radio.pcap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
