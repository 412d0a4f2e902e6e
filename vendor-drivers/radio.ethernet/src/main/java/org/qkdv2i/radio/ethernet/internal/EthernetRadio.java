package org.qkdv2i.radio.ethernet.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.v2x.api.radio.FrameListener;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.Radio;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A radio on a Linux network interface: an 802.11p interface in OCB mode (which Linux presents
 * as Ethernet II after LLC/SNAP) or any Ethernet-like interface such as a veth. Frames go out and
 * come in as whole Ethernet II frames (destination, source, EtherType, payload) on AF_PACKET
 * sockets, one per configured EtherType.
 */
@Designate(ocd = EthernetRadio.Config.class, factory = true)
@Component(name = EthernetRadio.PID, configurationPid = EthernetRadio.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Radio.class)
public final class EthernetRadio implements Radio {
    public static final String PID = "org.qkdv2i.radio.ethernet.Interface";
    private static final Logger LOG = LoggerFactory.getLogger(EthernetRadio.class);
    /** How often the receive thread looks up from poll(2) to notice deactivation. */
    private static final int POLL_MS = 100;

    @ObjectClassDefinition(name = "QKD-V2I raw Ethernet radio",
            description = "A Radio on a Linux interface (802.11p OCB wlan, veth) through AF_PACKET sockets.")
    public @interface Config {
        @AttributeDefinition(name = "Radio ID", description = "Unique within the node; becomes the radio.id service property")
        String radio_id();

        @AttributeDefinition(name = "Technology", description = "ITS_G5 (the only one an Ethernet interface carries);"
                + " becomes radio.technology")
        RadioTechnology radio_technology() default RadioTechnology.ITS_G5;

        @AttributeDefinition(name = "Interface", description = "Linux interface name, e.g. wlan0 (OCB mode) or veth0")
        String interface_name();

        @AttributeDefinition(name = "EtherTypes", description = "EtherTypes to receive (0x8947 GeoNetworking,"
                + " 0x88DC WSMP); any EtherType can be sent")
        String[] ethertypes() default {"0x8947", "0x88DC"};

        @AttributeDefinition(name = "Promiscuous", description = "Also deliver unicast frames for other MAC addresses"
                + " (sets the interface promiscuous while the radio is active)")
        boolean promiscuous() default false;

        @AttributeDefinition(name = "Own address", description = "MAC reported as address(); empty = the interface's",
                required = false)
        String address() default "";

        @AttributeDefinition(name = "Channel", description = "802.11 channel the interface is tuned to (e.g. 180 for"
                + " 5900 MHz), reported in receive metadata; 0 = unknown")
        int channel() default 0;
    }

    private final String radioId;
    private final String interfaceName;
    private final LinkAddress address;
    private final boolean promiscuous;
    private final Integer channel;
    private final Integer centreFrequencyMhz;
    private final Clock clock;
    private final PacketSockets sockets;
    private final Thread receiver;
    private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong otherHost = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();

    @Activate
    public EthernetRadio(Config config) throws IOException {
        this(config, Clock.systemUTC());
    }

    EthernetRadio(Config config, Clock clock) throws IOException {
        this.radioId = requireText(config.radio_id(), "radio.id");
        if (config.radio_technology() != RadioTechnology.ITS_G5) {
            throw new IllegalArgumentException("radio " + radioId + ": an Ethernet interface carries ITS_G5 only, not "
                    + config.radio_technology());
        }
        this.interfaceName = requireText(config.interface_name(), "interface.name");
        int[] types = parseEtherTypes(config.ethertypes());
        this.promiscuous = config.promiscuous();
        this.clock = clock;
        this.channel = config.channel() > 0 ? config.channel() : null;
        this.centreFrequencyMhz = channel != null && channel <= 200 ? 5000 + 5 * channel : null; // IEEE 802.11 5 GHz
        try {
            this.sockets = new PacketSockets(interfaceName, types, promiscuous);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("ethernet radio {}: cannot open {}: {}", radioId, interfaceName, e.getMessage());
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        String own = config.address();
        this.address = own == null || own.isBlank() ? LinkAddress.mac(sockets.mac()) : parseMac(own);
        receiver = new Thread(this::receiveLoop, "ethernet-radio-" + radioId);
        receiver.setDaemon(true);
        receiver.start(); // inherits the creating thread's network namespace, like the sockets
        LOG.info("ethernet radio {} on {} (ifindex {}, {}, MTU {}) receives EtherTypes {}{}", radioId, interfaceName,
                sockets.ifindex(), address, sockets.mtu(), hex(types), promiscuous ? ", promiscuous" : "");
    }

    static String requireText(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("configuration property " + name + " is required");
        }
        return s.strip();
    }

