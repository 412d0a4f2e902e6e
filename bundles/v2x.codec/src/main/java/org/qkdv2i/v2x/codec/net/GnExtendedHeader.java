package org.qkdv2i.v2x.codec.net;

/**
 * The extended header of a GeoNetworking packet; its type fixes the common header's HT/HST
 * (EN 302 636-4-1 §9.7.4, §9.8). Location-service packets (HT 6) are not modelled.
 */
public sealed interface GnExtendedHeader {
    /** Header type HT. */
    int headerType();

    /** Header subtype HST. */
    int headerSubtype();

    /** Beacon (HT 1, §9.8.6): source position only, no payload. */
    record Beacon(LongPositionVector source) implements GnExtendedHeader {
        public Beacon {
            Checks.notNull("source position vector", source);
        }

        public int headerType() {
            return 1;
        }

        public int headerSubtype() {
            return 0;
        }
    }

    /** GeoUnicast (HT 2, §9.8.2). */
    record GeoUnicast(int sequenceNumber, LongPositionVector source, ShortPositionVector destination)
            implements GnExtendedHeader {
        public GeoUnicast {
            Checks.range("sequence number", sequenceNumber, 0, 65535);
            Checks.notNull("source position vector", source);
            Checks.notNull("destination position vector", destination);
        }

        public int headerType() {
            return 2;
        }

        public int headerSubtype() {
            return 0;
        }
    }

    /** GeoAnycast (HT 3, §9.8.5): to one station in the area. */
    record GeoAnycast(int sequenceNumber, LongPositionVector source, GeoArea area) implements GnExtendedHeader {
        public GeoAnycast {
            Checks.range("sequence number", sequenceNumber, 0, 65535);
            Checks.notNull("source position vector", source);
            Checks.notNull("area", area);
        }

        public int headerType() {
            return 3;
        }

        public int headerSubtype() {
            return area.shape().ordinal();
        }
    }

    /** GeoBroadcast (HT 4, §9.8.5): to every station in the area; DENMs travel so. */
    record GeoBroadcast(int sequenceNumber, LongPositionVector source, GeoArea area) implements GnExtendedHeader {
        public GeoBroadcast {
            Checks.range("sequence number", sequenceNumber, 0, 65535);
            Checks.notNull("source position vector", source);
            Checks.notNull("area", area);
        }

        public int headerType() {
            return 4;
        }

        public int headerSubtype() {
            return area.shape().ordinal();
        }
    }

    /** Single-Hop Broadcast (HT 5 HST 0, §9.8.4): CAMs travel so. */
    record SingleHopBroadcast(LongPositionVector source, long mediaDependentData) implements GnExtendedHeader {
        public SingleHopBroadcast {
            Checks.notNull("source position vector", source);
            // TS 102 636-4-2: DCC-MCO fields of ITS-G5 (CBR_L0, CBR_L1, output power), else reserved
            Checks.range("media-dependent data", mediaDependentData, 0, 0xFFFF_FFFFL);
        }

        public SingleHopBroadcast(LongPositionVector source) {
            this(source, 0);
        }

        public int headerType() {
            return 5;
        }

        public int headerSubtype() {
            return 0;
        }
    }

    /** Topologically-Scoped Broadcast, multi-hop (HT 5 HST 1, §9.8.3). */
    record TopologicallyScopedBroadcast(int sequenceNumber, LongPositionVector source) implements GnExtendedHeader {
        public TopologicallyScopedBroadcast {
            Checks.range("sequence number", sequenceNumber, 0, 65535);
            Checks.notNull("source position vector", source);
        }

        public int headerType() {
            return 5;
        }

        public int headerSubtype() {
            return 1;
        }
    }
}
