package org.qkdv2i.radio.udp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.radio.udp.AirStatistics;
import org.qkdv2i.radio.udp.VirtualAirRadio;
import org.qkdv2i.v2x.api.StationState;
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
 * One radio on the virtual air: frames go out as UDP datagrams ({@link AirDatagram}) to a
 * multicast group, a list of peers, or (neighbour-directed unicast, {@code air} set) to each
 * radio of the same in-JVM air that can hear them; what comes in is judged by this receiver
 * against its own position (range cut-off, path-loss RSSI, sensitivity), channel, address, role
 * and loss model, delayed by its latency and handed to subscribers. Reception runs on one of the
 * shared I/O threads of {@link VirtualAir}, not on threads of its own.
 */
@Designate(ocd = UdpAirRadio.Config.class, factory = true)
@Component(name = UdpAirRadio.PID, configurationPid = UdpAirRadio.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Radio.class, VirtualAirRadio.class})
public final class UdpAirRadio implements VirtualAirRadio {
    public static final String PID = "org.qkdv2i.radio.udp.Air";
    private static final Logger LOG = LoggerFactory.getLogger(UdpAirRadio.class);
    /** At most one malformed-datagram log line per this many nanoseconds (a flood must not flood the log). */
    private static final long MALFORMED_LOG_INTERVAL_NS = 10_000_000_000L;

    @ObjectClassDefinition(name = "QKD-V2I virtual-air radio (UDP)",
            description = "A Radio whose frames travel as UDP datagrams between simulated radios, with range by"
                    + " position, path-loss RSSI, loss and latency.")
    public @interface Config {
        @AttributeDefinition(name = "Radio ID", description = "Unique within the node; becomes the radio.id service property")
        String radio_id();

        @AttributeDefinition(name = "Technology", description = "ITS_G5 or CV2X_PC5; becomes radio.technology;"
                + " radios only hear radios of the same technology")
        RadioTechnology radio_technology() default RadioTechnology.ITS_G5;

        @AttributeDefinition(name = "Own address", description = "MAC (02:00:00:00:00:01) for ITS_G5,"
                + " 24-bit Layer-2 ID (0x000001) for CV2X_PC5")
        String address() default "02:00:00:00:00:01";

        @AttributeDefinition(name = "Multicast group", description = "group:port (e.g. 239.255.74.1:47474) that all"
                + " radios of one air join; empty = unicast to the peers list")
        String group() default "";

        @AttributeDefinition(name = "Multicast interface", description = "Interface name for the group (e.g. lo,"
                + " eth0); empty = the first up, non-loopback, multicast-capable interface", required = false)
        String multicast_interface() default "";

        @AttributeDefinition(name = "Bind", description = "Local host:port in unicast and air modes (port 0 = any);"
                + " ignored with a group (the socket binds the group's port)")
        String bind() default "127.0.0.1:0";

        @AttributeDefinition(name = "Air", description = "Name of an in-JVM air: radios with the same name find each"
                + " other in a shared directory and each frame is sent only to the radios that can hear it"
                + " (neighbour-directed unicast); empty = the group or peers modes", required = false)
        String air() default "";

        @AttributeDefinition(name = "Role", description = "UNSPECIFIED, VEHICLE or RSU: what the radio is, for the"
                + " V2I filter")
        AirRole role() default AirRole.UNSPECIFIED;

        @AttributeDefinition(name = "Hears", description = "ALL (V2V and V2I) or V2I: a VEHICLE radio then neither"
                + " sends to nor hears anything but RSU radios (V2V is not simulated)")
        AirRole.Hears hears() default AirRole.Hears.ALL;

        @AttributeDefinition(name = "Peers", description = "host:port of every other radio's socket (unicast mode)",
                required = false)
        String[] peers() default {};

        @AttributeDefinition(name = "Position", description = "Fixed position 'latitude,longitude' in degrees"
                + " (e.g. 48.137,11.575); empty = unknown until updatePosition", required = false)
        String position() default "";

