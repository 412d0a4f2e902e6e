package org.qkdv2i.v2x.itsg5.internal.stack;

import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;

/**
 * The one layer in which ITS-G5 and PC5 differ: how a network PDU (GeoNetworking or WSMP)
 * becomes a link frame and back. Everything above is shared ({@link V2xEngine}).
 */
public interface LinkFraming {

    /** The network layer a PDU belongs to. */
    enum Network {
        /** ETSI EN 302 636-4-1. */
        GEONETWORKING,
        /** IEEE 1609.3. */
        WSMP
    }

    /** A network PDU taken out of a frame, or why that failed. */
    record Unframed(Network network, byte[] pdu, String error) {
        public static Unframed ok(Network network, byte[] pdu) {
            return new Unframed(network, pdu, null);
        }

        public static Unframed failed(String error) {
            return new Unframed(null, null, error);
        }
    }

    RadioTechnology technology();

    /**
     * The frame carrying {@code pdu}.
     *
     * @param trafficClass GeoNetworking traffic class ID 0 (highest) .. 3, the message priority
     */
    RadioFrame frame(LinkAddress own, Network network, byte[] pdu, int trafficClass);

    /** Never throws. */
    Unframed unframe(RadioFrame frame);
}
