package org.qkdv2i.v2x.api.adapter;

import java.util.Arrays;
import java.util.Objects;

import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.Denm;

/** What a received message carried. */
public sealed interface V2xContent {

    /** The kind, for listener filters ({@link V2xMessageListener#KINDS}). */
    MessageKind kind();

    record CamContent(Cam cam) implements V2xContent {
        public CamContent {
            Objects.requireNonNull(cam, "cam");
        }

        @Override
        public MessageKind kind() {
            return MessageKind.CAM;
        }
    }

    record DenmContent(Denm denm) implements V2xContent {
        public DenmContent {
            Objects.requireNonNull(denm, "denm");
        }

        @Override
        public MessageKind kind() {
            return MessageKind.DENM;
        }
    }

    record BsmContent(Bsm bsm) implements V2xContent {
        public BsmContent {
            Objects.requireNonNull(bsm, "bsm");
        }

        @Override
        public MessageKind kind() {
            return MessageKind.BSM;
        }
    }

    /**
     * An opaque application payload (e.g. DAU-V data to a vehicle).
     *
     * @param serviceId EU: the BTP-B destination port; US: the WSMP PSID
     * @param data the payload octets (copied in and out)
     */
    record Payload(long serviceId, byte[] data) implements V2xContent {
        public Payload {
            data = Objects.requireNonNull(data, "data").clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public MessageKind kind() {
            return MessageKind.PAYLOAD;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Payload p && p.serviceId == serviceId && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(serviceId) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Payload[serviceId=" + serviceId + ", " + data.length + " octets]";
        }
    }
}