        @AttributeDefinition(name = "Range (m)", description = "Frames from farther away are not heard;"
                + " 0 = unlimited; needs both positions")
        double range_m() default 1000.0;

        @AttributeDefinition(name = "Path-loss model", description = "NONE, FREE_SPACE (Friis) or LOG_DISTANCE;"
                + " gives the RSSI of received frames")
        PathLoss path_loss() default PathLoss.FREE_SPACE;

        @AttributeDefinition(name = "Path-loss exponent", description = "n of LOG_DISTANCE (2 = free space)")
        double path_loss_exponent() default 2.7;

        @AttributeDefinition(name = "Sensitivity (dBm)", description = "Frames with a lower modelled RSSI are"
                + " not heard (-200 = off in practice)")
        double sensitivity_dbm() default -200.0;

        @AttributeDefinition(name = "Tx power (dBm)", description = "Used when a frame does not request one"
                + " (EN 302 571 allows up to 33 dBm EIRP)")
        double tx_power_dbm() default 23.0;

        @AttributeDefinition(name = "Loss probability", description = "Chance 0..1 that a received frame is lost",
                min = "0", max = "1")
        double loss_probability() default 0.0;

        @AttributeDefinition(name = "Latency (ms)", description = "Fixed delay before delivery", min = "0")
        double latency_ms() default 0.0;

        @AttributeDefinition(name = "Jitter (ms)", description = "Extra uniform delay 0..jitter; frames of one sender"
                + " stay in order", min = "0")
        double jitter_ms() default 0.0;

        @AttributeDefinition(name = "Channel", description = "802.11 channel (ITS_G5) or EARFCN (CV2X_PC5);"
                + " 0 = 180 (ITS-G5 CCH, 5900 MHz) or 54990 (band 47, 5900 MHz); frames on other channels are not heard")
        int channel() default 0;
    }

    private final String radioId;
    private final RadioTechnology technology;
    private final LinkAddress address;
    private final Clock clock;
    private final RandomGenerator random; // shard thread only
    private final long instance;
    private final int channel;
    private final int centreFrequencyMhz;
    private final double rangeM;
    private final PathLoss pathLoss;
    private final double pathLossExponent;
    private final double sensitivityDbm;
    private final double txPowerDbm;
    private final double lossProbability;
    private final long latencyNs;
    private final long jitterNs;
    private final int role; // AirDatagram role octet
    private final DatagramChannel socket;
    private final List<SocketAddress> targets; // group and peers modes
    private final AirDirectory directory; // air mode, else null
    private final AirDirectory.Member member; // air mode, else null
    private final AirShard shard;
    private final VirtualAir ownAir; // a stand-alone radio's own I/O thread, else null (shared, from DS)
    private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile long position = Long.MIN_VALUE; // lat << 32 | lon & 0xffffffff; MIN_VALUE = unknown
    private volatile boolean open = true;
    private long lastDeliveryNs = Long.MIN_VALUE; // shard thread only: keeps the frames in order
    private long lastMalformedLogNs;
    private long malformedSuppressed;
    private volatile String lastMalformedReason;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong outOfRange = new AtomicLong();
    private final AtomicLong belowSensitivity = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong otherChannel = new AtomicLong();
    private final AtomicLong otherTechnology = new AtomicLong();
    private final AtomicLong notAddressed = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong datagramsSent = new AtomicLong();
    private final AtomicLong droppedRole = new AtomicLong();

    @Activate
    public UdpAirRadio(Config config, @Reference(name = "virtualAir") VirtualAir air) throws IOException {
        this(config, air, Clock.systemUTC(), new SplittableRandom());
    }

    /**
     * A stand-alone radio outside DS (benchmarks, tools): it owns a one-thread {@link VirtualAir}
     * of its own, closed with it. Its {@code air} directory is private to it, so use peers or a group.
     */
    public UdpAirRadio(Config config) throws IOException {
        this(config, new VirtualAir(1, 0), true, Clock.systemUTC(), new SplittableRandom());
    }

