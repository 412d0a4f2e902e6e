package org.qkdv2i.radio.pcap.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.radio.pcap.PcapFrames;
import org.qkdv2i.radio.pcap.PcapReader;
import org.qkdv2i.radio.pcap.PcapWriter;
import org.qkdv2i.v2x.api.radio.FrameListener;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.Radio;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A radio that transmits into a pcap file: every frame handed to {@link #send} becomes one
 * record (Ethernet II for ITS-G5, the PC5 pseudo-header of {@link PcapFrames} for PC5), stamped
 * with the frame's metadata timestamp or else the clock. It hears nothing: subscriptions are
 * accepted and never called. An existing file with the same link type is appended to.
 */
@Designate(ocd = PcapRecorder.Config.class, factory = true)
@Component(name = PcapRecorder.PID, configurationPid = PcapRecorder.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Radio.class)
public final class PcapRecorder implements Radio {
    public static final String PID = "org.qkdv2i.radio.pcap.Recorder";
    private static final Logger LOG = LoggerFactory.getLogger(PcapRecorder.class);

    @ObjectClassDefinition(name = "QKD-V2I pcap recorder radio",
            description = "A Radio that writes every sent frame to a pcap file (Wireshark/tshark readable).")
    public @interface Config {
        @AttributeDefinition(name = "Radio ID", description = "Unique within the node; becomes the radio.id service property")
        String radio_id();

        @AttributeDefinition(name = "Technology", description = "ITS_G5 (Ethernet link type, EtherTypes 0x8947/0x88DC)"
                + " or CV2X_PC5 (LINKTYPE_USER0 with the PC5 pseudo-header); becomes radio.technology")
        RadioTechnology radio_technology() default RadioTechnology.ITS_G5;

        @AttributeDefinition(name = "File", description = "pcap file to write; appended to if it exists with the same link type")
        String path();

        @AttributeDefinition(name = "Own address", description = "MAC (02:00:00:00:00:01) for ITS_G5,"
                + " 24-bit Layer-2 ID in hex (0x000001) for CV2X_PC5")
        String address() default "02:00:00:00:00:01";

        @AttributeDefinition(name = "Snapshot length", description = "Octets kept per frame", min = "64", max = "262144")
        int snaplen() default PcapWriter.DEFAULT_SNAPLEN;
    }

    private final String radioId;
    private final RadioTechnology technology;
    private final LinkAddress address;
    private final Path path;
    private final Clock clock;
    private PcapWriter writer; // guarded by this; null once deactivated
    private long frames;

    @Activate
    public PcapRecorder(Config config) throws IOException {
        this(config, Clock.systemUTC());
    }

    PcapRecorder(Config config, Clock clock) throws IOException {
        this.radioId = requireText(config.radio_id(), "radio.id");
        this.technology = config.radio_technology();
        this.address = parseAddress(config.address(), technology);
        this.path = Path.of(requireText(config.path(), "path"));
        this.clock = clock;
        int linkType = PcapFrames.linkType(technology);
        try {
            this.writer = open(path, linkType, config.snaplen());
        } catch (IOException | RuntimeException e) {
            LOG.warn("pcap recorder {}: cannot record to {}: {}", radioId, path, e.getMessage());
            throw e;
        }
        LOG.info("pcap recorder {} ({}, {}) records to {}", radioId, technology, address, path);
    }

    private static PcapWriter open(Path path, int linkType, int snaplen) throws IOException {
        if (Files.exists(path) && Files.size(path) > 0) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
                PcapReader existing = new PcapReader(in);
                if (existing.linkType() != linkType) {
                    throw new IOException("existing file has link type " + existing.linkType() + ", not " + linkType);
                }
                if (existing.nanosecondTimestamps()) {
                    throw new IOException("existing file has nanosecond timestamps; this recorder writes microseconds");
                }
            }
            OutputStream out = Files.newOutputStream(path, StandardOpenOption.APPEND);
            return PcapWriter.append(out, linkType, snaplen);
        }
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        return PcapWriter.create(Files.newOutputStream(path), linkType, snaplen);
    }

    static String requireText(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("configuration property " + name + " is required");
        }
        return s.strip();
    }

    static LinkAddress parseAddress(String text, RadioTechnology technology) {
        String s = requireText(text, "address");
        try {
            if (technology == RadioTechnology.ITS_G5) {
                String hex = s.replace(":", "").replace("-", "");
                if (hex.length() != 12) {
                    throw new NumberFormatException();
                }
                return LinkAddress.mac(Long.parseLong(hex, 16));
            }
            int id = Integer.decode(s);
            if (id < 0 || id > 0xFFFFFF) {
                throw new NumberFormatException();
            }
            return LinkAddress.layer2Id(id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address " + s + " is not a " + (technology == RadioTechnology.ITS_G5
                    ? "MAC address (02:00:00:00:00:01)" : "24-bit Layer-2 ID (0x000001)"), e);
        }
    }

    @Override
    public String radioId() {
        return radioId;
    }

    @Override
    public RadioTechnology technology() {
        return technology;
    }

    @Override
    public LinkAddress address() {
        return address;
    }

    @Override
    public void send(RadioFrame frame) throws IOException {
        byte[] record = PcapFrames.encode(technology, frame); // IllegalArgumentException if it does not fit
        Instant t = frame.metadata().timestamp() != null ? frame.metadata().timestamp() : clock.instant();
        synchronized (this) {
            if (writer == null) {
                throw new IOException("pcap recorder " + radioId + " is closed");
            }
            writer.write(t, record);
            frames++;
        }
    }

    /** Records nothing it could deliver: the subscription is valid and silent. */
    @Override
    public RadioSubscription subscribe(FrameListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is required");
        }
        return () -> {
        };
    }

    @Deactivate
    void deactivate() {
        PcapWriter w;
        long n;
        synchronized (this) {
            w = writer;
            writer = null;
            n = frames;
        }
        if (w != null) {
            try {
                w.close();
                LOG.info("pcap recorder {} closed {} after {} frame(s)", radioId, path, n);
            } catch (IOException e) {
                LOG.warn("pcap recorder {}: closing {} failed: {}", radioId, path, e.getMessage());
            }
        }
    }
}