    static int[] parseEtherTypes(String[] configured) {
        // a FileInstall .cfg line gives one string "0x8947,0x88DC": split every element on commas
        String[] values = configured == null ? new String[0] : java.util.Arrays.stream(configured)
                .filter(java.util.Objects::nonNull).flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(String::strip).filter(v -> !v.isEmpty()).toArray(String[]::new);
        if (values.length == 0) {
            throw new IllegalArgumentException("configuration property ethertypes needs at least one EtherType");
        }
        int[] t = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            try {
                t[i] = Integer.decode(values[i]);
            } catch (NumberFormatException e) {
                t[i] = -1;
            }
            if (t[i] < 0x0600 || t[i] > 0xFFFF) {
                throw new IllegalArgumentException("ethertypes: " + values[i] + " is not an EtherType 0x0600..0xFFFF");
            }
        }
        return t;
    }

    static LinkAddress parseMac(String text) {
        String hex = text.strip().replace(":", "").replace("-", "");
        try {
            if (hex.length() != 12) {
                throw new NumberFormatException();
            }
            return LinkAddress.mac(Long.parseLong(hex, 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address " + text + " is not a MAC address (02:00:00:00:00:01)");
        }
    }

    private static String hex(int[] types) {
        StringBuilder b = new StringBuilder();
        for (int t : types) {
            b.append(b.length() == 0 ? "" : ",").append(String.format("0x%04x", t));
        }
        return b.toString();
    }

    @Override
    public String radioId() {
        return radioId;
    }

    @Override
    public RadioTechnology technology() {
        return RadioTechnology.ITS_G5;
    }

    @Override
    public LinkAddress address() {
        return address;
    }

    /**
     * Sends an Ethernet II frame: destination, source, EtherType, payload. The metadata's transmit
     * requests (channel, power, user priority) cannot be set per frame through AF_PACKET and are
     * ignored; the interface's own settings apply.
     */
    @Override
    public void send(RadioFrame frame) throws IOException {
        if (frame.source().octets() != 6) {
            throw new IllegalArgumentException("an ITS_G5 radio sends MAC addresses, not " + frame.source());
        }
        if (frame.protocol() < 0x0600) {
            throw new IllegalArgumentException(String.format("protocol 0x%04x is not an EtherType", frame.protocol()));
        }
        if (frame.payloadLength() > sockets.mtu()) {
            throw new IllegalArgumentException("payload of " + frame.payloadLength() + " octets exceeds the MTU "
                    + sockets.mtu() + " of " + interfaceName);
        }
        if (!open) {
            throw new IOException("ethernet radio " + radioId + " is closed");
        }
        sockets.send(EthernetFrames.encode(frame));
        sent.incrementAndGet();
    }

    @Override
    public RadioSubscription subscribe(FrameListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is required");
        }
        Sub s = new Sub(listener);
        if (open) {
            subscriptions.add(s);
        } else {
            s.open = false;
        }
        return s;
    }

    private void receiveLoop() {
        long lastErrorLog = 0;
        while (open) {
            try {
                sockets.receive(POLL_MS, this::handle);
            } catch (IOException e) {
                if (!open) {
                    return;
                }
                long now = System.nanoTime();
                if (lastErrorLog == 0 || now - lastErrorLog > 10_000_000_000L) {
                    LOG.warn("ethernet radio {}: {}", radioId, e.getMessage());
                    lastErrorLog = now;
                }
                LockSupport.parkNanos(POLL_MS * 1_000_000L); // back off from a failing interface
            }
        }
    }

    private void handle(PacketSockets.Received r) {
        if (r.packetType() == LibC.PACKET_OUTGOING) {
            return; // our own transmission
        }
        received.incrementAndGet();
        if (r.packetType() == LibC.PACKET_OTHERHOST && !promiscuous) {
            otherHost.incrementAndGet(); // unicast for another station (a veth or bridge passes everything up)
            return;
        }
        RadioFrame f = EthernetFrames.decode(r.frame(), new FrameMetadata(channel, centreFrequencyMhz, null, null,
                clock.instant(), null, null));
        if (f == null || f.protocol() != r.boundEtherType()) {
            malformed.incrementAndGet();
            LOG.debug("ethernet radio {}: ignored a {}-octet frame that is not Ethernet II of EtherType 0x{}", radioId,
                    r.frame().length, Integer.toHexString(r.boundEtherType()));
            return;
        }
        delivered.incrementAndGet();
        for (Sub s : subscriptions) {
            s.deliver(f);
        }
    }

    @Deactivate
    void deactivate() {
        if (!open) {
            return;
        }
        open = false;
        for (Sub s : subscriptions) {
            s.close();
        }
        try {
            receiver.join(2000); // leaves poll(2) within POLL_MS
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sockets.close(); // after the reader stopped, so no descriptor is reused under it
        LOG.info("ethernet radio {} on {} closed: sent {}, received {}, delivered {}, other-host {}", radioId,
                interfaceName, sent.get(), received.get(), delivered.get(), otherHost.get());
    }

    /** A subscription; its monitor makes "no new call after close() returns" exact. */
    private final class Sub implements RadioSubscription {
        private final FrameListener listener;
        private volatile boolean open = true;

        Sub(FrameListener listener) {
            this.listener = listener;
        }

        void deliver(RadioFrame frame) {
            synchronized (this) {
                if (!open) {
                    return;
                }
                try {
                    listener.received(frame);
                } catch (RuntimeException e) {
                    LOG.warn("ethernet radio {}: a listener failed on a frame from {}: {}", radioId, frame.source(),
                            e.toString());
                }
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                open = false;
            }
            subscriptions.remove(this);
        }
    }

    @Override
    public String toString() {
        return "EthernetRadio[" + radioId + " on " + interfaceName + ", " + address + "]";
    }
}