    /** With an injected clock (timestamps) and random source (loss, jitter) for repeatable tests. */
    UdpAirRadio(Config config, VirtualAir air, Clock clock, RandomGenerator random) throws IOException {
        this(config, air, false, clock, random);
    }

    private UdpAirRadio(Config config, VirtualAir air, boolean ownAir, Clock clock, RandomGenerator random)
            throws IOException {
        this.ownAir = ownAir ? air : null;
        try {
            this.radioId = requireText(config.radio_id(), "radio.id");
            this.technology = config.radio_technology();
            this.address = parseAddress(config.address(), technology);
            this.clock = clock;
            this.random = random;
            this.instance = new SplittableRandom().nextLong();
            boolean g5 = technology == RadioTechnology.ITS_G5;
            this.channel = config.channel() != 0 ? config.channel() : g5 ? 180 : 54990;
            this.centreFrequencyMhz = PathLoss.centreFrequencyMhz(g5, channel);
            this.rangeM = nonNegative(config.range_m(), "range_m");
            this.pathLoss = config.path_loss();
            this.pathLossExponent = config.path_loss_exponent();
            this.sensitivityDbm = config.sensitivity_dbm();
            this.txPowerDbm = config.tx_power_dbm();
            double p = config.loss_probability();
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("loss_probability " + p + " outside 0..1");
            }
            this.lossProbability = p;
            this.latencyNs = Math.round(nonNegative(config.latency_ms(), "latency_ms") * 1e6);
            this.jitterNs = Math.round(nonNegative(config.jitter_ms(), "jitter_ms") * 1e6);
            String pos = config.position();
            if (pos != null && !pos.isBlank()) {
                this.position = parsePosition(pos);
            }
            this.role = AirRole.bits(config.role(), config.hears());
            String group = config.group() == null ? "" : config.group().strip();
            String airName = config.air() == null ? "" : config.air().strip();
            if (!airName.isEmpty() && !group.isEmpty()) {
                throw new IllegalArgumentException("air " + airName + " and group " + group + " exclude each other");
            }
            if (!airName.isEmpty() && config.peers() != null && config.peers().length > 0) {
                throw new IllegalArgumentException("air " + airName + " and peers exclude each other");
            }
            DatagramChannel ch = null;
            AirDirectory dir = null;
            AirDirectory.Member mem = null;
            try {
                if (!airName.isEmpty()) {
                    ch = DatagramChannel.open(StandardProtocolFamily.INET);
                    ch.bind(parseSocketAddress(config.bind(), "bind"));
                    InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
                    if (local.getAddress().isAnyLocalAddress()) { // others need an address to send to
                        local = new InetSocketAddress(InetAddress.getLoopbackAddress(), local.getPort());
                    }
                    this.targets = List.of();
                    dir = air.directory(airName);
                    mem = dir.register(radioId, technology, channel, address, local, role, rangeM);
                } else if (group.isEmpty()) {
                    ch = DatagramChannel.open(StandardProtocolFamily.INET);
                    ch.bind(parseSocketAddress(config.bind(), "bind"));
                    List<SocketAddress> t = new ArrayList<>();
                    for (String peers : config.peers() == null ? new String[0] : config.peers()) {
                        for (String peer : peers == null ? new String[0] : peers.split(",")) { // a .cfg comma list
                            if (!peer.isBlank()) {
                                t.add(parseSocketAddress(peer, "peers"));
                            }
                        }
                    }
                    this.targets = List.copyOf(t);
                } else {
                    InetSocketAddress g = parseSocketAddress(group, "group");
                    if (!g.getAddress().isMulticastAddress()) {
                        throw new IllegalArgumentException("group " + group + " is not a multicast address");
                    }
                    NetworkInterface nif = null;
                    String ifName = config.multicast_interface();
                    if (ifName != null && !ifName.isBlank()) {
                        nif = NetworkInterface.getByName(ifName.strip());
                        if (nif == null) {
                            throw new IllegalArgumentException("multicast_interface " + ifName + " does not exist");
                        }
                    }
                    ch = DatagramChannel.open(StandardProtocolFamily.INET);
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true); // all radios of a host share the port
                    ch.bind(new InetSocketAddress(g.getPort()));
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true); // radios on one host hear each other
                    if (nif == null) {
                        nif = defaultMulticastInterface();
                    }
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1); // the virtual air stays on the local link
                    ch.join(g.getAddress(), nif);
                    this.targets = List.of(g);
                }
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch.configureBlocking(false); // served by a shared selector
                this.shard = air.shard();
            } catch (IOException | RuntimeException e) {
                if (mem != null) {
                    dir.unregister(mem);
                }
                if (ch != null) {
                    ch.close();
                }
                LOG.warn("virtual-air radio {}: cannot open its socket: {}", radioId, e.getMessage());
                throw e;
            }
            this.socket = ch;
            this.directory = dir;
            this.member = mem;
            if (mem != null && position != Long.MIN_VALUE) {
                dir.move(mem, position);
            }
            shard.register(ch, this); // the last step: from here on the shard may call readable
            LOG.info("virtual-air radio {} ({}, {}, {}) on {} channel {} to {}; range {} m, loss {}, latency {} ms + {} ms",
                    radioId, technology, address, config.role(), socket.getLocalAddress(), channel,
                    dir != null ? "air " + dir.name + " (radios in range)" : targets, rangeM, lossProbability,
                    latencyNs / 1e6, jitterNs / 1e6);
        } catch (IOException | RuntimeException e) {
            if (ownAir) {
                air.close(); // a stand-alone radio's own I/O thread goes with it
            }
            throw e;
        }
    }

    /** The first interface that is up, not loopback and multicast-capable. */
    private static NetworkInterface defaultMulticastInterface() throws IOException {
        for (NetworkInterface n : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback() && n.supportsMulticast() && n.inetAddresses().findAny().isPresent()) {
                return n;
            }
        }
        throw new IllegalArgumentException("no multicast-capable interface is up; set multicast_interface (e.g. lo)");
    }

    static String requireText(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("configuration property " + name + " is required");
        }
        return s.strip();
    }

    private static double nonNegative(double v, String name) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " " + v + " must be a finite number >= 0");
        }
        return v;
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
                    ? "MAC address (02:00:00:00:00:01)" : "24-bit Layer-2 ID (0x000001)"));
        }
    }

    static InetSocketAddress parseSocketAddress(String text, String name) throws UnknownHostException {
        String s = requireText(text, name);
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(name + " " + s + " is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " " + s + " has no port 0..65535");
        }
        return new InetSocketAddress(InetAddress.getByName(s.substring(0, colon)), port);
    }

    static long parsePosition(String text) {
        String[] parts = text.strip().split("\\s*,\\s*");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            double lat = Double.parseDouble(parts[0]);
            double lon = Double.parseDouble(parts[1]);
            if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
                throw new NumberFormatException();
            }
            return pack((int) Math.round(lat * 1e7), (int) Math.round(lon * 1e7));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("position " + text + " is not 'latitude,longitude' in degrees");
        }
    }

    private static long pack(int lat, int lon) {
        return (long) lat << 32 | (lon & 0xFFFF_FFFFL);
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

    /** The local socket address (tests and peers lists need the port when bound to 0). */
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) socket.getLocalAddress();
    }

    @Override
    public void updatePosition(StationState state) {
        long p = pack(state.latitude(), state.longitude());
        position = p;
        if (member != null) {
            directory.move(member, p); // O(1): no configuration round trip
        }
    }

    @Override
    public void clearPosition() {
        position = Long.MIN_VALUE;
        if (member != null) {
            directory.move(member, AirDirectory.UNKNOWN_POSITION);
        }
    }

    @Override
    public void send(RadioFrame frame) throws IOException {
        int octets = technology == RadioTechnology.ITS_G5 ? 6 : 3;
        if (frame.source().octets() != octets) {
            throw new IllegalArgumentException("a " + technology + " radio sends " + octets + "-octet addresses, not "
                    + frame.source());
        }
        if (technology == RadioTechnology.ITS_G5 && frame.protocol() < 0x0600) {
            throw new IllegalArgumentException(String.format("protocol 0x%04x is not an EtherType", frame.protocol()));
        }
        // effective transmit metadata: what the frame requests, else this radio's settings
        FrameMetadata m = frame.metadata();
        int ch = m.channel() != null ? m.channel() : channel;
        Integer freq = m.centreFrequencyMhz() != null ? m.centreFrequencyMhz()
                : ch == channel ? nullIfZero(centreFrequencyMhz)
                : nullIfZero(PathLoss.centreFrequencyMhz(technology == RadioTechnology.ITS_G5, ch));
        FrameMetadata tx = new FrameMetadata(ch, freq, m.txPowerDbm() != null ? m.txPowerDbm() : txPowerDbm, null,
                m.timestamp() != null ? m.timestamp() : clock.instant(), m.userPriority(), m.sidelink());
        long pos = position;
        byte[] datagram = AirDatagram.encode(technology, instance, sequence.incrementAndGet(), frame.withMetadata(tx),
                pos != Long.MIN_VALUE, (int) (pos >> 32), (int) pos, role);
        if (!open) {
            throw new IOException("virtual-air radio " + radioId + " is closed");
        }
        int written = 0;
        try {
            ByteBuffer b = ByteBuffer.wrap(datagram);
            if (member != null) {
                // neighbour-directed: one datagram to each radio that can hear it, O(radios nearby)
                for (AirDirectory.Member rx : directory.receivers(member, pos, ch, frame.destination())) {
                    written += socket.send(b.rewind(), rx.endpoint) > 0 ? 1 : 0;
                }
            } else {
                for (SocketAddress target : targets) {
                    written += socket.send(b.rewind(), target) > 0 ? 1 : 0;
                }
            }
        } catch (ClosedChannelException e) {
            throw new IOException("virtual-air radio " + radioId + " is closed");
        } finally {
            datagramsSent.addAndGet(written);
        }
        sent.incrementAndGet();
    }

    private static Integer nullIfZero(int v) {
        return v == 0 ? null : v;
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
            s.open = false; // the radio has gone: a valid subscription that is never called
        }
        return s;
    }

    /** Called by this radio's shard when its socket is readable: judges up to {@code burst} datagrams. */
    void readable(DatagramChannel ch, AirShard on, int burst) {
        ByteBuffer buf = on.buffer();
        for (int i = 0; i < burst && open; i++) {
            SocketAddress from;
            try {
                buf.clear();
                from = ch.receive(buf);
            } catch (ClosedChannelException e) {
                return; // deactivated
            } catch (IOException e) {
                if (open) {
                    LOG.warn("virtual-air radio {}: receive failed: {}", radioId, e.getMessage());
                }
                return;
            }
            if (from == null) {
                return; // drained
            }
            buf.flip();
            handle(buf, from);
        }
    }

    /** Judges one datagram as this receiver; package-private so tests can feed bytes directly. */
    void handle(ByteBuffer buf, SocketAddress from) {
        AirDatagram.Decoded d;
        try {
            d = AirDatagram.decode(buf);
        } catch (AirDatagram.MalformedException e) {
            received.incrementAndGet();
            malformed(e.getMessage(), from);
            return;
        }
        if (d.senderInstance() == instance) {
            return; // our own frame, looped back by multicast
        }
        received.incrementAndGet();
        if (!AirRole.allows(d.role(), role)) {
            droppedRole.incrementAndGet();
            return;
        }
        if (d.technology() != technology) {
            otherTechnology.incrementAndGet();
            return;
        }
        RadioFrame f = d.frame();
        FrameMetadata m = f.metadata();
        if (m.channel() != null && m.channel() != channel) {
            otherChannel.incrementAndGet();
            return;
        }
        if (technology == RadioTechnology.ITS_G5 && !f.destination().isGroup() && !f.destination().equals(address)) {
            notAddressed.incrementAndGet();
            return;
        }
        Double rssi = null;
        long pos = position;
        if (d.hasPosition() && pos != Long.MIN_VALUE) {
            double distance = PathLoss.distanceM(d.latitude(), d.longitude(), (int) (pos >> 32), (int) pos);
            if (rangeM > 0 && distance > rangeM) {
                outOfRange.incrementAndGet();
                return;
            }
            int freq = m.centreFrequencyMhz() != null ? m.centreFrequencyMhz() : centreFrequencyMhz;
            if (pathLoss != PathLoss.NONE && freq > 0) {
                double ptx = m.txPowerDbm() != null ? m.txPowerDbm() : txPowerDbm;
                rssi = Math.round((ptx - pathLoss.lossDb(distance, freq, pathLossExponent)) * 100) / 100.0;
                if (rssi < sensitivityDbm) {
                    belowSensitivity.incrementAndGet();
                    return;
                }
            }
        }
        if (lossProbability > 0 && random.nextDouble() < lossProbability) {
            lost.incrementAndGet();
            return;
        }
        Double heard = rssi;
        if (latencyNs == 0 && jitterNs == 0) {
            deliver(f, heard);
            return;
        }
        long delay = latencyNs + (jitterNs > 0 ? (long) (random.nextDouble() * jitterNs) : 0);
        long due = System.nanoTime() + delay;
        if (lastDeliveryNs != Long.MIN_VALUE && due - lastDeliveryNs < 0) {
            due = lastDeliveryNs; // a radio link does not reorder: never overtake the frame before
        }
        lastDeliveryNs = due;
        // due times of this radio never decrease and the shard keeps equal due times in order
        shard.schedule(due, () -> deliver(f, heard));
    }

    private void malformed(String reason, SocketAddress from) {
        malformed.incrementAndGet();
        lastMalformedReason = reason;
        long now = System.nanoTime();
        if (lastMalformedLogNs == 0 || now - lastMalformedLogNs >= MALFORMED_LOG_INTERVAL_NS) {
            LOG.warn("virtual-air radio {}: ignored a datagram from {}: {}{}", radioId, from, reason,
                    malformedSuppressed > 0 ? " (" + malformedSuppressed + " more since the last report)" : "");
            lastMalformedLogNs = now;
            malformedSuppressed = 0;
        } else {
            malformedSuppressed++;
        }
    }

    private void deliver(RadioFrame f, Double rssi) {
        if (!open) {
            return;
        }
        RadioFrame rx = f.withMetadata(f.metadata().withRssiDbm(rssi).withTimestamp(clock.instant()));
        delivered.incrementAndGet();
        for (Sub s : subscriptions) {
            s.deliver(rx);
        }
    }

    @Override
    public AirStatistics statistics() {
        return new AirStatistics(sent.get(), received.get(), delivered.get(), outOfRange.get(), belowSensitivity.get(),
                lost.get(), otherChannel.get(), otherTechnology.get(), notAddressed.get(), malformed.get(),
                lastMalformedReason, datagramsSent.get(), droppedRole.get());
    }

    @Deactivate
    void deactivate() {
        if (!open) {
            return;
        }
        open = false;
        if (member != null) {
            directory.unregister(member); // senders stop addressing it
        }
        // on the shard: the socket leaves the selector, and no reception of this radio is still running after
        shard.executeAndWait(() -> {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("virtual-air radio {}: close: {}", radioId, e.getMessage());
            }
        }, 2000);
        for (Sub s : subscriptions) {
            s.close(); // frames still in flight (latency) die with the radio
        }
        if (ownAir != null) {
            ownAir.close();
        }
        AirStatistics st = statistics();
        LOG.info("virtual-air radio {} closed: sent {}, received {}, delivered {}, out of range {}, lost {},"
                + " malformed {}", radioId, st.sent(), st.received(), st.delivered(), st.droppedOutOfRange(),
                st.droppedLoss(), st.malformed());
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
                    LOG.warn("virtual-air radio {}: a listener failed on a frame from {}: {}", radioId,
                            frame.source(), e.toString());
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
}
