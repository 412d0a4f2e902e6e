package org.qkdv2i.radio.pcap.internal;

import java.lang.annotation.Annotation;

import org.qkdv2i.v2x.api.radio.RadioTechnology;

/** Recorder configurations as DS would hand them over. */
final class TestConfigs {
    private TestConfigs() {
    }

    static PcapRecorder.Config config(String id, RadioTechnology technology, String path, String address) {
        return new PcapRecorder.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PcapRecorder.Config.class;
            }

            @Override
            public String radio_id() {
                return id;
            }

            @Override
            public RadioTechnology radio_technology() {
                return technology;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public int snaplen() {
                return 65535;
            }
        };
    }
}
